package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// CreateSession stores a web session by its token's hash, and drops expired
// sessions in the same transaction so that the table stays as small as the
// number of people signed in.
func (s *Store) CreateSession(ctx context.Context, se *store.Session) error {
	if se.CreatedAt.IsZero() {
		se.CreatedAt = s.now()
	}
	se.CreatedAt = fromMicro(toMicro(se.CreatedAt)) // as stored
	se.ExpiresAt = fromMicro(toMicro(se.ExpiresAt))
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE expires_at <= ?`, toMicro(s.now())); err != nil {
			return fmt.Errorf("expire sessions: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, account_id, created_at, expires_at)
			VALUES (?, ?, ?, ?)`, se.TokenHash, se.AccountID, toMicro(se.CreatedAt), toMicro(se.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create session for %d: %w", se.AccountID, classify(err))
	}
	return nil
}

// SessionByHash returns the unexpired session whose token hashes to tokenHash.
func (s *Store) SessionByHash(ctx context.Context, tokenHash string) (*store.Session, error) {
	var se store.Session
	var created, expires int64
	err := s.r.QueryRowContext(ctx, `SELECT token_hash, account_id, created_at, expires_at
		FROM web_sessions WHERE token_hash = ? AND expires_at > ?`, tokenHash, toMicro(s.now())).Scan(
		&se.TokenHash, &se.AccountID, &created, &expires)
	if err != nil {
		return nil, fmt.Errorf("session by hash: %w", classify(err))
	}
	se.CreatedAt, se.ExpiresAt = fromMicro(created), fromMicro(expires)
	return &se, nil
}

// RenewSession moves an unexpired session's expiry.
func (s *Store) RenewSession(ctx context.Context, tokenHash string, expiresAt time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE web_sessions SET expires_at = ?
			WHERE token_hash = ? AND expires_at > ?`, toMicro(expiresAt), tokenHash, toMicro(s.now()))
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("renew session: %w", classify(err))
	}
	return nil
}

// DeleteSession ends one session; an unknown hash is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE token_hash = ?`, tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", classify(err))
	}
	return nil
}

// DeleteAccountSessions ends accountID's sessions except the one hashed as keep.
func (s *Store) DeleteAccountSessions(ctx context.Context, accountID int64, keep string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM web_sessions WHERE account_id = ? AND token_hash <> ?`, accountID, keep)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete sessions of %d: %w", accountID, classify(err))
	}
	return nil
}
