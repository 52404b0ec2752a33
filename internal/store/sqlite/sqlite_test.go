package sqlite

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/storetest"
)

func openTest(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	})
}

func TestOpenOptions(t *testing.T) {
	tests := []struct {
		name    string
		sync    string
		wantErr bool
		want    int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{"default is FULL", "", false, 2},
		{"FULL", "FULL", false, 2},
		{"normal in lower case", "normal", false, 1},
		{"OFF is refused", "OFF", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(t.Context(), filepath.Join(t.TempDir(), "nested", "dir", "sada.db"), Options{Synchronous: tc.sync})
			if tc.wantErr {
				if err == nil {
					s.Close()
					t.Fatal("Open: no error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer s.Close()
			for _, db := range []struct {
				name string
				q    querier
			}{{"writer", s.w}, {"reader", s.r}} {
				var sync, fk, busy int
				var mode string
				row := db.q.QueryRowContext(t.Context(), `SELECT (SELECT synchronous FROM pragma_synchronous),
					(SELECT foreign_keys FROM pragma_foreign_keys), (SELECT timeout FROM pragma_busy_timeout),
					(SELECT journal_mode FROM pragma_journal_mode)`)
				if err := row.Scan(&sync, &fk, &busy, &mode); err != nil {
					t.Fatalf("%s pragmas: %v", db.name, err)
				}
				if sync != tc.want || fk != 1 || busy != int(busyTimeout.Milliseconds()) || mode != "wal" {
					t.Errorf("%s: synchronous %d, foreign_keys %d, busy_timeout %d, journal_mode %s; want %d, 1, %d, wal",
						db.name, sync, fk, busy, mode, tc.want, busyTimeout.Milliseconds())
				}
			}
			// Readers cannot write, so a bug cannot bypass the writer.
			if _, err := s.r.ExecContext(t.Context(), `DELETE FROM accounts`); err == nil {
				t.Error("a write through the read pool succeeded")
			}
		})
	}
	if _, err := Open(t.Context(), filepath.Join(t.TempDir(), "a?b.db"), Options{}); err == nil {
		t.Error("Open accepted a path with '?'")
	}
}

func TestMigrationsAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sada.db")
	ms, err := migrations()
	if err != nil {
		t.Fatalf("migrations: %v", err)
	}
	if len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations = %v, want 0001 first", ms)
	}

	s, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	alice := &store.Account{ID: id.New(), Username: "alice", CreatedAt: time.Now()}
	if err := s.CreateAccount(t.Context(), alice); err != nil {
		t.Fatalf("CreateAccount: %v", err)
	}
	post, _, err := s.CreateStatus(t.Context(), store.NewStatus{
		Status:  &store.Status{ID: id.New(), AccountID: alice.ID, Text: "persist me", Visibility: store.Public},
		HomeIDs: []int64{alice.ID},
	})
	if err != nil {
		t.Fatalf("CreateStatus: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// Reopening applies nothing twice and finds the data.
	s = openTest(t, path)
	rows, err := s.r.QueryContext(t.Context(), `SELECT version, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	var versions []int
	for rows.Next() {
		var v int
		var at int64
		if err := rows.Scan(&v, &at); err != nil {
			t.Fatal(err)
		}
		if at <= 0 {
			t.Errorf("migration %d: applied_at = %d", v, at)
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(versions) != len(ms) || versions[len(versions)-1] != ms[len(ms)-1].version {
		t.Errorf("recorded versions %v, want one per migration (%d)", versions, len(ms))
	}
	got, err := s.StatusByID(t.Context(), post.ID)
	if err != nil || got.Text != "persist me" {
		t.Fatalf("StatusByID after reopen = %v, %v", got, err)
	}
	home, err := s.HomeTimeline(t.Context(), alice.ID, store.Page{Limit: 20})
	if err != nil || len(home) != 1 {
		t.Errorf("home after reopen = %d entries, %v; want 1", len(home), err)
	}
	if a, err := s.AccountByID(t.Context(), alice.ID); err != nil || a.StatusesCount != 1 {
		t.Errorf("account after reopen = %+v, %v", a, err)
	}
}

// TestConcurrentWriters checks that many goroutines writing at once all
// succeed: the single writer connection queues them instead of failing one
// with "database is locked".
func TestConcurrentWriters(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	ctx := t.Context()
	const writers, posts = 8, 50
	var authors []*store.Account
	for i := range writers {
		a := &store.Account{ID: id.New(), Username: fmt.Sprint("writer", i), CreatedAt: time.Now()}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		authors = append(authors, a)
	}
	reader := &store.Account{ID: id.New(), Username: "reader", CreatedAt: time.Now()}
	if err := s.CreateAccount(ctx, reader); err != nil {
		t.Fatal(err)
	}
	for _, a := range authors {
		if err := s.Follow(ctx, reader.ID, a.ID, 0); err != nil {
			t.Fatal(err)
		}
	}

	var wg sync.WaitGroup
	errs := make(chan error, writers*posts+writers)
	for _, a := range authors {
		wg.Go(func() {
			for i := range posts {
				_, _, err := s.CreateStatus(ctx, store.NewStatus{
					Status:            &store.Status{ID: id.New(), AccountID: a.ID, Text: fmt.Sprint(i), Visibility: store.Public},
					FanOutToFollowers: true,
					HomeIDs:           []int64{a.ID},
				})
				if err != nil {
					errs <- err
				}
			}
		})
		// Readers run alongside: WAL lets them.
		wg.Go(func() {
			for range posts {
				if _, err := s.HomeTimeline(ctx, reader.ID, store.Page{Limit: 20}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			t.Errorf("lock error: %v", err)
		} else {
			t.Errorf("error: %v", err)
		}
	}
	n, err := s.CountStatuses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != writers*posts {
		t.Errorf("CountStatuses = %d, want %d", n, writers*posts)
	}
	home, err := s.HomeTimeline(ctx, reader.ID, store.Page{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if len(home) != writers*posts {
		t.Errorf("reader's home has %d entries, want %d", len(home), writers*posts)
	}
}

func TestIdempotencyKeyExpires(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	ctx := t.Context()
	clock := time.Now()
	s.now = func() time.Time { return clock }
	alice := &store.Account{ID: id.New(), Username: "alice", CreatedAt: clock}
	if err := s.CreateAccount(ctx, alice); err != nil {
		t.Fatal(err)
	}
	create := func() (*store.Status, bool) {
		t.Helper()
		st, existing, err := s.CreateStatus(ctx, store.NewStatus{
			Status:         &store.Status{ID: id.New(), AccountID: alice.ID, Visibility: store.Public},
			IdempotencyKey: "key",
		})
		if err != nil {
			t.Fatal(err)
		}
		return st, existing
	}
	first, _ := create()
	clock = clock.Add(23 * time.Hour)
	if again, existing := create(); !existing || again.ID != first.ID {
		t.Errorf("after 23h: existing %v, id %d; want the first status %d", existing, again.ID, first.ID)
	}
	clock = clock.Add(2 * time.Hour)
	if again, existing := create(); existing || again.ID == first.ID {
		t.Errorf("after 25h: existing %v, id %d; want a new status", existing, again.ID)
	}
	var keys int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM idempotency_keys`).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 1 {
		t.Errorf("%d idempotency keys stored, want 1 (the expired one replaced)", keys)
	}
}

// TestQueryPlans guards the performance design: the hot paths must be index
// searches, never a scan of a whole table or a sort of one.
func TestQueryPlans(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	ctx := t.Context()
	paged := func(query, col string, args ...any) (string, []any) {
		where, order, pargs, _ := pageClause(col, store.Page{MaxID: 1, Limit: 20})
		return query + where + order, append(args, pargs...)
	}
	type plan struct {
		name  string
		query string
		args  []any
		want  []string // fragments the plan must hold
	}
	var tests []plan
	add := func(name string, want []string, query string, args ...any) {
		tests = append(tests, plan{name, query, args, want})
	}
	q, args := paged(homeQuery, "h.status_id", 1)
	add("home", []string{"SEARCH h USING PRIMARY KEY (account_id=? AND status_id<?)", "SEARCH s USING INTEGER PRIMARY KEY"}, q, args...)
	q, args = paged(publicQuery, "s.id")
	add("public", []string{"statuses_public"}, q, args...)
	q, args = paged(accountStatusesQuery, "s.id", 1)
	add("account statuses", []string{"statuses_account (account_id=? AND id<?)"}, q, args...)
	q, args = paged(tagQuery, "t.status_id", "go")
	add("tag", []string{"status_tags_tag (tag_key=? AND status_id<?)"}, q, args...)
	add("fan-out", []string{"COVERING INDEX follows_followers (target_id=?)"}, fanOutInsert, 1, 1)
	add("login", []string{"accounts_username_key (username_key=?)", "accounts_email_key (email_key=?)"}, loginQuery, "x")
	add("unfollow", []string{"home_entries_status (status_id=? AND account_id=?)", "SEARCH h USING PRIMARY KEY (account_id=?)"},
		unfollowHomeDelete, 1, 2)
	add("trim", []string{"PRIMARY KEY (account_id=? AND status_id<?)", "PRIMARY KEY (account_id=?)"}, trimHomeDelete, 1, 2)
	add("delete home entries", []string{"home_entries_status (status_id=?)", "statuses_reblog_of (reblog_of_id=?)"},
		`DELETE FROM home_entries WHERE status_id IN (`+doomed+`)`, 1)
	// Deleting a status makes SQLite look up the rows pointing at it.
	add("foreign keys of a status delete", []string{"favourites_status (status_id=?)",
		"mentions USING PRIMARY KEY (status_id=?)", "status_tags USING PRIMARY KEY (status_id=?)"},
		`DELETE FROM statuses WHERE id = ?`, 1)

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := explain(ctx, t, s, tc.query, tc.args...)
			for _, w := range tc.want {
				if !strings.Contains(plan, w) {
					t.Errorf("plan lacks %q:\n%s", w, plan)
				}
			}
			for _, line := range strings.Split(plan, "\n") {
				if strings.HasPrefix(line, "SCAN ") && !strings.Contains(line, "json_each") &&
					!strings.HasPrefix(line, "SCAN CONSTANT") && line != "SCAN a" {
					t.Errorf("plan scans a table (%s):\n%s", line, plan)
				}
				if strings.Contains(line, "TEMP B-TREE") && tc.name != "login" {
					t.Errorf("plan sorts (%s):\n%s", line, plan)
				}
			}
		})
	}
}

func explain(ctx context.Context, t *testing.T, s *Store, query string, args ...any) string {
	t.Helper()
	rows, err := s.w.QueryContext(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&b, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestErrorsAreWrapped(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	_, err := s.StatusByID(t.Context(), 42)
	if !errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), "status 42") {
		t.Errorf("StatusByID(42) error = %v, want ErrNotFound with the id in the message", err)
	}
}

// TestSurvivesKill runs a writer in a child process, SIGKILLs it mid-stream
// and checks that every status whose CreateStatus had returned is there: the
// commit happened before the call returned. (Surviving power loss as well is
// synchronous=FULL's part, which a test cannot pull the plug on.)
func TestSurvivesKill(t *testing.T) {
	if path := os.Getenv("SADA_KILL_CHILD_DB"); path != "" {
		killChild(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "sada.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSurvivesKill$")
	cmd.Env = append(os.Environ(), "SADA_KILL_CHILD_DB="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			continue // test framework chatter
		}
		ids = append(ids, n)
		if len(ids) == 200 {
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
		}
	}
	cmd.Wait() // reports the kill
	if len(ids) < 200 {
		t.Fatalf("child reported %d statuses before dying, want at least 200", len(ids))
	}

	s := openTest(t, path)
	found, err := s.StatusesByIDs(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != len(ids) {
		t.Errorf("%d of %d acknowledged statuses survived the kill", len(found), len(ids))
	}
}

// killChild posts forever, printing each status id once CreateStatus has
// returned, until it is killed.
func killChild(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	a := &store.Account{ID: id.New(), Username: "victim"}
	if err := s.CreateAccount(ctx, a); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	deadline := time.Now().Add(time.Minute) // in case the parent is gone
	for time.Now().Before(deadline) {
		st, _, err := s.CreateStatus(ctx, store.NewStatus{
			Status:  &store.Status{ID: id.New(), AccountID: a.ID, Text: "last words", Visibility: store.Public},
			HomeIDs: []int64{a.ID},
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(st.ID) // unbuffered: written before the next post starts
	}
	os.Exit(1)
}
