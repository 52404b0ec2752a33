package social_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// countingStore counts the reads that visibility checks make.
type countingStore struct {
	store.Store
	byID, rels int
}

func (c *countingStore) StatusByID(ctx context.Context, id int64) (*store.Status, error) {
	c.byID++
	return c.Store.StatusByID(ctx, id)
}

func (c *countingStore) Relationships(ctx context.Context, v int64, t []int64) ([]store.Relationship, error) {
	c.rels++
	return c.Store.Relationships(ctx, v, t)
}

// TestVisibilityIsBatched: filtering a page of reblogs and private posts
// costs a fixed number of reads, not one or two per post, and keeps
// exactly what the reader may see.
func TestVisibilityIsBatched(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "v.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	mk := func(name string) *store.Account {
		a := &store.Account{ID: id.New(), Username: name, CreatedAt: time.Now()}
		if err := st.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	reader, friend, stranger, booster := mk("reader"), mk("friend"), mk("stranger"), mk("booster")
	if err := st.Follow(ctx, reader.ID, friend.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.Follow(ctx, reader.ID, booster.ID, 0); err != nil {
		t.Fatal(err)
	}
	svc := social.New(st, "x.example")
	for i := range 10 {
		for _, a := range []*store.Account{friend, stranger} {
			if _, err := svc.Post(ctx, a, social.PostInput{Text: fmt.Sprintf("private %d", i), Visibility: store.Private}); err != nil {
				t.Fatal(err)
			}
		}
		pub, err := svc.Post(ctx, stranger, social.PostInput{Text: fmt.Sprintf("public %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Reblog(ctx, booster, pub.ID); err != nil {
			t.Fatal(err)
		}
	}
	cs := &countingStore{Store: st}
	counted := social.New(cs, "x.example")
	// The booster's profile: ten reblogs, each checked against its original.
	sts, err := counted.AccountStatuses(ctx, reader, booster.ID, store.StatusFilter{}, store.Page{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 10 {
		t.Fatalf("booster's profile shows %d reblogs, want 10", len(sts))
	}
	t.Logf("10 reblogs: %d StatusByID, %d Relationships", cs.byID, cs.rels)
	if cs.byID > 1 || cs.rels > 2 {
		t.Errorf("10 reblogs took %d StatusByID and %d Relationships reads; want them batched", cs.byID, cs.rels)
	}

	// A thread of private replies by a followed and an unfollowed author:
	// one read of relationships for the whole thread.
	root, err := svc.Post(ctx, friend, social.PostInput{Text: "root"})
	if err != nil {
		t.Fatal(err)
	}
	wantDesc := 0
	for i := range 6 {
		a := []*store.Account{friend, stranger}[i%2]
		if _, err := svc.Post(ctx, a, social.PostInput{Text: fmt.Sprintf("reply %d", i), Visibility: store.Private, InReplyToID: root.ID}); err != nil {
			t.Fatal(err)
		}
		if a == friend {
			wantDesc++
		}
	}
	cs.byID, cs.rels = 0, 0
	_, desc, err := counted.Context(ctx, reader, root.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(desc) != wantDesc {
		t.Fatalf("reader sees %d private replies, want the %d by the account she follows", len(desc), wantDesc)
	}
	t.Logf("thread of 6 private replies: %d StatusByID, %d Relationships", cs.byID, cs.rels)
	if cs.rels > 1 {
		t.Errorf("a thread of 6 private replies took %d Relationships reads; want one", cs.rels)
	}
}
