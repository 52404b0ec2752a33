package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// TestGroupCommitIsolatesFailures posts from many goroutines at once, a
// third of them as an account that does not exist, so failing posts share
// batches with good ones: every good post must be stored with its fan-out,
// every failing one must leave nothing behind, and each caller must get
// its own outcome.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	author := &store.Account{ID: id.New(), Username: "author"}
	reader := &store.Account{ID: id.New(), Username: "reader"}
	for _, a := range []*store.Account{author, reader} {
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Follow(ctx, reader.ID, author.ID, 0); err != nil {
		t.Fatal(err)
	}

	const n = 90
	type outcome struct {
		id  int64
		bad bool
		err error
	}
	out := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			bad := i%3 == 1
			aid := author.ID
			if bad {
				aid = id.New() // nobody
			}
			st := &store.Status{ID: id.New(), AccountID: aid, Text: fmt.Sprintf("post %d", i), Visibility: store.Public}
			_, _, err := s.CreateStatus(ctx, store.NewStatus{Status: st, FanOutToFollowers: true, HomeIDs: []int64{aid}})
			out[i] = outcome{st.ID, bad, err}
		})
	}
	wg.Wait()

	good := 0
	for i, o := range out {
		_, err := s.StatusByID(ctx, o.id)
		switch {
		case o.bad && !errors.Is(o.err, store.ErrNotFound):
			t.Errorf("post %d by nobody: error %v, want ErrNotFound", i, o.err)
		case o.bad && !errors.Is(err, store.ErrNotFound):
			t.Errorf("post %d by nobody was stored (%v)", i, err)
		case !o.bad && o.err != nil:
			t.Errorf("post %d: %v", i, o.err)
		case !o.bad && err != nil:
			t.Errorf("acknowledged post %d not stored: %v", i, err)
		case !o.bad:
			good++
		}
	}
	home, err := s.HomeTimeline(ctx, reader.ID, store.Page{Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	if len(home) != good {
		t.Errorf("reader's home has %d posts, want the %d good ones", len(home), good)
	}
	a, err := s.AccountByID(ctx, author.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.StatusesCount != int64(good) {
		t.Errorf("author's statuses_count %d, want %d", a.StatusesCount, good)
	}
}

// TestGroupCommitSkipsCancelled checks that a caller whose context has
// ended gets its error and writes nothing, while the writer carries on.
func TestGroupCommitSkipsCancelled(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	author := &store.Account{ID: id.New(), Username: "author"}
	if err := s.CreateAccount(context.Background(), author); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := &store.Status{ID: id.New(), AccountID: author.ID, Text: "gone", Visibility: store.Public}
	if _, _, err := s.CreateStatus(ctx, store.NewStatus{Status: st}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled post: error %v, want context.Canceled", err)
	}
	if _, err := s.StatusByID(context.Background(), st.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cancelled post stored: %v", err)
	}
	// A post whose request ends while it is queued behind a busy writer.
	release := make(chan struct{})
	busy := make(chan struct{})
	go func() {
		_ = s.groupWrite(context.Background(), func(context.Context, *sql.Tx) error {
			close(busy)
			<-release
			return nil
		})
	}()
	<-busy
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	st2 := &store.Status{ID: id.New(), AccountID: author.ID, Text: "late", Visibility: store.Public}
	done := make(chan error, 1)
	go func() { _, _, err := s.CreateStatus(ctx2, store.NewStatus{Status: st2}); done <- err }()
	<-ctx2.Done()
	close(release)
	if err := <-done; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("post whose request ended in the queue: error %v, want DeadlineExceeded", err)
	}
	ok := &store.Status{ID: id.New(), AccountID: author.ID, Text: "after", Visibility: store.Public}
	if _, _, err := s.CreateStatus(context.Background(), store.NewStatus{Status: ok}); err != nil {
		t.Fatalf("post after: %v", err)
	}
}
