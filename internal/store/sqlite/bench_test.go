package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// benchPosts are the data sizes BenchmarkHomeTimeline compares. The large
// one is set by SADA_BENCH_BIG_POSTS (default 1,000,000) so that a slow
// machine can pick a smaller one.
func benchPosts(b *testing.B) []int {
	big := 1_000_000
	if v := os.Getenv("SADA_BENCH_BIG_POSTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("SADA_BENCH_BIG_POSTS: %v", err)
		}
		big = n
	}
	return []int{10_000, big}
}

// BenchmarkHomeTimeline reads a page of one home timeline from databases of
// different sizes; the cost per read should not grow with the size.
func BenchmarkHomeTimeline(b *testing.B) {
	for _, posts := range benchPosts(b) {
		b.Run(fmt.Sprintf("posts=%d", posts), func(b *testing.B) {
			s := openBench(b, Options{})
			start := time.Now()
			reader, mid := seedHome(b, s, posts)
			b.Logf("seeded %d posts in %v", posts, time.Since(start).Round(time.Millisecond))
			pages := []struct {
				name string
				p    store.Page
			}{
				{"newest", store.Page{Limit: 20}},
				{"max_id=middle", store.Page{MaxID: mid, Limit: 20}},
				{"min_id=middle", store.Page{MinID: mid, Limit: 20}},
			}
			for _, pg := range pages {
				b.Run(pg.name, func(b *testing.B) {
					b.ReportAllocs()
					ctx := context.Background()
					for b.Loop() {
						sts, err := s.HomeTimeline(ctx, reader, pg.p)
						if err != nil {
							b.Fatal(err)
						}
						if len(sts) != 20 {
							b.Fatalf("got %d statuses, want 20", len(sts))
						}
					}
				})
			}
		})
	}
}

// BenchmarkCreateStatus posts with fan-out to a given number of followers.
// Each op includes its commit, and with synchronous=FULL its fsync.
func BenchmarkCreateStatus(b *testing.B) {
	for _, tc := range []struct {
		followers int
		sync      string
	}{{100, "FULL"}, {10_000, "FULL"}, {100, "NORMAL"}, {10_000, "NORMAL"}} {
		followers := tc.followers
		b.Run(fmt.Sprintf("followers=%d/sync=%s", followers, tc.sync), func(b *testing.B) {
			s := openBench(b, Options{Synchronous: tc.sync})
			author := seedFollowers(b, s, followers)
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				_, _, err := s.CreateStatus(ctx, store.NewStatus{
					Status: &store.Status{
						ID: id.New(), AccountID: author, Text: "hello #bench", Visibility: store.Public,
					},
					Tags:              []string{"bench"},
					TagKeys:           []string{"bench"},
					FanOutToFollowers: true,
					HomeIDs:           []int64{author},
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func openBench(b *testing.B, opts Options) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// bulk runs fn in one write transaction with the statements it prepares;
// seeding row by row through the API would take hours at a million posts.
func bulk(b *testing.B, s *Store, fn func(tx *sql.Tx, prep func(string) *sql.Stmt)) {
	b.Helper()
	ctx := context.Background()
	err := s.write(ctx, func(tx *sql.Tx) error {
		var stmts []*sql.Stmt
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		fn(tx, func(q string) *sql.Stmt {
			st, err := tx.PrepareContext(ctx, q)
			if err != nil {
				b.Fatalf("prepare %s: %v", q, err)
			}
			stmts = append(stmts, st)
			return st
		})
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func mustExec(b *testing.B, st *sql.Stmt, args ...any) {
	if _, err := st.Exec(args...); err != nil {
		b.Fatal(err)
	}
}

// seedHome writes posts statuses by 1,000 accounts. Every post goes to its
// author's home and three more; the reader follows 100 authors and has
// their posts in its home (a tenth of all posts). It returns the reader
// and a status id in the middle of the reader's home.
func seedHome(b *testing.B, s *Store, posts int) (reader, mid int64) {
	b.Helper()
	const accounts, followed = 1000, 100
	base := id.FromTime(time.Now().Add(-24 * time.Hour))
	acct := func(i int) int64 { return base + int64(i) + 1 }
	reader = acct(accounts)
	created := time.Now().Add(-24 * time.Hour).UnixMicro()
	bulk(b, s, func(tx *sql.Tx, prep func(string) *sql.Stmt) {
		insAccount := prep(`INSERT INTO accounts (id, username, username_key, created_at, statuses_count) VALUES (?, ?, ?, ?, ?)`)
		for i := 0; i <= accounts; i++ {
			name := fmt.Sprint("user", i)
			mustExec(b, insAccount, acct(i), name, name, created, posts/accounts)
		}
		insFollow := prep(`INSERT INTO follows (id, account_id, target_id, created_at) VALUES (?, ?, ?, ?)`)
		for i := range followed {
			mustExec(b, insFollow, id.New(), reader, acct(i*(accounts/followed)), created)
		}
		insStatus := prep(`INSERT INTO statuses (id, account_id, text, visibility, created_at) VALUES (?, ?, ?, 'public', ?)`)
		insHome := prep(`INSERT OR IGNORE INTO home_entries (account_id, status_id) VALUES (?, ?)`)
		var inReader []int64
		for i := range posts {
			sid := base + int64(accounts+10+i)<<16 // after the account ids, increasing
			author := i % accounts
			mustExec(b, insStatus, sid, acct(author), "post "+strconv.Itoa(i), created)
			mustExec(b, insHome, acct(author), sid)
			for _, k := range []int{7, 13, 31} {
				mustExec(b, insHome, acct((i*k+k)%accounts), sid)
			}
			if author%(accounts/followed) == 0 {
				mustExec(b, insHome, reader, sid)
				inReader = append(inReader, sid)
			}
		}
		mid = inReader[len(inReader)/2]
	})
	return reader, mid
}

// seedFollowers creates an author with n followers and returns its id.
func seedFollowers(b *testing.B, s *Store, n int) int64 {
	b.Helper()
	base := id.FromTime(time.Now().Add(-time.Hour))
	author := base
	created := time.Now().Add(-time.Hour).UnixMicro()
	bulk(b, s, func(tx *sql.Tx, prep func(string) *sql.Stmt) {
		insAccount := prep(`INSERT INTO accounts (id, username, username_key, created_at) VALUES (?, ?, ?, ?)`)
		insFollow := prep(`INSERT INTO follows (id, account_id, target_id, created_at) VALUES (?, ?, ?, ?)`)
		mustExec(b, insAccount, author, "author", "author", created)
		for i := 1; i <= n; i++ {
			name := fmt.Sprint("follower", i)
			mustExec(b, insAccount, base+int64(i), name, name, created)
			mustExec(b, insFollow, id.New(), base+int64(i), author, created)
		}
		if _, err := tx.Exec(`UPDATE accounts SET followers_count = ? WHERE id = ?`, n, author); err != nil {
			b.Fatal(err)
		}
	})
	return author
}
