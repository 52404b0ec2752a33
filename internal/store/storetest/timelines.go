package storetest

import (
	"fmt"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// pagingCases are the max_id, since_id and min_id cases every paged list
// must pass, over ten items ids[0] < … < ids[9].
func pagingCases(ids []int64) []struct {
	name string
	p    store.Page
	want []int64
} {
	desc := func(idx ...int) []int64 {
		out := make([]int64, len(idx))
		for i, j := range idx {
			out[i] = ids[j]
		}
		return out
	}
	return []struct {
		name string
		p    store.Page
		want []int64
	}{
		{"limit", store.Page{Limit: 3}, desc(9, 8, 7)},
		{"everything", store.Page{Limit: 40}, desc(9, 8, 7, 6, 5, 4, 3, 2, 1, 0)},
		{"max_id", store.Page{MaxID: ids[7], Limit: 3}, desc(6, 5, 4)},
		{"max_id near the end", store.Page{MaxID: ids[2], Limit: 3}, desc(1, 0)},
		{"since_id gives the newest above", store.Page{SinceID: ids[2], Limit: 3}, desc(9, 8, 7)},
		{"min_id gives the ones just above, newest first", store.Page{MinID: ids[2], Limit: 3}, desc(5, 4, 3)},
		{"min_id near the top", store.Page{MinID: ids[7], Limit: 3}, desc(9, 8)},
		{"max_id and since_id", store.Page{MaxID: ids[7], SinceID: ids[4], Limit: 10}, desc(6, 5)},
		{"max_id and min_id", store.Page{MaxID: ids[7], MinID: ids[1], Limit: 2}, desc(3, 2)},
		{"nothing above the newest", store.Page{MinID: ids[9], Limit: 3}, nil},
	}
}

func testHomePaging(t *testing.T, st store.Store) {
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	mustFollow(t, st, alice, bob)
	var posts []*store.Status
	for i := range 10 {
		author := bob
		if i%3 == 0 {
			author = alice
		}
		posts = append(posts, mustPost(t, st, author, withText(fmt.Sprint("post ", i))))
	}
	for _, tc := range pagingCases(statusIDs(posts)) {
		t.Run(tc.name, func(t *testing.T) {
			wantIDs(t, "home", homeIDs(t, st, alice.ID, tc.p), tc.want)
		})
	}
	wantIDs(t, "an unknown account's home", homeIDs(t, st, 12345, all), nil)
}

func testListPaging(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	var posts []*store.Status
	for range 10 {
		posts = append(posts, mustPost(t, st, alice, withTags("paged")))
		mustPost(t, st, bob, withTags("other"))
	}
	ids := statusIDs(posts)
	lists := []struct {
		name string
		fn   func(p store.Page) ([]*store.Status, error)
	}{
		{"AccountStatuses", func(p store.Page) ([]*store.Status, error) {
			return st.AccountStatuses(ctx, alice.ID, store.StatusFilter{}, p)
		}},
		{"TagTimeline", func(p store.Page) ([]*store.Status, error) { return st.TagTimeline(ctx, "paged", p) }},
	}
	for _, l := range lists {
		for _, tc := range pagingCases(ids) {
			t.Run(l.name+" "+tc.name, func(t *testing.T) {
				got, err := l.fn(tc.p)
				if err != nil {
					t.Fatalf("%s: %v", l.name, err)
				}
				wantIDs(t, l.name, statusIDs(got), tc.want)
			})
		}
	}

	// Notifications page the same way: ten mentions of bob.
	for range 10 {
		mustPost(t, st, alice, mentioning(bob.ID))
	}
	ns, err := st.Notifications(ctx, bob.ID, nil, nil, all)
	if err != nil {
		t.Fatalf("Notifications: %v", err)
	}
	if len(ns) != 10 {
		t.Fatalf("bob has %d notifications, want 10", len(ns))
	}
	nids := make([]int64, 10)
	for i, n := range ns {
		nids[9-i] = n.ID
	}
	for _, tc := range pagingCases(nids) {
		t.Run("Notifications "+tc.name, func(t *testing.T) {
			got, err := st.Notifications(ctx, bob.ID, nil, nil, tc.p)
			if err != nil {
				t.Fatalf("Notifications: %v", err)
			}
			gotIDs := make([]int64, len(got))
			for i, n := range got {
				gotIDs[i] = n.ID
			}
			wantIDs(t, "Notifications", gotIDs, tc.want)
		})
	}
}

func testAccountStatuses(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	other := mustPost(t, st, bob)
	pub := mustPost(t, st, alice)
	unl := mustPost(t, st, alice, withVisibility(store.Unlisted))
	priv := mustPost(t, st, alice, withVisibility(store.Private))
	dm := mustPost(t, st, alice, withVisibility(store.Direct), noFanOut())
	replyOther := mustPost(t, st, alice, replyTo(other))
	selfReply := mustPost(t, st, alice, replyTo(pub))
	rb := mustReblog(t, st, alice, other)

	tests := []struct {
		name string
		f    store.StatusFilter
		want []int64
	}{
		{"everything", store.StatusFilter{}, idsOf(rb, selfReply, replyOther, dm, priv, unl, pub)},
		{"exclude replies keeps self-replies (threads)", store.StatusFilter{ExcludeReplies: true},
			idsOf(rb, selfReply, dm, priv, unl, pub)},
		{"exclude reblogs", store.StatusFilter{ExcludeReblogs: true},
			idsOf(selfReply, replyOther, dm, priv, unl, pub)},
		{"public and unlisted", store.StatusFilter{Visibilities: []store.Visibility{store.Public, store.Unlisted}},
			idsOf(rb, selfReply, replyOther, unl, pub)},
		{"all filters", store.StatusFilter{ExcludeReplies: true, ExcludeReblogs: true,
			Visibilities: []store.Visibility{store.Public, store.Private}}, idsOf(selfReply, priv, pub)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.AccountStatuses(ctx, alice.ID, tc.f, all)
			if err != nil {
				t.Fatalf("AccountStatuses: %v", err)
			}
			wantIDs(t, "AccountStatuses", statusIDs(got), tc.want)
		})
	}
}

func testPublicAndTagTimelines(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	p1 := mustPost(t, st, alice, withTags("Go", "news"))
	mustPost(t, st, alice, withVisibility(store.Unlisted), withTags("go"))
	mustPost(t, st, alice, withVisibility(store.Private), withTags("go"))
	mustPost(t, st, alice, withVisibility(store.Direct), withTags("go"))
	p2 := mustPost(t, st, bob, withTags("GO"))
	mustReblog(t, st, bob, p1)
	p3 := mustPost(t, st, bob)

	pub, err := st.PublicTimeline(ctx, all)
	if err != nil {
		t.Fatalf("PublicTimeline: %v", err)
	}
	wantIDs(t, "public timeline", statusIDs(pub), idsOf(p3, p2, p1))

	tests := []struct {
		key  string
		want []int64
	}{
		{"go", idsOf(p2, p1)},
		{"news", idsOf(p1)},
		{"Go", nil}, // keys are matched as given; the caller normalises
		{"rust", nil},
	}
	for _, tc := range tests {
		t.Run("tag "+tc.key, func(t *testing.T) {
			got, err := st.TagTimeline(ctx, tc.key, all)
			if err != nil {
				t.Fatalf("TagTimeline: %v", err)
			}
			wantIDs(t, "tag timeline", statusIDs(got), tc.want)
		})
	}
	got, err := st.TagTimeline(ctx, "go", all)
	if err != nil {
		t.Fatalf("TagTimeline: %v", err)
	}
	if len(got) == 2 && (len(got[1].Tags) != 2 || got[1].Tags[0] != "Go" || got[0].Tags[0] != "GO") {
		t.Errorf("tag timeline tags = %q, %q; want names as written", got[0].Tags, got[1].Tags)
	}
}

func testTrimHomeTimelines(t *testing.T, st store.Store) {
	ctx := t.Context()
	big := mustCreateAccount(t, st, "big")
	small := mustCreateAccount(t, st, "small")
	author := mustCreateAccount(t, st, "author")
	mustFollow(t, st, big, author)
	var posts []*store.Status
	for range 8 {
		posts = append(posts, mustPost(t, st, author))
	}
	mustPost(t, st, author, noFanOut(), withHomeIDs(small.ID))

	n, err := st.TrimHomeTimelines(ctx, 3)
	if err != nil {
		t.Fatalf("TrimHomeTimelines: %v", err)
	}
	// author: 9 entries, 6 removed; big: 8 entries, 5 removed; small: 1 entry.
	wantCount(t, "entries removed", n, 11)
	wantIDs(t, "big's home", homeIDs(t, st, big.ID, all), idsOf(posts[7], posts[6], posts[5]))
	if got := homeIDs(t, st, small.ID, all); len(got) != 1 {
		t.Errorf("small's home has %d entries, want 1", len(got))
	}
	if got := homeIDs(t, st, author.ID, all); len(got) != 3 {
		t.Errorf("author's home has %d entries, want 3", len(got))
	}
	// Statuses themselves stay.
	mustStatus(t, st, posts[0].ID)

	n, err = st.TrimHomeTimelines(ctx, 3)
	if err != nil {
		t.Fatalf("TrimHomeTimelines again: %v", err)
	}
	wantCount(t, "entries removed by a second trim", n, 0)
}
