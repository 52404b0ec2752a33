package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestBackgroundMigration runs a batched change over a table, stops it
// half-way, resumes it from a second store on the same file while the
// first also runs (as during an upgrade), and checks every row was changed
// exactly once.
func TestBackgroundMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bg.db")
	s1, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	if _, err := s1.w.ExecContext(ctx, `CREATE TABLE items (id INTEGER PRIMARY KEY, touched INTEGER NOT NULL DEFAULT 0)`); err != nil {
		t.Fatal(err)
	}
	const rows = 2345
	for i := 1; i <= rows; i++ {
		if _, err := s1.w.ExecContext(ctx, `INSERT INTO items (id) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	saved := backgroundMigrations
	t.Cleanup(func() { backgroundMigrations = saved })
	backgroundMigrations = []backgroundMigration{{
		name: "touch_items",
		batch: func(ctx context.Context, tx *sql.Tx, after, until int64, limit int) (int64, int, error) {
			// The items' ids are small, far below any horizon.
			res, err := tx.ExecContext(ctx, `UPDATE items SET touched = touched + 1 WHERE id IN (SELECT id FROM items WHERE id > ? AND id < ? ORDER BY id LIMIT ?)`, after, until, limit)
			if err != nil {
				return after, 0, err
			}
			n, _ := res.RowsAffected()
			var last int64
			err = tx.QueryRowContext(ctx, `SELECT coalesce(max(id), ?) FROM (SELECT id FROM items WHERE id > ? ORDER BY id LIMIT ?)`, after, after, limit).Scan(&last)
			return last, int(n), err
		},
	}}

	// First run: stop after two batches.
	stopCtx, cancel := context.WithCancel(ctx)
	batches := 0
	_ = s1.RunBackgroundMigrations(stopCtx, 0, func(p Progress) {
		if batches++; batches == 2 {
			cancel()
		}
	})
	var touched int
	if err := s1.r.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE touched > 0`).Scan(&touched); err != nil {
		t.Fatal(err)
	}
	if touched != 2*backgroundBatch {
		t.Fatalf("after two batches %d rows touched, want %d", touched, 2*backgroundBatch)
	}

	// Resume from two stores on the same file at once.
	s2, err := Open(ctx, path, Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var wg sync.WaitGroup
	var final []Progress
	var mu sync.Mutex
	for _, s := range []*Store{s1, s2} {
		wg.Add(1)
		go func(s *Store) {
			defer wg.Done()
			err := s.RunBackgroundMigrations(ctx, time.Millisecond, func(p Progress) {
				if p.Done {
					mu.Lock()
					final = append(final, p)
					mu.Unlock()
				}
			})
			if err != nil {
				t.Error(err)
			}
		}(s)
	}
	wg.Wait()
	var wrong int
	if err := s1.r.QueryRowContext(ctx, `SELECT count(*) FROM items WHERE touched != 1`).Scan(&wrong); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Fatalf("%d rows were not changed exactly once", wrong)
	}
	if len(final) != 2 || final[0].RowsDone != rows {
		t.Fatalf("final progress %+v, want both runners to report done with %d rows", final, rows)
	}
}
