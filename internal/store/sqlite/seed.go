package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// Seeder writes a synthetic population straight into the database, for
// load tests at sizes the API would take hours to fill (a million posts).
// It is not part of store.Store and no server path uses it: rows go in by
// the thousand per transaction, with synchronous=OFF while it runs, and the
// derived columns (counts, last_status_at) are computed once at Finish.
// Nothing is durable until Finish returns; a seed that fails half way is
// thrown away with its data directory.
type Seeder struct {
	s     *Store
	ctx   context.Context
	tx    *sql.Tx
	rows  int
	stmts map[string]*sql.Stmt
	sync  int // PRAGMA synchronous before the seed, to put back
}

// seedBatch is how many rows one seeding transaction writes.
const seedBatch = 50_000

// The seeding statements, by name.
var seedSQL = map[string]string{
	"account": `INSERT INTO accounts (id, username, username_key, email, email_key, display_name, note,
		password_hash, language, created_at, pull) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"token":  `INSERT INTO tokens (id, token_hash, app_id, account_id, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
	"follow": `INSERT INTO follows (id, account_id, target_id, created_at) VALUES (?, ?, ?, ?)`,
	"status": `INSERT INTO statuses (id, account_id, text, visibility, language, created_at, application_id)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
	"tag":     `INSERT OR IGNORE INTO status_tags (status_id, tag_key, name, position) VALUES (?, ?, ?, ?)`,
	"mention": `INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)`,
	"home":    `INSERT OR IGNORE INTO home_entries (account_id, status_id) VALUES (?, ?)`,
}

// NewSeeder starts a bulk seed. Use the Seeder from one goroutine and
// call Finish (or Abort) at the end.
func (s *Store) NewSeeder(ctx context.Context) (*Seeder, error) {
	sd := &Seeder{s: s, ctx: ctx}
	if err := s.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sd.sync); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA synchronous = OFF`); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	if err := sd.begin(); err != nil {
		return nil, err
	}
	return sd, nil
}

func (sd *Seeder) begin() error {
	tx, err := sd.s.w.BeginTx(sd.ctx, nil)
	if err != nil {
		return fmt.Errorf("seed: begin: %w", err)
	}
	sd.tx, sd.rows, sd.stmts = tx, 0, map[string]*sql.Stmt{}
	for name, q := range seedSQL {
		st, err := tx.PrepareContext(sd.ctx, q)
		if err != nil {
			return errors.Join(fmt.Errorf("seed: prepare %s: %w", name, err), tx.Rollback())
		}
		sd.stmts[name] = st
	}
	return nil
}

// exec runs one named statement, committing and starting a new
// transaction every seedBatch rows.
func (sd *Seeder) exec(name string, args ...any) error {
	if _, err := sd.stmts[name].ExecContext(sd.ctx, args...); err != nil {
		return fmt.Errorf("seed: %s: %w", name, classify(err))
	}
	sd.rows++
	if sd.rows < seedBatch {
		return nil
	}
	if err := sd.tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return sd.begin()
}

// Account inserts an account; its counts are computed at Finish.
func (sd *Seeder) Account(a *store.Account) error {
	return sd.exec("account", a.ID, a.Username, foldKey(a.Username), a.Email, foldKey(a.Email), a.DisplayName,
		a.Note, a.PasswordHash, a.Language, toMicro(a.CreatedAt), a.Pull)
}

// Token inserts an access token (its hash, as CreateToken does).
func (sd *Seeder) Token(t *store.Token) error {
	return sd.exec("token", t.ID, t.TokenHash, t.AppID, t.AccountID, strings.Join(t.Scopes, scopeSep), toMicro(t.CreatedAt))
}

// Follow inserts a follow of target by follower.
func (sd *Seeder) Follow(id, follower, target int64, at time.Time) error {
	return sd.exec("follow", id, follower, target, toMicro(at))
}

// Status inserts a status with its tags (names and keys, in order) and
// mentions (st.MentionIDs), and indexes it for search and trends. Replies
// and reblogs are not seeded.
func (sd *Seeder) Status(st *store.Status, tags, tagKeys []string) error {
	if err := sd.exec("status", st.ID, st.AccountID, st.Text, string(st.Visibility), st.Language,
		toMicro(st.CreatedAt), st.ApplicationID); err != nil {
		return err
	}
	for i, name := range tags {
		if err := sd.exec("tag", st.ID, tagKeys[i], name, i); err != nil {
			return err
		}
	}
	for _, m := range st.MentionIDs {
		if err := sd.exec("mention", st.ID, m); err != nil {
			return err
		}
	}
	// Search and trends index it as CreateStatus does.
	if err := sd.s.indexStatus(sd.ctx, sd.tx, st, store.NewStatus{Status: st, Tags: tags, TagKeys: tagKeys}); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	return nil
}

// Home inserts home timeline entries of accountID.
func (sd *Seeder) Home(accountID int64, statusIDs []int64) error {
	for _, sid := range statusIDs {
		if err := sd.exec("home", accountID, sid); err != nil {
			return err
		}
	}
	return nil
}

// Finish computes every account's counts, last_status_at and pull flag
// (followers at or above pullThreshold), commits, and puts synchronous
// back to what the store was opened with.
func (sd *Seeder) Finish(pullThreshold int64) error {
	steps := []string{
		`UPDATE accounts SET
			followers_count = (SELECT count(*) FROM follows WHERE target_id = accounts.id),
			following_count = (SELECT count(*) FROM follows WHERE account_id = accounts.id),
			statuses_count = (SELECT count(*) FROM statuses WHERE account_id = accounts.id),
			last_status_at = coalesce((SELECT created_at FROM statuses WHERE account_id = accounts.id
				ORDER BY id DESC LIMIT 1), 0)`,
		`UPDATE accounts SET pull = 1 WHERE followers_count >= ?`,
	}
	for i, q := range steps {
		var args []any
		if i == 1 {
			args = append(args, pullThreshold)
		}
		if _, err := sd.tx.ExecContext(sd.ctx, q, args...); err != nil {
			return errors.Join(fmt.Errorf("seed: counts: %w", err), sd.tx.Rollback())
		}
	}
	if err := sd.tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return sd.restore()
}

// Abort rolls back the open transaction; earlier batches stay.
func (sd *Seeder) Abort() error {
	return errors.Join(sd.tx.Rollback(), sd.restore())
}

// restore sets synchronous back and checkpoints, so the server starts on
// a compact WAL.
func (sd *Seeder) restore() error {
	if _, err := sd.s.w.ExecContext(sd.ctx, fmt.Sprintf(`PRAGMA synchronous = %d`, sd.sync)); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if _, err := sd.s.w.ExecContext(sd.ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("seed: checkpoint: %w", err)
	}
	return nil
}
