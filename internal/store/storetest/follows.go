package storetest

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// wantFollowCounts checks an account's following and followers counts.
func wantFollowCounts(t *testing.T, st store.Store, a *store.Account, following, followers int64) {
	t.Helper()
	got := mustAccount(t, st, a.ID)
	if got.FollowingCount != following || got.FollowersCount != followers {
		t.Errorf("%s: following %d, followers %d; want %d, %d",
			a.Username, got.FollowingCount, got.FollowersCount, following, followers)
	}
}

func testFollow(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")

	mustFollow(t, st, alice, bob)
	mustFollow(t, st, carol, bob)
	mustFollow(t, st, alice, carol)
	wantFollowCounts(t, st, alice, 2, 0)
	wantFollowCounts(t, st, bob, 0, 2)
	wantFollowCounts(t, st, carol, 1, 1)

	wantErrIs(t, "Follow twice", st.Follow(ctx, alice.ID, bob.ID, 0), store.ErrConflict)
	wantFollowCounts(t, st, alice, 2, 0)
	wantErrIs(t, "Follow unknown account", st.Follow(ctx, alice.ID, id.New(), 0), store.ErrNotFound)

	if diff := cmp.Diff([]notice{{store.NotifyFollow, carol.ID, 0}, {store.NotifyFollow, alice.ID, 0}},
		notices(t, st, bob.ID)); diff != "" {
		t.Errorf("bob's notifications (-want +got):\n%s", diff)
	}

	followers, err := st.Followers(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("Followers: %v", err)
	}
	wantIDs(t, "bob's followers, newest follow first", refIDs(followers), accountIDs(carol, alice))
	following, err := st.Following(ctx, alice.ID, all)
	if err != nil {
		t.Fatalf("Following: %v", err)
	}
	wantIDs(t, "alice's followees, newest follow first", refIDs(following), accountIDs(carol, bob))

	// Row ids page the lists: the page after the first row holds the rest.
	if len(following) == 2 {
		if following[0].RowID <= following[1].RowID || following[1].RowID == 0 {
			t.Errorf("Following row ids = %d, %d; want descending and set", following[0].RowID, following[1].RowID)
		}
		next, err := st.Following(ctx, alice.ID, store.Page{MaxID: following[0].RowID, Limit: 10})
		if err != nil {
			t.Fatalf("Following page 2: %v", err)
		}
		wantIDs(t, "alice's followees after the first row", refIDs(next), accountIDs(bob))
		prev, err := st.Followers(ctx, bob.ID, store.Page{MinID: followers[1].RowID, Limit: 10})
		if err != nil {
			t.Fatalf("Followers min_id: %v", err)
		}
		wantIDs(t, "bob's followers above the last row", refIDs(prev), accountIDs(carol))
	}
	if len(following) > 0 && following[0].Account.Username != "carol" {
		t.Errorf("AccountRef.Account.Username = %q, want carol", following[0].Account.Username)
	}
}

func testUnfollow(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	mustFollow(t, st, alice, bob)
	mustFollow(t, st, alice, carol)

	bobPost := mustPost(t, st, bob)
	carolPost := mustPost(t, st, carol)
	bobReblog := mustReblog(t, st, bob, carolPost)
	direct := mustPost(t, st, bob, withVisibility(store.Direct), noFanOut(), mentioning(alice.ID), withHomeIDs(alice.ID))
	wantIDs(t, "alice's home before unfollow", homeIDs(t, st, alice.ID, all), idsOf(direct, bobReblog, carolPost, bobPost))

	if err := st.Unfollow(ctx, alice.ID, bob.ID); err != nil {
		t.Fatalf("Unfollow: %v", err)
	}
	wantFollowCounts(t, st, alice, 1, 0)
	wantFollowCounts(t, st, bob, 0, 0)
	// Every entry authored by bob goes, his reblog and the direct post too.
	wantIDs(t, "alice's home after unfollowing bob", homeIDs(t, st, alice.ID, all), idsOf(carolPost))
	wantIDs(t, "bob's own home is untouched", homeIDs(t, st, bob.ID, all), idsOf(direct, bobReblog, bobPost))

	followers, err := st.Followers(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("Followers: %v", err)
	}
	wantIDs(t, "bob's followers", refIDs(followers), nil)

	wantErrIs(t, "Unfollow again", st.Unfollow(ctx, alice.ID, bob.ID), store.ErrNotFound)
	wantErrIs(t, "Unfollow never followed", st.Unfollow(ctx, bob.ID, carol.ID), store.ErrNotFound)
	wantFollowCounts(t, st, bob, 0, 0)

	// Following again works and counts again.
	mustFollow(t, st, alice, bob)
	wantFollowCounts(t, st, alice, 2, 0)
	wantFollowCounts(t, st, bob, 0, 1)
}

func testFollowRequests(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob") // locked in spirit: follows need approval
	carol := mustCreateAccount(t, st, "carol")
	dave := mustCreateAccount(t, st, "dave")
	bobPost := mustPost(t, st, bob, withVisibility(store.Private))

	for _, a := range []*store.Account{alice, carol, dave} {
		if err := st.RequestFollow(ctx, a.ID, bob.ID); err != nil {
			t.Fatalf("RequestFollow(%s): %v", a.Username, err)
		}
	}
	wantErrIs(t, "RequestFollow twice", st.RequestFollow(ctx, alice.ID, bob.ID), store.ErrConflict)
	wantFollowCounts(t, st, bob, 0, 0)

	reqs, err := st.FollowRequests(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("FollowRequests: %v", err)
	}
	wantIDs(t, "bob's requests, newest first", refIDs(reqs), accountIDs(dave, carol, alice))
	if len(reqs) == 3 {
		page, err := st.FollowRequests(ctx, bob.ID, store.Page{MaxID: reqs[0].RowID, Limit: 1})
		if err != nil {
			t.Fatalf("FollowRequests page: %v", err)
		}
		wantIDs(t, "requests after the first row, limit 1", refIDs(page), accountIDs(carol))
	}
	if diff := cmp.Diff([]notice{
		{store.NotifyFollowRequest, dave.ID, 0},
		{store.NotifyFollowRequest, carol.ID, 0},
		{store.NotifyFollowRequest, alice.ID, 0},
	}, notices(t, st, bob.ID)); diff != "" {
		t.Errorf("bob's notifications after requests (-want +got):\n%s", diff)
	}

	// Reject: the request and its notification go.
	if err := st.RejectFollowRequest(ctx, carol.ID, bob.ID); err != nil {
		t.Fatalf("RejectFollowRequest: %v", err)
	}
	wantErrIs(t, "RejectFollowRequest again", st.RejectFollowRequest(ctx, carol.ID, bob.ID), store.ErrNotFound)
	wantErrIs(t, "AcceptFollowRequest after reject", st.AcceptFollowRequest(ctx, carol.ID, bob.ID, 10), store.ErrNotFound)

	// Accept: a follow with backfill, and a follow notification replaces
	// the request's.
	if err := st.AcceptFollowRequest(ctx, alice.ID, bob.ID, 10); err != nil {
		t.Fatalf("AcceptFollowRequest: %v", err)
	}
	wantFollowCounts(t, st, alice, 1, 0)
	wantFollowCounts(t, st, bob, 0, 1)
	if !inHome(t, st, alice.ID, bobPost.ID) {
		t.Error("accepted follower's home lacks the backfilled private post")
	}
	wantErrIs(t, "AcceptFollowRequest twice", st.AcceptFollowRequest(ctx, alice.ID, bob.ID, 10), store.ErrNotFound)
	wantErrIs(t, "RequestFollow when following", st.RequestFollow(ctx, alice.ID, bob.ID), store.ErrConflict)

	// Unfollow withdraws a pending request (with its notification).
	if err := st.Unfollow(ctx, dave.ID, bob.ID); err != nil {
		t.Fatalf("Unfollow with a pending request: %v", err)
	}
	reqs, err = st.FollowRequests(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("FollowRequests: %v", err)
	}
	wantIDs(t, "bob's requests at the end", refIDs(reqs), nil)
	if diff := cmp.Diff([]notice{{store.NotifyFollow, alice.ID, 0}}, notices(t, st, bob.ID)); diff != "" {
		t.Errorf("bob's notifications at the end (-want +got):\n%s", diff)
	}

	// A direct Follow clears a pending request in that direction.
	if err := st.RequestFollow(ctx, carol.ID, bob.ID); err != nil {
		t.Fatalf("RequestFollow: %v", err)
	}
	mustFollow(t, st, carol, bob)
	reqs, err = st.FollowRequests(ctx, bob.ID, all)
	if err != nil {
		t.Fatalf("FollowRequests: %v", err)
	}
	wantIDs(t, "requests after a direct follow", refIDs(reqs), nil)
	if slices.Contains(notices(t, st, bob.ID), notice{store.NotifyFollowRequest, carol.ID, 0}) {
		t.Error("follow_request notification survives the follow that replaced the request")
	}
}

func testRelationships(t *testing.T, st store.Store) {
	ctx := t.Context()
	me := mustCreateAccount(t, st, "me")
	friend := mustCreateAccount(t, st, "friend")  // mutual
	idol := mustCreateAccount(t, st, "idol")      // I follow
	fan := mustCreateAccount(t, st, "fan")        // follows me
	crush := mustCreateAccount(t, st, "crush")    // I asked to follow
	suitor := mustCreateAccount(t, st, "suitor")  // asked to follow me
	stranger := mustCreateAccount(t, st, "stray") // nothing
	mustFollow(t, st, me, friend)
	mustFollow(t, st, friend, me)
	mustFollow(t, st, me, idol)
	mustFollow(t, st, fan, me)
	if err := st.RequestFollow(ctx, me.ID, crush.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.RequestFollow(ctx, suitor.ID, me.ID); err != nil {
		t.Fatal(err)
	}
	missing := id.New()
	targets := []int64{friend.ID, idol.ID, fan.ID, crush.ID, suitor.ID, stranger.ID, missing, friend.ID}
	got, err := st.Relationships(ctx, me.ID, targets)
	if err != nil {
		t.Fatalf("Relationships: %v", err)
	}
	want := []store.Relationship{
		{Target: friend.ID, Following: true, FollowedBy: true},
		{Target: idol.ID, Following: true},
		{Target: fan.ID, FollowedBy: true},
		{Target: crush.ID, Requested: true},
		{Target: suitor.ID, RequestedBy: true},
		{Target: stranger.ID},
		{Target: missing},
		{Target: friend.ID, Following: true, FollowedBy: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Relationships (-want +got):\n%s", diff)
	}
	got, err = st.Relationships(ctx, me.ID, nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Relationships(nil) = %v, %v; want empty", got, err)
	}
}

func testPullFollowees(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	star := mustCreateAccount(t, st, "star")
	other := mustCreateAccount(t, st, "other")
	unfollowedStar := mustCreateAccount(t, st, "star2")
	mustFollow(t, st, alice, star)
	mustFollow(t, st, alice, other)

	got, err := st.PullFollowees(ctx, alice.ID)
	if err != nil {
		t.Fatalf("PullFollowees: %v", err)
	}
	wantIDs(t, "PullFollowees before any Pull", got, nil)

	// MarkPull sets the flag in the same write as the post.
	mustPost(t, st, star, markPull())
	mustPost(t, st, unfollowedStar, markPull())
	mustPost(t, st, other)
	if !mustAccount(t, st, star.ID).Pull {
		t.Error("star.Pull = false after a post with MarkPull")
	}
	if mustAccount(t, st, other.ID).Pull {
		t.Error("other.Pull = true without MarkPull")
	}
	// Pull never goes back.
	mustPost(t, st, star)
	if !mustAccount(t, st, star.ID).Pull {
		t.Error("star.Pull went back to false")
	}
	got, err = st.PullFollowees(ctx, alice.ID)
	if err != nil {
		t.Fatalf("PullFollowees: %v", err)
	}
	wantIDs(t, "PullFollowees", got, accountIDs(star))
}
