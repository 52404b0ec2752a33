package sqlite

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/storetest"
)

func TestRealtimeContract(t *testing.T) {
	storetest.RunRealtime(t, func(t *testing.T) store.Store {
		return openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	})
}

// TestSearchBacklog checks the background migration that indexes posts
// this release did not write: those from before search existed, and those
// the previous release writes while it drains during a hot upgrade.
func TestSearchBacklog(t *testing.T) {
	ctx := t.Context()
	s := openTest(t, filepath.Join(t.TempDir(), "sada.db"))
	var accounts []*store.Account
	for _, name := range []string{"a", "b", "c"} {
		a := &store.Account{ID: id.New(), Username: name, CreatedAt: time.Now()}
		if err := s.CreateAccount(ctx, a); err != nil {
			t.Fatal(err)
		}
		accounts = append(accounts, a)
	}
	old := time.Now().Add(-time.Hour).UTC()
	// What the previous release wrote: rows, no index, no counts.
	n := int64(0)
	legacy := func(a *store.Account, text string, vis store.Visibility, tags ...string) int64 {
		t.Helper()
		n++
		sid := id.FromTime(old) + n
		if _, err := s.w.ExecContext(ctx, `INSERT INTO statuses (id, account_id, text, visibility, created_at)
			VALUES (?, ?, ?, ?, ?)`, sid, a.ID, text, string(vis), toMicro(old)); err != nil {
			t.Fatal(err)
		}
		for i, tag := range tags {
			if _, err := s.w.ExecContext(ctx, `INSERT INTO status_tags (status_id, tag_key, name, position)
				VALUES (?, ?, ?, ?)`, sid, tag, tag, i); err != nil {
				t.Fatal(err)
			}
		}
		return sid
	}
	public := legacy(accounts[0], "old news #iran", store.Public, "iran")
	unlisted := legacy(accounts[1], "more old news #iran", store.Unlisted, "iran")
	private := legacy(accounts[2], "private old news #iran", store.Private, "iran")
	reblog := id.FromTime(old) + 100
	if _, err := s.w.ExecContext(ctx, `INSERT INTO statuses (id, account_id, visibility, reblog_of_id, created_at)
		VALUES (?, ?, 'public', ?, ?)`, reblog, accounts[1].ID, public, toMicro(old)); err != nil {
		t.Fatal(err)
	}
	// What this release wrote before the horizon: indexed and counted
	// already, so not again.
	mine, _, err := s.CreateStatus(ctx, store.NewStatus{
		Status: &store.Status{ID: id.FromTime(old) + 200, AccountID: accounts[0].ID, Text: "news from this release #iran",
			Visibility: store.Public, CreatedAt: old},
		Tags: []string{"iran"}, TagKeys: []string{"iran"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Past the horizon the new release writes in the new shape itself, so
	// a row there is left alone.
	past := legacy(accounts[0], "fresh news", store.Public)
	if _, err := s.w.ExecContext(ctx, `UPDATE statuses SET id = ? WHERE id = ?`, id.New(), past); err != nil {
		t.Fatal(err)
	}

	var last Progress
	for range 2 { // a second run finds it done
		if err := s.RunBackgroundMigrations(ctx, 0, func(p Progress) { last = p }); err != nil {
			t.Fatal(err)
		}
		if last.Name != "0002_search_index" || !last.Done || last.RowsDone != 5 {
			t.Errorf("progress %+v, want 0002_search_index done after 5 rows", last)
		}
	}

	found, err := s.SearchStatuses(ctx, store.StatusSearch{Terms: search.Terms("news"), ViewerID: accounts[2].ID, Page: store.Page{Limit: 20}})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, st := range found {
		got = append(got, st.ID)
	}
	if want := []int64{mine.ID, private, unlisted, public}; !slices.Equal(got, want) {
		t.Errorf("search news = %v, want %v", got, want)
	}
	if keys, err := s.SearchTags(ctx, "ira", 10, 0); err != nil || !slices.Equal(keys, []string{"iran"}) {
		t.Errorf("SearchTags = %v, %v; want [iran]", keys, err)
	}
	// Counted once each: the public and unlisted legacy posts and this
	// release's post; not the private one, not the reblog.
	h, err := s.TagHistory(ctx, []string{"iran"}, old, old)
	if err != nil {
		t.Fatal(err)
	}
	if d := h["iran"][0]; d.Uses != 3 || d.Accounts != 2 {
		t.Errorf("history %+v, want 3 uses by 2 accounts", d)
	}
}
