package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sada-project/sada/internal/id"
)

// A background migration changes every row of a large table without
// holding up start-up or writers: it works through the table by id in small
// batches, each its own short write transaction that also records how far
// it got, so it resumes where it stopped after a restart or an upgrade, and
// two processes sharing the database during a hand-over never do a batch
// twice.
type backgroundMigration struct {
	name string
	// batch processes up to limit rows with after < id < until and returns
	// the last id it processed and how many rows; zero rows means the work
	// is done. Rows from until on are the new release's: it writes them in
	// the new shape itself.
	batch func(ctx context.Context, tx *sql.Tx, after, until int64, limit int) (last int64, n int, err error)
}

// backgroundMigrations are run by RunBackgroundMigrations, in order.
var backgroundMigrations []backgroundMigration

// Progress reports a background migration's state.
type Progress struct {
	Name     string
	RowsDone int64
	Done     bool
}

// backgroundBatch is the rows per batch; small enough that a batch holds
// the writer for a few milliseconds.
const backgroundBatch = 500

// horizonLag is how far before its first batch a migration's horizon lies.
// Ids are made before their row commits, so a row can commit a little
// after a newer one; the lag leaves such rows behind the horizon.
const horizonLag = 5 * time.Second

// RunBackgroundMigrations works through every pending background migration,
// calling report after each batch, until all are done or ctx ends. pause
// is the rest between batches that leaves the writer to serve requests.
func (s *Store) RunBackgroundMigrations(ctx context.Context, pause time.Duration, report func(Progress)) error {
	for _, m := range backgroundMigrations {
		for {
			p, err := s.backgroundStep(ctx, m)
			if err != nil {
				return fmt.Errorf("background migration %s: %w", m.name, err)
			}
			report(p)
			if p.Done {
				break
			}
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(pause):
			}
		}
	}
	return nil
}

// backgroundStep runs one batch of m, reading and saving its position in
// the same transaction.
func (s *Store) backgroundStep(ctx context.Context, m backgroundMigration) (Progress, error) {
	p := Progress{Name: m.name}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var last, until int64
		var done int
		err := tx.QueryRowContext(ctx, `SELECT last_id, until_id, rows_done, done FROM background_migrations WHERE name = ?`, m.name).
			Scan(&last, &until, &p.RowsDone, &done)
		if err == sql.ErrNoRows {
			until = id.FromTime(s.now().Add(-horizonLag))
			_, err = tx.ExecContext(ctx, `INSERT INTO background_migrations (name, until_id, updated_at) VALUES (?, ?, ?)`,
				m.name, until, toMicro(s.now()))
		}
		if err != nil {
			return err
		}
		if done == 1 {
			p.Done = true
			return nil
		}
		next, n, err := m.batch(ctx, tx, last, until, backgroundBatch)
		if err != nil {
			return err
		}
		p.RowsDone += int64(n)
		p.Done = n == 0
		_, err = tx.ExecContext(ctx, `UPDATE background_migrations SET last_id = ?, rows_done = ?, done = ?, updated_at = ? WHERE name = ?`,
			max(next, last), p.RowsDone, p.Done, toMicro(s.now()), m.name)
		return err
	})
	return p, err
}
