package sms

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// Linking a number from the web settings page: StartLink texts a code,
// ConfirmLink (the code typed on the web) or the code texted back from the
// number links it, Unlink undoes it. Errors are *social.Error with a
// message safe to show, so the web renders them as it renders any other.

const (
	codeTTL         = 15 * time.Minute // how long a link code works
	codeMaxAttempts = 5                // wrong codes before it is dropped
	codeInterval    = time.Minute      // between two codes for one account
)

// LinkError is a refused linking step. Code names the reason, so that a
// surface can say it in the reader's language; Err says it in English and
// carries the kind (invalid, forbidden, not found).
type LinkError struct {
	Code string
	Err  *social.Error
}

func (e *LinkError) Error() string { return e.Err.Msg }

// Unwrap exposes the *social.Error, so errors.As and errors.Is see the kind.
func (e *LinkError) Unwrap() error { return e.Err }

func refuse(kind error, code, msg string) error {
	return &LinkError{Code: code, Err: &social.Error{Kind: kind, Msg: msg}}
}

// StartLink sends a code to phone (any common way of writing a number in
// international form) for ac to prove it holds the number, and returns the
// number as it will be stored (E.164).
func (s *Service) StartLink(ctx context.Context, ac *store.Account, phone string) (string, error) {
	number, err := NormalizeNumber(phone)
	if err != nil {
		return "", refuse(social.ErrInvalid, "bad_number", "The phone number must be in international form, such as +989121234567.")
	}
	if p, err := s.store.PhoneByAccount(ctx, ac.ID); err == nil {
		if p.Number == number {
			return "", refuse(social.ErrInvalid, "already_yours", "This number is already linked to your account.")
		}
		return "", refuse(social.ErrInvalid, "has_number", "Your account already has a number; unlink it first.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	if _, err := s.store.PhoneByNumber(ctx, number); err == nil {
		return "", refuse(social.ErrForbidden, "taken", "This number is linked to another account.")
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", err
	}
	stopped, err := s.store.SMSStopped(ctx, number)
	if err != nil {
		return "", err
	}
	if stopped {
		return "", refuse(social.ErrInvalid, "stopped", "This number asked for no texts from sada. Text START from it first.")
	}
	now := s.opt.Now()
	if pc, err := s.store.PhoneCode(ctx, ac.ID); err == nil && now.Sub(pc.CreatedAt) < codeInterval {
		return "", refuse(social.ErrInvalid, "wait", "A code was sent less than a minute ago; please wait for it.")
	}
	code := randomString("0123456789", 6)
	pc := &store.PhoneCode{AccountID: ac.ID, Number: number, CodeHash: codeHash(number, code), CreatedAt: now, ExpiresAt: now.Add(codeTTL)}
	if err := s.store.CreatePhoneCode(ctx, pc); err != nil {
		return "", err
	}
	lang := ac.Language
	if _, ok := catalog[lang]; !ok {
		lang = "en"
	}
	m := s.outgoing(number, say(lang, msgLinkCode, code), "code")
	m.Secret = true
	if _, err := s.store.EnqueueSMS(ctx, []*store.OutboxSMS{m}); err != nil {
		return "", err
	}
	wake(s.outboxWake)
	return number, nil
}

// ConfirmLink links the number ac asked for, given the code texted to it.
func (s *Service) ConfirmLink(ctx context.Context, ac *store.Account, code string) (*store.Phone, error) {
	pc, err := s.store.PhoneCode(ctx, ac.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(social.ErrInvalid, "no_code", "No code is waiting for this account; ask for a new one.")
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(codeHash(pc.Number, code)), []byte(pc.CodeHash)) != 1 {
		if err := s.failCode(ctx, ac.ID); err != nil {
			return nil, err
		}
		return nil, refuse(social.ErrInvalid, "wrong_code", "That code is wrong.")
	}
	p := &store.Phone{Number: pc.Number, AccountID: ac.ID, Updates: true, CreatedAt: s.opt.Now()}
	if err := s.store.LinkPhone(ctx, p); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, refuse(social.ErrForbidden, "taken", "This number was linked to another account meanwhile.")
		}
		return nil, err
	}
	return p, nil
}

// failCode counts a wrong code and drops the code after too many.
func (s *Service) failCode(ctx context.Context, accountID int64) error {
	n, err := s.store.FailPhoneCode(ctx, accountID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if n >= codeMaxAttempts {
		return s.store.DeletePhoneCode(ctx, accountID)
	}
	return nil
}

// Unlink removes ac's number (and its text subscriptions); unlinking an
// account with no number is fine, so the button can be pressed twice.
func (s *Service) Unlink(ctx context.Context, ac *store.Account) error {
	if err := s.store.DeletePhoneCode(ctx, ac.ID); err != nil {
		return err
	}
	if err := s.store.UnlinkPhone(ctx, ac.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// Phone returns ac's linked number, or an ErrNotFound-kind error.
func (s *Service) Phone(ctx context.Context, ac *store.Account) (*store.Phone, error) {
	p, err := s.store.PhoneByAccount(ctx, ac.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, refuse(social.ErrNotFound, "none", "No phone number is linked.")
	}
	return p, err
}

// PendingNumber returns the number a code was sent to for ac and still
// works, or "" when none waits: for the settings page to show the code
// field.
func (s *Service) PendingNumber(ctx context.Context, ac *store.Account) (string, error) {
	pc, err := s.store.PhoneCode(ctx, ac.ID)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return pc.Number, nil
}

// SetUpdates is the web's ON/OFF switch for all texts to ac's number.
func (s *Service) SetUpdates(ctx context.Context, ac *store.Account, on bool) error {
	err := s.store.SetPhoneUpdates(ctx, ac.ID, on)
	if errors.Is(err, store.ErrNotFound) {
		return refuse(social.ErrNotFound, "none", "No phone number is linked.")
	}
	return err
}
