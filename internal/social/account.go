package social

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// NewAccount is what a person (or an admin) gives to sign up.
type NewAccount struct {
	Username, Email, Password, Language string
	Admin                               bool
}

// Register validates and stores a new account.
func (s *Service) Register(ctx context.Context, in NewAccount) (*store.Account, error) {
	if err := account.CheckUsername(in.Username); err != nil {
		return nil, invalid("Validation failed: %v", err)
	}
	if err := account.CheckPassword(in.Password); err != nil {
		return nil, invalid("Validation failed: %v", err)
	}
	email := strings.TrimSpace(in.Email)
	if email != "" && (!strings.Contains(email, "@") || len(email) > 254 || strings.ContainsAny(email, " <>")) {
		return nil, invalid("Validation failed: email is not a valid address")
	}
	hash, err := account.HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	ac := &store.Account{
		ID: id.New(), Username: in.Username, Email: email, PasswordHash: hash,
		Language: in.Language, Admin: in.Admin, CreatedAt: time.Now().UTC(),
	}
	if err := s.Store.CreateAccount(ctx, ac); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, invalid("Validation failed: username or email is already taken")
		}
		return nil, fmt.Errorf("register %q: %w", in.Username, err)
	}
	return ac, nil
}

// SetPassword replaces an account's password.
func (s *Service) SetPassword(ctx context.Context, ac *store.Account, password string) error {
	if err := account.CheckPassword(password); err != nil {
		return invalid("Validation failed: %v", err)
	}
	hash, err := account.HashPassword(password)
	if err != nil {
		return err
	}
	updated := *ac
	updated.PasswordHash = hash
	if err := s.Store.UpdateAccount(ctx, &updated); err != nil {
		return fmt.Errorf("set password of %d: %w", ac.ID, err)
	}
	ac.PasswordHash = hash
	return nil
}

// Profile holds the editable parts of an account; nil fields stay as they are.
type Profile struct {
	DisplayName, Note, Language *string
	Locked, Bot                 *bool
}

// UpdateProfile checks and saves profile changes, returning the new account.
func (s *Service) UpdateProfile(ctx context.Context, ac *store.Account, p Profile) (*store.Account, error) {
	out := *ac
	if p.DisplayName != nil {
		dn := strings.TrimSpace(post.Normalize(*p.DisplayName))
		if utf8.RuneCountInString(dn) > account.MaxDisplayName {
			return nil, invalid("Validation failed: display name is longer than %d characters", account.MaxDisplayName)
		}
		out.DisplayName = dn
	}
	if p.Note != nil {
		note := strings.TrimSpace(post.Normalize(*p.Note))
		if utf8.RuneCountInString(note) > account.MaxNote {
			return nil, invalid("Validation failed: bio is longer than %d characters", account.MaxNote)
		}
		out.Note = note
	}
	if p.Language != nil {
		out.Language = *p.Language
	}
	if p.Locked != nil {
		out.Locked = *p.Locked
	}
	if p.Bot != nil {
		out.Bot = *p.Bot
	}
	if err := s.Store.UpdateAccount(ctx, &out); err != nil {
		return nil, fmt.Errorf("update profile of %d: %w", ac.ID, err)
	}
	return &out, nil
}
