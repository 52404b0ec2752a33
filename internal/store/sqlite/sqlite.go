// Package sqlite implements store.Store on a single SQLite file using the
// pure-Go driver modernc.org/sqlite, so the server builds without cgo.
//
// The file is opened twice: one writer connection, whose transactions start
// with BEGIN IMMEDIATE so that two writers never deadlock upgrading a read
// lock, and a pool of query-only readers that WAL mode lets run alongside the
// writer. Every SQLite-specific trick (json_each for id lists, CROSS JOIN to
// pin a join order, partial indexes) stays inside this package.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/sada-project/sada/internal/store"
)

// Options tune how the database file is opened.
type Options struct {
	// Synchronous is the PRAGMA synchronous level: "FULL" (the default) makes
	// every commit durable against power loss; "NORMAL" may lose the last
	// commits on power loss (never on a process crash) for faster writes.
	Synchronous string
}

// Store is the SQLite backend. It is safe for concurrent use.
type Store struct {
	w *sql.DB // one connection; all writes go through it
	r *sql.DB // query-only pool for reads
	// now is the clock, replaceable in tests of expiry.
	now func() time.Time
	// group batches concurrent posts into one commit (groupcommit.go).
	group groupCommit
	// ckpt checkpoints the WAL off the commit path (checkpoint.go).
	ckpt *checkpointer
}

var _ store.Store = (*Store)(nil)

// busyTimeout is how long a connection waits for a lock held by another
// connection (another process, or a checkpoint) before failing. Inside one
// process writes are already serialised by the single writer connection.
const busyTimeout = 10 * time.Second

// Page cache sizes, in KiB (a negative cache_size). SQLite allocates the
// cache as pages are read, so these are ceilings, not reservations.
const (
	writerCacheKiB = 64 << 10
	readerCacheKiB = 16 << 10
)

// Open opens or creates the database at path (creating its directory too)
// and applies any migrations it has not seen yet.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	sync := strings.ToUpper(opts.Synchronous)
	switch sync {
	case "":
		sync = "FULL"
	case "FULL", "NORMAL":
	default:
		return nil, fmt.Errorf("open %s: synchronous %q: want FULL or NORMAL", path, opts.Synchronous)
	}
	// The DSN is a plain file name followed by query parameters, so a '?' in
	// the name would be taken for the start of the parameters.
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("open %s: path must not contain '?'", path)
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}

	// Pragmas go in the DSN so that every connection the pools open gets
	// them, not only the first one.
	common := url.Values{}
	common.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	common.Set("_foreign_keys", "1")
	common.Set("_synchronous", sync)
	common.Add("_pragma", "temp_store(MEMORY)")

	wv := cloneValues(common)
	wv.Set("_journal_mode", "WAL")
	wv.Set("_txlock", "immediate")
	// A fan-out to many followers dirties one page per follower's home; a
	// writer cache that holds them saves re-reading them on every post.
	wv.Add("_pragma", fmt.Sprintf("cache_size(%d)", -writerCacheKiB))
	// Checkpoints run in the background (checkpoint.go); statements are
	// prepared once per connection (stmtcache.go).
	wv.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", walFallbackPages))
	w, err := openCaching(path + "?" + wv.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// One writer: SQLite allows one anyway, and queuing in database/sql is
	// cheaper and fairer than spinning on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)

	s := &Store{w: w, now: time.Now}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}

	// Readers are opened after the writer has switched the file to WAL.
	rv := cloneValues(common)
	rv.Set("_query_only", "1")
	rv.Add("_pragma", fmt.Sprintf("cache_size(%d)", -readerCacheKiB))
	r, err := openCaching(path + "?" + rv.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	r.SetConnMaxLifetime(0)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s.r = r
	if s.ckpt, err = startCheckpointer(path + "?" + common.Encode()); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

func cloneValues(v url.Values) url.Values {
	c := make(url.Values, len(v))
	for k, vs := range v {
		c[k] = append([]string(nil), vs...)
	}
	return c
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.ckpt.stop(), s.r.Close(), s.w.Close())
}

// querier is what *sql.DB and *sql.Tx share, so read helpers work both on
// the read pool and inside a write transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs fn in a write transaction (BEGIN IMMEDIATE on the writer
// connection) and commits when fn returns nil.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// classify turns driver errors into the store's sentinels, keeping the
// original in the chain for logs.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", store.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			// A row pointing at an account or status that does not exist.
			return fmt.Errorf("%w: %w", store.ErrNotFound, err)
		}
	}
	return err
}

// Times are stored as unix microseconds, with 0 for the zero time.

func toMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// jsonIDs encodes ids as a JSON array, bound as one parameter and expanded
// with json_each: one statement for any number of ids, with no limit on bind
// variables and no SQL built from strings.
func jsonIDs(ids []int64) string {
	if ids == nil {
		return "[]" // not "null"
	}
	b, _ := json.Marshal(ids) // []int64 always marshals
	return string(b)
}

func jsonStrings(ss []string) string {
	if ss == nil {
		return "[]"
	}
	b, _ := json.Marshal(ss) // []string always marshals
	return string(b)
}

// defaultLimit applies when a caller passes no limit; Mastodon's default.
const defaultLimit = 20

// pageClause renders p as SQL over col: the WHERE terms (starting with
// " AND"), the ORDER BY and LIMIT, their arguments, and whether the rows come
// back oldest first and must be reversed (min_id).
func pageClause(col string, p store.Page) (where string, order string, args []any, ascending bool) {
	if p.MaxID > 0 {
		where += " AND " + col + " < ?"
		args = append(args, p.MaxID)
	}
	lower := max(p.SinceID, p.MinID)
	if lower > 0 {
		where += " AND " + col + " > ?"
		args = append(args, lower)
	}
	limit := p.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	ascending = p.MinID > 0
	if ascending {
		order = " ORDER BY " + col + " ASC LIMIT ?"
	} else {
		order = " ORDER BY " + col + " DESC LIMIT ?"
	}
	return where, order, append(args, limit), ascending
}

func reverse[T any](s []T) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// affected returns how many rows res changed.
func affected(res sql.Result) (int64, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("rows affected: %w", err)
	}
	return n, nil
}

// splitList undoes strings.Join(list, sep), mapping "" back to no items.
func splitList(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}
