package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Checkpoints copy committed pages from the WAL back into the database
// file. SQLite's default runs one inside a commit whenever the WAL passes
// 1,000 pages; a post's fan-out dirties a page per follower's home, so on a
// large database that was every few posts, and the commit that drew the
// checkpoint waited for it to write and fsync the database file. Profiling
// posts on a million-post database put a fifth of the server's CPU and most
// of the posts' wall time there.
//
// Instead a connection of its own checkpoints in the background
// (PASSIVE: it never blocks readers or the writer, and copies what it can),
// and the writer checkpoints by itself only past walFallbackPages, should
// the background ever fall that far behind. Durability does not change: a
// commit is durable once its WAL frames are synced, checkpointed or not.
const (
	checkpointEvery  = 200 * time.Millisecond
	walFallbackPages = 20_000 // about 80 MB of WAL
)

// checkpointer runs PASSIVE checkpoints until stopped.
type checkpointer struct {
	db     *sql.DB
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startCheckpointer opens its own connection to dsn and starts.
func startCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("checkpointer: %w", err)
	}
	db.SetMaxOpenConns(1)
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, cancel: cancel}
	c.wg.Go(func() {
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// SQLITE_BUSY (another checkpoint, say another process's
			// during an upgrade) only means: next time.
			_, _ = db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	})
	return c, nil
}

// stop ends the checkpoints and closes the connection.
func (c *checkpointer) stop() error {
	if c == nil {
		return nil
	}
	c.cancel()
	c.wg.Wait()
	return c.db.Close()
}
