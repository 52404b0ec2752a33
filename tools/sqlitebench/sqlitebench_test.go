// Package sqlitebench compares the two SQLite drivers sada could use,
// modernc.org/sqlite (pure Go) and github.com/mattn/go-sqlite3 (cgo), on the
// queries a microblog runs most. It is its own module so the main module
// never depends on the cgo driver; docs/STORAGE.md records the results.
package sqlitebench

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // registers "sqlite3"
	_ "modernc.org/sqlite"          // registers "sqlite"
)

// The seeded shape: every account follows the next `following` accounts, so
// each has exactly that many followers, and each account has posted
// postsPerAccount times, giving accounts*postsPerAccount*following home
// entries (100,000).
const (
	accounts        = 1000
	following       = 100
	postsPerAccount = 1
	firstID         = 1 << 40 // ids are made by the caller, as package id does
)

// drivers maps a name to the database/sql driver name. modernc accepts
// mattn's DSN keys, so both open the same DSN: WAL, a full fsync on every
// commit, a busy timeout and BEGIN IMMEDIATE, on every pooled connection, as
// internal/store/sqlite does.
var drivers = []driver{
	{"modernc", "sqlite"},
	{"mattn", "sqlite3"},
}

type driver struct{ name, sql string }

const dsnParams = "?_journal_mode=WAL&_synchronous=FULL&_busy_timeout=5000&_txlock=immediate"

const schema = `
CREATE TABLE statuses (
	id INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL,
	text TEXT NOT NULL,
	spoiler_text TEXT NOT NULL DEFAULT '',
	sensitive INTEGER NOT NULL DEFAULT 0,
	visibility TEXT NOT NULL DEFAULT 'public',
	language TEXT NOT NULL DEFAULT '',
	in_reply_to_id INTEGER,
	reblog_of_id INTEGER,
	created_at INTEGER NOT NULL,
	replies_count INTEGER NOT NULL DEFAULT 0,
	reblogs_count INTEGER NOT NULL DEFAULT 0,
	favourites_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE TABLE follows (
	follower_id INTEGER NOT NULL,
	followed_id INTEGER NOT NULL,
	PRIMARY KEY (follower_id, followed_id)
) WITHOUT ROWID;
CREATE INDEX follows_followed ON follows (followed_id, follower_id);
CREATE TABLE home_entries (
	account_id INTEGER NOT NULL,
	status_id INTEGER NOT NULL,
	PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;`

// seed fills the tables in SQL, so both drivers start from identical files
// and seeding costs well under a second.
var seed = []string{
	fmt.Sprintf(`WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM a WHERE i < %d),
		k(j) AS (SELECT 1 UNION ALL SELECT j+1 FROM k WHERE j < %d)
		INSERT INTO follows (follower_id, followed_id) SELECT a.i, (a.i + k.j - 1) %% %d + 1 FROM a, k`,
		accounts, following, accounts),
	fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM s WHERE i < %d)
		INSERT INTO statuses (id, account_id, text, created_at)
		SELECT %d + i, i %% %d + 1, printf('post %%06d %%s', i, substr('%s', 1 + i %% 7, 88)), 1700000000 + i FROM s`,
		accounts*postsPerAccount-1, firstID, accounts, text),
	`INSERT INTO home_entries (account_id, status_id)
		SELECT f.follower_id, s.id FROM statuses s JOIN follows f ON f.followed_id = s.account_id`,
	`ANALYZE`,
}

// text is ~100 characters of post, from which seeded posts take slices.
const text = "Street food in Tehran tonight: ash reshteh, grilled corn and a long queue that was worth every minute #food"

const (
	insertStatus = `INSERT INTO statuses (id, account_id, text, created_at) VALUES (?, ?, ?, ?)`
	fanOut       = `INSERT INTO home_entries (account_id, status_id)
		SELECT follower_id, ? FROM follows WHERE followed_id = ?`
	homePage = `SELECT s.* FROM home_entries h JOIN statuses s ON s.id = h.status_id
		WHERE h.account_id = ? ORDER BY h.status_id DESC LIMIT 20`
	byID = `SELECT * FROM statuses WHERE id = ?`
)

// open returns a freshly seeded database in a temporary directory.
func open(b *testing.B, d driver) *sql.DB {
	b.Helper()
	db, err := sql.Open(d.sql, "file:"+filepath.Join(b.TempDir(), "bench.db")+dsnParams)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for _, q := range append([]string{schema}, seed...) {
		if _, err := db.Exec(q); err != nil {
			b.Fatalf("%s: seeding: %v", d.name, err)
		}
	}
	// Make sure the DSN took: a driver that ignored it would be measured
	// with the wrong durability.
	var mode string
	var sync int
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		b.Fatalf("%s: journal_mode %q, %v", d.name, mode, err)
	}
	if err := db.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil || sync != 2 {
		b.Fatalf("%s: synchronous %d, want 2 (FULL), %v", d.name, sync, err)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM home_entries`).Scan(&n); err != nil || n != accounts*postsPerAccount*following {
		b.Fatalf("%s: %d home entries, %v", d.name, n, err)
	}
	return db
}

// status is what a timeline page scans into, column for column.
type status struct {
	id, accountID                       int64
	text, spoiler, visibility, language string
	sensitive                           bool
	inReplyTo, reblogOf                 sql.NullInt64
	createdAt, replies, reblogs, favs   int64
}

func scan(rows interface{ Scan(...any) error }, s *status) error {
	return rows.Scan(&s.id, &s.accountID, &s.text, &s.spoiler, &s.sensitive, &s.visibility,
		&s.language, &s.inReplyTo, &s.reblogOf, &s.createdAt, &s.replies, &s.reblogs, &s.favs)
}

func readPage(ctx context.Context, db *sql.DB, account int64) error {
	rows, err := db.QueryContext(ctx, homePage, account)
	if err != nil {
		return err
	}
	defer rows.Close()
	var s status
	n := 0
	for rows.Next() {
		if err := scan(rows, &s); err != nil {
			return err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("account %d: empty page", account)
	}
	return nil
}

// BenchmarkInsertPost is the fan-out write: one status and one home entry per
// follower (100), committed together with a full fsync.
func BenchmarkInsertPost(b *testing.B) {
	for _, d := range drivers {
		db := open(b, d)
		next := int64(firstID + accounts*postsPerAccount)
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			for b.Loop() {
				next++
				author := next%accounts + 1
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.ExecContext(ctx, insertStatus, next, author, text, time.Now().Unix()); err != nil {
					b.Fatal(err)
				}
				res, err := tx.ExecContext(ctx, fanOut, next, author)
				if err != nil {
					b.Fatal(err)
				}
				if n, _ := res.RowsAffected(); n != following {
					b.Fatalf("fan-out wrote %d rows, want %d", n, following)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHomeTimeline reads the newest page of one home timeline.
func BenchmarkHomeTimeline(b *testing.B) {
	for _, d := range drivers {
		db := open(b, d)
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			for b.Loop() {
				if err := readPage(ctx, db, r.Int64N(accounts)+1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPointLookup fetches one status by primary key.
func BenchmarkPointLookup(b *testing.B) {
	for _, d := range drivers {
		db := open(b, d)
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			r := rand.New(rand.NewPCG(1, 2))
			var s status
			for b.Loop() {
				id := firstID + r.Int64N(accounts*postsPerAccount)
				if err := scan(db.QueryRowContext(ctx, byID, id), &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHomeTimelineParallel reads timeline pages from GOMAXPROCS
// goroutines at once, as concurrent HTTP requests would; WAL lets readers
// share the file.
func BenchmarkHomeTimelineParallel(b *testing.B) {
	for _, d := range drivers {
		db := open(b, d)
		b.Run(d.name, func(b *testing.B) {
			ctx := context.Background()
			b.RunParallel(func(pb *testing.PB) {
				r := rand.New(rand.NewPCG(rand.Uint64(), 2))
				for pb.Next() {
					if err := readPage(ctx, db, r.Int64N(accounts)+1); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
