package social

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/store"
)

// errBadLogin is the one answer to every failed sign-in, so that a stranger
// cannot tell a wrong password from an unknown account.
var errBadLogin = &Error{Kind: ErrForbidden, Msg: "The username or password is wrong."}

// dummyHash is checked against when no account matches, so that signing in
// as nobody takes as long as a wrong password and timing reveals nothing.
// It is made on first use, not at start-up, as hashing costs tens of ms.
var dummyHash = sync.OnceValue(func() string {
	h, _ := account.HashPassword("sada dummy password") // only fails without randomness
	return h
})

// Authenticate returns the account whose username or e-mail is login and
// whose password is password, or an ErrForbidden-kind error.
func (s *Service) Authenticate(ctx context.Context, login, password string) (*store.Account, error) {
	if login == "" || password == "" || len(password) > account.MaxPassword {
		return nil, errBadLogin
	}
	ac, err := s.Store.AccountByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		_ = account.VerifyPassword(dummyHash(), password)
		return nil, errBadLogin
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	if err := account.VerifyPassword(ac.PasswordHash, password); err != nil {
		if errors.Is(err, account.ErrPasswordMismatch) {
			return nil, errBadLogin
		}
		return nil, fmt.Errorf("authenticate %d: %w", ac.ID, err)
	}
	return ac, nil
}

// ErrWrongPassword is the Kind-ErrForbidden error ChangePassword returns
// when the current password given is not the account's.
var ErrWrongPassword = &Error{Kind: ErrForbidden, Msg: "The current password is wrong."}

// ChangePassword replaces ac's password with next after checking current,
// so that someone at an unattended, signed-in browser cannot take the
// account over.
func (s *Service) ChangePassword(ctx context.Context, ac *store.Account, current, next string) error {
	if err := account.VerifyPassword(ac.PasswordHash, current); err != nil {
		if errors.Is(err, account.ErrPasswordMismatch) {
			return ErrWrongPassword
		}
		return fmt.Errorf("change password of %d: %w", ac.ID, err)
	}
	return s.SetPassword(ctx, ac, next)
}
