package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit: posts that arrive while the writer is busy are written
// together, each in a savepoint of one transaction, and committed with one
// fsync. Under load a post otherwise waits for every post queued before it
// to make its own commit, and each commit's fsync (synchronous=FULL) is
// most of a post's time on the writer; batched, the fsync is shared.
//
// Durability is unchanged: groupWrite returns only after the commit that
// holds the caller's writes has succeeded, and when that commit fails every
// caller in the batch gets the error, so no post is acknowledged that is
// not on disk. Each caller's writes are isolated by a savepoint, so one
// failing post (a conflict, a cancelled request) rolls back alone.
//
// There is no background goroutine: the first caller to find no batch in
// progress leads, writing what is queued; when its own batch is done it
// hands the lead to the oldest waiting caller, so no caller writes for
// others longer than one batch.

// groupMax bounds a batch, so a leader's batch (and the transaction) stays
// short however many posts are queued; the shedder bounds the queue.
const groupMax = 64

// groupCommit is the queue of writes waiting for the writer.
type groupCommit struct {
	mu      sync.Mutex
	pending []*groupReq
	leading bool
}

// groupReq is one caller's write.
type groupReq struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *sql.Tx) error
	err  error
	done chan struct{} // closed when err is final
	lead chan struct{} // closed when this caller is handed the lead
}

// groupWrite runs fn in a write transaction shared with other callers'
// writes, and returns once that transaction has committed (or fn's
// savepoint has been rolled back because fn failed).
//
// fn runs with ctx stripped of its cancellation: SQLite answers an
// interrupted write inside a transaction by rolling back the whole
// transaction, which would take the other callers' posts with it. A caller
// whose context ends before its turn is skipped; once its writes start,
// they finish.
func (s *Store) groupWrite(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g := &s.group
	req := &groupReq{ctx: ctx, fn: fn, done: make(chan struct{}), lead: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, req)
	if g.leading {
		g.mu.Unlock()
		select {
		case <-req.done:
			return req.err
		case <-req.lead: // the previous leader handed over; req is still pending
		}
	} else {
		g.leading = true
		g.mu.Unlock()
	}
	// Leading: write batches until req's is done, then hand over.
	for {
		g.mu.Lock()
		n := min(len(g.pending), groupMax)
		batch := g.pending[:n:n]
		g.pending = append([]*groupReq(nil), g.pending[n:]...)
		g.mu.Unlock()
		s.commitBatch(batch)
		select {
		case <-req.done:
		default:
			continue // req was not in this batch (it was full)
		}
		g.mu.Lock()
		if len(g.pending) == 0 {
			g.leading = false
		} else {
			close(g.pending[0].lead)
		}
		g.mu.Unlock()
		return req.err
	}
}

// commitBatch writes a batch in one transaction and sets every request's
// outcome. The transaction itself is not tied to any one caller's context.
func (s *Store) commitBatch(batch []*groupReq) {
	finish := func(err error) {
		for _, r := range batch {
			if r.err == nil {
				r.err = err
			}
			close(r.done)
		}
	}
	tx, err := s.w.BeginTx(context.Background(), nil)
	if err != nil {
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	single := len(batch) == 1
	for _, r := range batch {
		if r.err = r.ctx.Err(); r.err != nil {
			continue
		}
		wctx := context.WithoutCancel(r.ctx)
		if single {
			r.err = r.fn(wctx, tx)
			break
		}
		if _, err := tx.Exec(`SAVEPOINT post`); err != nil {
			finish(errors.Join(fmt.Errorf("savepoint: %w", err), tx.Rollback()))
			return
		}
		if r.err = r.fn(wctx, tx); r.err != nil {
			if _, err := tx.Exec(`ROLLBACK TO post`); err != nil {
				// The transaction is unusable; nobody's writes survive.
				for _, o := range batch {
					o.err = nil
				}
				finish(errors.Join(fmt.Errorf("rollback to savepoint: %w", err), tx.Rollback()))
				return
			}
		}
		if _, err := tx.Exec(`RELEASE post`); err != nil {
			for _, o := range batch {
				o.err = nil
			}
			finish(errors.Join(fmt.Errorf("release savepoint: %w", err), tx.Rollback()))
			return
		}
	}
	if single && batch[0].err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			batch[0].err = errors.Join(batch[0].err, fmt.Errorf("rollback: %w", rerr))
		}
		finish(nil)
		return
	}
	if err := tx.Commit(); err != nil {
		// Nothing in the batch is on disk: every caller fails, those whose
		// own writes had failed keep their own error.
		finish(fmt.Errorf("commit: %w", err))
		return
	}
	finish(nil)
}
