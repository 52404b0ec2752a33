package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sada-project/sada/internal/store"
)

// Lists are stored joined: redirect URIs by newline as Mastodon does, scopes
// by space as OAuth writes them.
const (
	uriSep   = "\n"
	scopeSep = " "
)

// CreateApp registers an OAuth client; ErrConflict when its client id is taken.
func (s *Store) CreateApp(ctx context.Context, a *store.App) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	a.CreatedAt = fromMicro(toMicro(a.CreatedAt)) // as stored
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO apps (id, name, website, redirect_uris, scopes,
			client_id, client_secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Name, a.Website, strings.Join(a.RedirectURIs, uriSep), strings.Join(a.Scopes, scopeSep),
			a.ClientID, a.ClientSecret, toMicro(a.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create app %d: %w", a.ID, classify(err))
	}
	return nil
}

const appColumns = `id, name, website, redirect_uris, scopes, client_id, client_secret, created_at`

func scanApp(sc scanner) (*store.App, error) {
	var a store.App
	var uris, scopes string
	var created int64
	if err := sc.Scan(&a.ID, &a.Name, &a.Website, &uris, &scopes, &a.ClientID, &a.ClientSecret, &created); err != nil {
		return nil, err
	}
	a.RedirectURIs = splitList(uris, uriSep)
	a.Scopes = splitList(scopes, scopeSep)
	a.CreatedAt = fromMicro(created)
	return &a, nil
}

// AppByClientID returns the app with clientID.
func (s *Store) AppByClientID(ctx context.Context, clientID string) (*store.App, error) {
	a, err := scanApp(s.r.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE client_id = ?`, clientID))
	if err != nil {
		return nil, fmt.Errorf("app by client id: %w", classify(err))
	}
	return a, nil
}

// AppByID returns the app with id.
func (s *Store) AppByID(ctx context.Context, id int64) (*store.App, error) {
	a, err := scanApp(s.r.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("app %d: %w", id, classify(err))
	}
	return a, nil
}

// CreateAuthCode stores an authorization code, and drops expired ones so
// that abandoned authorizations do not pile up.
func (s *Store) CreateAuthCode(ctx context.Context, c *store.AuthCode) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM auth_codes WHERE expires_at < ?`, toMicro(s.now())); err != nil {
			return fmt.Errorf("expire codes: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO auth_codes (code_hash, app_id, account_id, redirect_uri,
			scopes, code_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.CodeHash, c.AppID, c.AccountID, c.RedirectURI, strings.Join(c.Scopes, scopeSep),
			c.CodeChallenge, toMicro(c.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create auth code: %w", classify(err))
	}
	return nil
}

// TakeAuthCode deletes the code and returns it, so that it works once; an
// expired code is deleted too and reported as ErrNotFound.
func (s *Store) TakeAuthCode(ctx context.Context, codeHash string) (*store.AuthCode, error) {
	var c store.AuthCode
	err := s.write(ctx, func(tx *sql.Tx) error {
		var scopes string
		var expires int64
		if err := tx.QueryRowContext(ctx, `DELETE FROM auth_codes WHERE code_hash = ?
			RETURNING code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, expires_at`, codeHash).Scan(
			&c.CodeHash, &c.AppID, &c.AccountID, &c.RedirectURI, &scopes, &c.CodeChallenge, &expires); err != nil {
			return err
		}
		c.Scopes = splitList(scopes, scopeSep)
		c.ExpiresAt = fromMicro(expires)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("take auth code: %w", classify(err))
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, fmt.Errorf("take auth code: expired: %w", store.ErrNotFound)
	}
	return &c, nil
}

// CreateToken stores an access token by its hash.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = s.now()
	}
	t.CreatedAt = fromMicro(toMicro(t.CreatedAt)) // as stored
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (id, token_hash, app_id, account_id, scopes, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			t.ID, t.TokenHash, t.AppID, t.AccountID, strings.Join(t.Scopes, scopeSep), toMicro(t.CreatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create token %d: %w", t.ID, classify(err))
	}
	return nil
}

// TokenByHash returns the token whose hash is tokenHash.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (*store.Token, error) {
	var t store.Token
	var scopes string
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT id, token_hash, app_id, account_id, scopes, created_at
		FROM tokens WHERE token_hash = ?`, tokenHash).Scan(&t.ID, &t.TokenHash, &t.AppID, &t.AccountID, &scopes, &created)
	if err != nil {
		return nil, fmt.Errorf("token by hash: %w", classify(err))
	}
	t.Scopes = splitList(scopes, scopeSep)
	t.CreatedAt = fromMicro(created)
	return &t, nil
}

// RevokeToken deletes the token; an unknown token is not an error.
func (s *Store) RevokeToken(ctx context.Context, tokenHash string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke token: %w", classify(err))
	}
	return nil
}
