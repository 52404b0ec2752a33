package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

func testCreateStatus(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	parent := mustPost(t, st, bob)

	created := now().Add(-time.Minute)
	in := &store.Status{
		ID:                 id.New(),
		AccountID:          alice.ID,
		Text:               "@bob @carol see #Go and #SQLite",
		SpoilerText:        "cw",
		Sensitive:          true,
		Visibility:         store.Unlisted,
		Language:           "en",
		InReplyToID:        parent.ID,
		InReplyToAccountID: bob.ID,
		CreatedAt:          created,
		ApplicationID:      id.New(),
	}
	got, existing, err := st.CreateStatus(ctx, store.NewStatus{
		Status:     in,
		Tags:       []string{"SQLite", "Go"},
		TagKeys:    []string{"sqlite", "go"},
		MentionIDs: []int64{bob.ID, carol.ID, alice.ID, bob.ID}, // self and repeats are tolerated
		HomeIDs:    []int64{alice.ID},
	})
	if err != nil {
		t.Fatalf("CreateStatus: %v", err)
	}
	if existing {
		t.Error("existing = true for a new status")
	}
	want := *in
	want.Tags = []string{"SQLite", "Go"}
	want.MentionIDs = []int64{bob.ID, carol.ID, alice.ID}
	sortMentions := cmp.Transformer("sortMentions", func(s *store.Status) *store.Status {
		c := *s
		c.MentionIDs = slices.Sorted(slices.Values(c.MentionIDs))
		return &c
	})
	if diff := cmp.Diff(&want, got, sortMentions); diff != "" {
		t.Errorf("CreateStatus returned (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&want, mustStatus(t, st, in.ID), sortMentions); diff != "" {
		t.Errorf("StatusByID (-want +got):\n%s", diff)
	}

	a := mustAccount(t, st, alice.ID)
	wantCount(t, "alice's statuses_count", a.StatusesCount, 1)
	if !a.LastStatusAt.Equal(created) {
		t.Errorf("alice's LastStatusAt = %v, want %v", a.LastStatusAt, created)
	}
	wantCount(t, "parent's replies_count", mustStatus(t, st, parent.ID).RepliesCount, 1)

	// Mentions notify everyone mentioned but the author, once each.
	for _, tc := range []struct {
		who  *store.Account
		want []notice
	}{
		{bob, []notice{{store.NotifyMention, alice.ID, in.ID}}},
		{carol, []notice{{store.NotifyMention, alice.ID, in.ID}}},
		{alice, []notice{}},
	} {
		if diff := cmp.Diff(tc.want, notices(t, st, tc.who.ID)); diff != "" {
			t.Errorf("%s's notifications (-want +got):\n%s", tc.who.Username, diff)
		}
	}

	wantErrIs(t, "CreateStatus with a used id", func() error {
		_, _, err := st.CreateStatus(ctx, store.NewStatus{Status: &store.Status{
			ID: in.ID, AccountID: bob.ID, Text: "x", Visibility: store.Public, CreatedAt: now()}})
		return err
	}(), store.ErrConflict)
	wantCount(t, "bob's statuses_count after a failed create", mustAccount(t, st, bob.ID).StatusesCount, 1)

	_, err = st.StatusByID(ctx, id.New())
	wantErrIs(t, "StatusByID(unknown)", err, store.ErrNotFound)

	missing := id.New()
	byID, err := st.StatusesByIDs(ctx, []int64{parent.ID, missing, in.ID})
	if err != nil {
		t.Fatalf("StatusesByIDs: %v", err)
	}
	if len(byID) != 2 || byID[parent.ID] == nil || byID[in.ID] == nil {
		t.Fatalf("StatusesByIDs = %v, want the two existing statuses", byID)
	}
	if diff := cmp.Diff([]string{"SQLite", "Go"}, byID[in.ID].Tags); diff != "" {
		t.Errorf("StatusesByIDs tags (-want +got):\n%s", diff)
	}
	if len(byID[parent.ID].Tags) != 0 || len(byID[parent.ID].MentionIDs) != 0 {
		t.Errorf("untagged status got tags %v, mentions %v", byID[parent.ID].Tags, byID[parent.ID].MentionIDs)
	}
}

func testIdempotency(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	mustFollow(t, st, bob, alice)

	first := mustPost(t, st, alice, withKey("k1"), withText("first"), withTags("one"))
	n := newPost(alice, withKey("k1"), withText("retry"))
	again, existing, err := st.CreateStatus(ctx, n)
	if err != nil {
		t.Fatalf("CreateStatus with a seen key: %v", err)
	}
	if !existing {
		t.Error("existing = false for a repeated idempotency key")
	}
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("repeated key returned (-first +got):\n%s", diff)
	}
	_, err = st.StatusByID(ctx, n.Status.ID)
	wantErrIs(t, "the retry's own id", err, store.ErrNotFound)
	wantCount(t, "statuses_count after a retry", mustAccount(t, st, alice.ID).StatusesCount, 1)
	wantIDs(t, "bob's home after a retry", homeIDs(t, st, bob.ID, all), idsOf(first))

	// Keys belong to an account, and different keys make different posts.
	mustPost(t, st, bob, withKey("k1"))
	mustPost(t, st, alice, withKey("k2"))
	wantCount(t, "alice's statuses_count", mustAccount(t, st, alice.ID).StatusesCount, 2)

	// Once the first status is deleted, the key makes a new one.
	if err := st.DeleteStatus(ctx, first.ID); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	mustPost(t, st, alice, withKey("k1"))
}

func testFanOut(t *testing.T, st store.Store) {
	ctx := t.Context()
	author := mustCreateAccount(t, st, "author")
	follower := mustCreateAccount(t, st, "follower")
	stranger := mustCreateAccount(t, st, "stranger")
	mentioned := mustCreateAccount(t, st, "mentioned")
	rebloggersFan := mustCreateAccount(t, st, "fan")
	mustFollow(t, st, follower, author)
	mustFollow(t, st, rebloggersFan, follower)

	post := mustPost(t, st, author)
	quiet := mustPost(t, st, author, noFanOut())
	direct := mustPost(t, st, author, withVisibility(store.Direct), noFanOut(),
		mentioning(mentioned.ID), withHomeIDs(mentioned.ID))
	reblog := mustReblog(t, st, follower, post)

	tests := []struct {
		name string
		who  *store.Account
		want []int64
	}{
		{"author sees everything through HomeIDs", author, idsOf(direct, quiet, post)},
		{"follower gets fanned-out posts only", follower, idsOf(reblog, post)},
		{"stranger gets nothing", stranger, nil},
		{"mentioned gets the direct post through HomeIDs", mentioned, idsOf(direct)},
		{"reblogger's follower gets the reblog", rebloggersFan, idsOf(reblog)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantIDs(t, tc.who.Username+"'s home", homeIDs(t, st, tc.who.ID, all), tc.want)
		})
	}

	// The home timeline returns whole statuses: a reblog with its original's id.
	sts, err := st.HomeTimeline(ctx, rebloggersFan.ID, all)
	if err != nil {
		t.Fatalf("HomeTimeline: %v", err)
	}
	if len(sts) != 1 || sts[0].ReblogOfID != post.ID || sts[0].AccountID != follower.ID {
		t.Errorf("fan's home = %+v, want follower's reblog of %d", sts, post.ID)
	}
}

func testBackfill(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	other := mustCreateAccount(t, st, "other")
	dave := mustCreateAccount(t, st, "dave")
	otherPost := mustPost(t, st, other)
	p1 := mustPost(t, st, bob)
	p2 := mustPost(t, st, bob, withVisibility(store.Unlisted))
	p3 := mustPost(t, st, bob, withVisibility(store.Private))
	rb := mustReblog(t, st, bob, otherPost)
	mustPost(t, st, bob, withVisibility(store.Direct), noFanOut(), withHomeIDs())

	tests := []struct {
		name     string
		who      *store.Account
		backfill int
		want     []int64
	}{
		{"everything but direct", alice, 10, idsOf(rb, p3, p2, p1)},
		{"only the newest", carol, 2, idsOf(rb, p3)},
		{"none", dave, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := st.Follow(ctx, tc.who.ID, bob.ID, tc.backfill); err != nil {
				t.Fatalf("Follow: %v", err)
			}
			wantIDs(t, tc.who.Username+"'s home", homeIDs(t, st, tc.who.ID, all), tc.want)
		})
	}
}

func testReblogs(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	post := mustPost(t, st, alice)

	rbBob := mustReblog(t, st, bob, post)
	if rbBob.ReblogOfID != post.ID || rbBob.Text != "" {
		t.Errorf("reblog = %+v, want ReblogOfID %d and no text", rbBob, post.ID)
	}
	rbCarol := mustReblog(t, st, carol, post)
	rbSelf := mustReblog(t, st, alice, post)

	wantCount(t, "reblogs_count", mustStatus(t, st, post.ID).ReblogsCount, 3)
	wantCount(t, "reblogger's statuses_count", mustAccount(t, st, bob.ID).StatusesCount, 1)
	wantCount(t, "author's statuses_count (post and self-reblog)", mustAccount(t, st, alice.ID).StatusesCount, 2)
	if diff := cmp.Diff([]notice{
		{store.NotifyReblog, carol.ID, post.ID},
		{store.NotifyReblog, bob.ID, post.ID},
	}, notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications, none for her own reblog (-want +got):\n%s", diff)
	}

	_, _, err := st.CreateStatus(ctx, newReblog(bob, post))
	wantErrIs(t, "second reblog", err, store.ErrConflict)
	wantCount(t, "reblogs_count after a refused reblog", mustStatus(t, st, post.ID).ReblogsCount, 3)
	wantCount(t, "statuses_count after a refused reblog", mustAccount(t, st, bob.ID).StatusesCount, 1)
	_, _, err = st.CreateStatus(ctx, newReblog(bob, &store.Status{ID: id.New()}))
	wantErrIs(t, "reblog of an unknown status", err, store.ErrNotFound)

	got, err := st.ReblogBy(ctx, carol.ID, post.ID)
	if err != nil {
		t.Fatalf("ReblogBy: %v", err)
	}
	if got.ID != rbCarol.ID {
		t.Errorf("ReblogBy(carol) = %d, want %d", got.ID, rbCarol.ID)
	}
	_, err = st.ReblogBy(ctx, carol.ID, rbBob.ID)
	wantErrIs(t, "ReblogBy of a status carol did not reblog", err, store.ErrNotFound)

	by, err := st.RebloggedBy(ctx, post.ID, all)
	if err != nil {
		t.Fatalf("RebloggedBy: %v", err)
	}
	wantIDs(t, "RebloggedBy", refIDs(by), accountIDs(alice, carol, bob))
	if len(by) == 3 && by[0].RowID != rbSelf.ID {
		t.Errorf("RebloggedBy row id = %d, want the reblog's id %d", by[0].RowID, rbSelf.ID)
	}
	by, err = st.RebloggedBy(ctx, post.ID, store.Page{MaxID: rbSelf.ID, Limit: 1})
	if err != nil {
		t.Fatalf("RebloggedBy: %v", err)
	}
	wantIDs(t, "RebloggedBy page 2", refIDs(by), accountIDs(carol))
}

func testDeleteStatus(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	fan := mustCreateAccount(t, st, "fan")
	mustFollow(t, st, bob, alice)
	mustFollow(t, st, fan, carol)

	post := mustPost(t, st, alice, mentioning(bob.ID), withTags("doomed"))
	keep := mustPost(t, st, alice, withTags("doomed"))
	reply := mustPost(t, st, bob, replyTo(post))
	rb := mustReblog(t, st, carol, post)
	mustFavourite(t, st, bob, post)
	mustFavourite(t, st, carol, post)
	mustFavourite(t, st, bob, keep)
	if !inHome(t, st, bob.ID, post.ID) || !inHome(t, st, fan.ID, rb.ID) {
		t.Fatal("setup: the post and its reblog did not reach the homes")
	}

	if err := st.DeleteStatus(ctx, post.ID); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	wantErrIs(t, "DeleteStatus again", st.DeleteStatus(ctx, post.ID), store.ErrNotFound)
	_, err := st.StatusByID(ctx, post.ID)
	wantErrIs(t, "StatusByID(deleted)", err, store.ErrNotFound)
	_, err = st.StatusByID(ctx, rb.ID)
	wantErrIs(t, "StatusByID(reblog of deleted)", err, store.ErrNotFound)

	wantIDs(t, "bob's home", homeIDs(t, st, bob.ID, all), idsOf(reply, keep))
	wantIDs(t, "fan's home (the reblog went with the post)", homeIDs(t, st, fan.ID, all), nil)
	wantIDs(t, "alice's home", homeIDs(t, st, alice.ID, all), idsOf(keep))

	wantCount(t, "alice's statuses_count", mustAccount(t, st, alice.ID).StatusesCount, 1)
	wantCount(t, "carol's statuses_count (her reblog is gone)", mustAccount(t, st, carol.ID).StatusesCount, 0)
	wantCount(t, "bob's statuses_count (his reply stays)", mustAccount(t, st, bob.ID).StatusesCount, 1)

	r := mustStatus(t, st, reply.ID)
	if r.InReplyToID != post.ID {
		t.Errorf("reply's InReplyToID = %d, want the deleted %d", r.InReplyToID, post.ID)
	}

	// Mention, reblog and favourite notifications of the post are gone; the
	// others stay.
	if diff := cmp.Diff([]notice{{store.NotifyFavourite, bob.ID, keep.ID}, {store.NotifyFollow, bob.ID, 0}},
		notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]notice{}, notices(t, st, bob.ID)); diff != "" {
		t.Errorf("bob's notifications (-want +got):\n%s", diff)
	}

	favs, err := st.Favourites(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("Favourites: %v", err)
	}
	if len(favs) != 1 || favs[0].Status.ID != keep.ID {
		t.Errorf("bob's favourites = %v, want only the kept post", favs)
	}
	flags, err := st.Flags(ctx, carol.ID, []int64{post.ID})
	if err != nil {
		t.Fatalf("Flags: %v", err)
	}
	if flags[post.ID] != (store.Flags{}) {
		t.Errorf("carol's flags on the deleted post = %+v, want none", flags[post.ID])
	}

	tagged, err := st.TagTimeline(ctx, "doomed", all)
	if err != nil {
		t.Fatalf("TagTimeline: %v", err)
	}
	wantIDs(t, "tag timeline", statusIDs(tagged), idsOf(keep))
	desc, err := st.AccountStatuses(ctx, carol.ID, store.StatusFilter{}, all)
	if err != nil {
		t.Fatalf("AccountStatuses: %v", err)
	}
	wantIDs(t, "carol's statuses", statusIDs(desc), nil)

	// A reblogger may reblog something else again: nothing of the old
	// reblog lingers.
	mustReblog(t, st, carol, keep)
}

func testDeleteReblogAndReply(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	fan := mustCreateAccount(t, st, "fan")
	mustFollow(t, st, fan, bob)
	post := mustPost(t, st, alice)
	reply := mustPost(t, st, bob, replyTo(post))
	rb := mustReblog(t, st, bob, post)
	wantCount(t, "replies_count", mustStatus(t, st, post.ID).RepliesCount, 1)
	wantCount(t, "reblogs_count", mustStatus(t, st, post.ID).ReblogsCount, 1)
	wantCount(t, "bob's statuses_count", mustAccount(t, st, bob.ID).StatusesCount, 2)

	// Un-reblogging is deleting the reblog.
	if err := st.DeleteStatus(ctx, rb.ID); err != nil {
		t.Fatalf("DeleteStatus(reblog): %v", err)
	}
	wantCount(t, "reblogs_count after unreblog", mustStatus(t, st, post.ID).ReblogsCount, 0)
	wantCount(t, "bob's statuses_count after unreblog", mustAccount(t, st, bob.ID).StatusesCount, 1)
	wantIDs(t, "fan's home after unreblog", homeIDs(t, st, fan.ID, all), idsOf(reply))
	if diff := cmp.Diff([]notice{}, notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications after unreblog (-want +got):\n%s", diff)
	}
	if _, err := st.ReblogBy(ctx, bob.ID, post.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReblogBy after unreblog: error = %v, want ErrNotFound", err)
	}
	mustReblog(t, st, bob, post) // allowed again

	if err := st.DeleteStatus(ctx, reply.ID); err != nil {
		t.Fatalf("DeleteStatus(reply): %v", err)
	}
	wantCount(t, "replies_count after deleting the reply", mustStatus(t, st, post.ID).RepliesCount, 0)
	wantCount(t, "post's reblogs_count", mustStatus(t, st, post.ID).ReblogsCount, 1)
}

func testThreads(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	// root
	// ├── a
	// │   ├── a1
	// │   │   └── a1x
	// │   └── a2
	// └── b
	//     └── b1
	root := mustPost(t, st, alice)
	a := mustPost(t, st, bob, replyTo(root))
	b := mustPost(t, st, alice, replyTo(root))
	a1 := mustPost(t, st, alice, replyTo(a))
	b1 := mustPost(t, st, bob, replyTo(b))
	a2 := mustPost(t, st, bob, replyTo(a))
	a1x := mustPost(t, st, bob, replyTo(a1))
	mustReblog(t, st, bob, a) // reblogs are not replies
	mustPost(t, st, alice)    // unrelated

	anc := []struct {
		name  string
		of    *store.Status
		limit int
		want  []int64
	}{
		{"root has none", root, 10, nil},
		{"deepest", a1x, 10, idsOf(root, a, a1)},
		{"nearest within limit", a1x, 2, idsOf(a, a1)},
		{"b1", b1, 10, idsOf(root, b)},
	}
	for _, tc := range anc {
		t.Run("ancestors "+tc.name, func(t *testing.T) {
			got, err := st.Ancestors(ctx, tc.of.ID, tc.limit)
			if err != nil {
				t.Fatalf("Ancestors: %v", err)
			}
			wantIDs(t, "Ancestors", statusIDs(got), tc.want)
		})
	}
	desc := []struct {
		name  string
		of    *store.Status
		limit int
		want  []int64
	}{
		{"whole thread depth-first", root, 10, idsOf(a, a1, a1x, a2, b, b1)},
		{"limited", root, 3, idsOf(a, a1, a1x)},
		{"subtree", a, 10, idsOf(a1, a1x, a2)},
		{"leaf", a1x, 10, nil},
	}
	for _, tc := range desc {
		t.Run("descendants "+tc.name, func(t *testing.T) {
			got, err := st.Descendants(ctx, tc.of.ID, tc.limit)
			if err != nil {
				t.Fatalf("Descendants: %v", err)
			}
			wantIDs(t, "Descendants", statusIDs(got), tc.want)
		})
	}

	// A deleted middle status cuts the chain above it but not below.
	if err := st.DeleteStatus(ctx, a.ID); err != nil {
		t.Fatalf("DeleteStatus: %v", err)
	}
	got, err := st.Ancestors(ctx, a1x.ID, 10)
	if err != nil {
		t.Fatalf("Ancestors: %v", err)
	}
	wantIDs(t, "Ancestors across a deleted status", statusIDs(got), idsOf(a1))
	got, err = st.Descendants(ctx, root.ID, 10)
	if err != nil {
		t.Fatalf("Descendants: %v", err)
	}
	wantIDs(t, "Descendants across a deleted status", statusIDs(got), idsOf(b, b1))

	_, err = st.Ancestors(ctx, id.New(), 10)
	wantErrIs(t, "Ancestors(unknown)", err, store.ErrNotFound)
	_, err = st.Descendants(ctx, id.New(), 10)
	wantErrIs(t, "Descendants(unknown)", err, store.ErrNotFound)
}

func testFavourites(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	p1 := mustPost(t, st, alice, withTags("x"))
	p2 := mustPost(t, st, alice)

	mustFavourite(t, st, bob, p1)
	mustFavourite(t, st, carol, p1)
	mustFavourite(t, st, alice, p1) // own: counted, not notified
	mustFavourite(t, st, bob, p2)
	wantErrIs(t, "Favourite twice", st.Favourite(ctx, bob.ID, p1.ID), store.ErrConflict)
	wantErrIs(t, "Favourite unknown status", st.Favourite(ctx, bob.ID, id.New()), store.ErrNotFound)

	wantCount(t, "p1 favourites_count", mustStatus(t, st, p1.ID).FavouritesCount, 3)
	wantCount(t, "p2 favourites_count", mustStatus(t, st, p2.ID).FavouritesCount, 1)
	if diff := cmp.Diff([]notice{
		{store.NotifyFavourite, bob.ID, p2.ID},
		{store.NotifyFavourite, carol.ID, p1.ID},
		{store.NotifyFavourite, bob.ID, p1.ID},
	}, notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications (-want +got):\n%s", diff)
	}

	by, err := st.FavouritedBy(ctx, p1.ID, all)
	if err != nil {
		t.Fatalf("FavouritedBy: %v", err)
	}
	wantIDs(t, "FavouritedBy", refIDs(by), accountIDs(alice, carol, bob))
	if len(by) == 3 {
		page, err := st.FavouritedBy(ctx, p1.ID, store.Page{MaxID: by[0].RowID, Limit: 1})
		if err != nil {
			t.Fatalf("FavouritedBy page: %v", err)
		}
		wantIDs(t, "FavouritedBy page 2", refIDs(page), accountIDs(carol))
	}

	favs, err := st.Favourites(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("Favourites: %v", err)
	}
	if len(favs) != 2 || favs[0].Status.ID != p2.ID || favs[1].Status.ID != p1.ID {
		t.Fatalf("bob's favourites = %v, want p2 then p1", favs)
	}
	if diff := cmp.Diff([]string{"x"}, favs[1].Status.Tags); diff != "" {
		t.Errorf("favourited status tags (-want +got):\n%s", diff)
	}
	older, err := st.Favourites(ctx, bob.ID, store.Page{MaxID: favs[0].RowID, Limit: 10})
	if err != nil {
		t.Fatalf("Favourites page: %v", err)
	}
	if len(older) != 1 || older[0].Status.ID != p1.ID || older[0].RowID != favs[1].RowID {
		t.Errorf("bob's favourites before row %d = %v, want p1", favs[0].RowID, older)
	}
	newer, err := st.Favourites(ctx, bob.ID, store.Page{MinID: favs[1].RowID, Limit: 10})
	if err != nil {
		t.Fatalf("Favourites min_id: %v", err)
	}
	if len(newer) != 1 || newer[0].Status.ID != p2.ID {
		t.Errorf("bob's favourites after row %d = %v, want p2", favs[1].RowID, newer)
	}

	if err := st.Unfavourite(ctx, carol.ID, p1.ID); err != nil {
		t.Fatalf("Unfavourite: %v", err)
	}
	wantErrIs(t, "Unfavourite again", st.Unfavourite(ctx, carol.ID, p1.ID), store.ErrNotFound)
	wantErrIs(t, "Unfavourite never favourited", st.Unfavourite(ctx, carol.ID, p2.ID), store.ErrNotFound)
	wantCount(t, "p1 favourites_count after unfavourite", mustStatus(t, st, p1.ID).FavouritesCount, 2)
	if diff := cmp.Diff([]notice{
		{store.NotifyFavourite, bob.ID, p2.ID},
		{store.NotifyFavourite, bob.ID, p1.ID},
	}, notices(t, st, alice.ID)); diff != "" {
		t.Errorf("alice's notifications after unfavourite (-want +got):\n%s", diff)
	}
	mustFavourite(t, st, carol, p1) // allowed again
}

func testFlags(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	p1 := mustPost(t, st, alice)
	p2 := mustPost(t, st, alice)
	p3 := mustPost(t, st, alice)
	p4 := mustPost(t, st, alice)
	mustFavourite(t, st, bob, p1)
	mustFavourite(t, st, bob, p3)
	mustReblog(t, st, bob, p2)
	mustReblog(t, st, bob, p3)
	mustFavourite(t, st, alice, p4) // someone else's flags do not leak

	got, err := st.Flags(ctx, bob.ID, []int64{p1.ID, p2.ID, p3.ID, p4.ID})
	if err != nil {
		t.Fatalf("Flags: %v", err)
	}
	want := map[int64]store.Flags{
		p1.ID: {Favourited: true},
		p2.ID: {Reblogged: true},
		p3.ID: {Favourited: true, Reblogged: true},
		p4.ID: {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Flags (-want +got):\n%s", diff)
	}
}
