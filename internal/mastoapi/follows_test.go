package mastoapi_test

import (
	"testing"
)

// wantRel checks the relationship fields that sada fills.
func wantRel(t *testing.T, rel map[string]any, id string, following, followedBy, requested, requestedBy bool) {
	t.Helper()
	want := map[string]any{"id": id, "following": following, "followed_by": followedBy, "requested": requested,
		"requested_by": requestedBy, "showing_reblogs": following, "blocking": false, "muting": false, "notifying": false}
	for k, v := range want {
		if rel[k] != v {
			t.Errorf("relationship %s = %v, want %v (all: %v)", k, rel[k], v, rel)
		}
	}
}

func TestFollowUnfollow(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	old := str(t, ts.postStatus(t, bob, "from before"), "id")

	rel := ts.follow(t, alice, bob)
	wantRel(t, rel, bob.ID, true, false, false, false)
	if num(t, ts.me(t, alice.Token), "following_count") != 1 || num(t, ts.me(t, bob.Token), "followers_count") != 1 {
		t.Error("counts did not change on follow")
	}
	// Following brings the account's recent posts into the home timeline.
	wantIDs(t, "alice's home after following", ts.listIDs(t, "/api/v1/timelines/home", alice.Token), old)

	// Bob is told, once.
	ns := ts.get(t, "/api/v1/notifications", bob.Token).want(t, 200).list(t)
	if len(ns) != 1 || ns[0]["type"] != "follow" || str(t, ns[0], "account", "id") != alice.ID || ns[0]["status"] != nil {
		t.Fatalf("bob's notifications = %v, want one follow from alice", ns)
	}

	// Following again changes nothing.
	wantRel(t, ts.follow(t, alice, bob), bob.ID, true, false, false, false)
	if num(t, ts.me(t, bob.Token), "followers_count") != 1 {
		t.Error("following twice counted twice")
	}
	if n := len(ts.get(t, "/api/v1/notifications", bob.Token).want(t, 200).list(t)); n != 1 {
		t.Errorf("following twice notified %d times", n)
	}
	// Seen from bob.
	rels := ts.get(t, "/api/v1/accounts/relationships?id[]="+alice.ID, bob.Token).want(t, 200).list(t)
	wantRel(t, rels[0], alice.ID, false, true, false, false)

	rel = ts.call(t, "POST", "/api/v1/accounts/"+bob.ID+"/unfollow", alice.Token, nil).want(t, 200).obj(t)
	wantRel(t, rel, bob.ID, false, false, false, false)
	if num(t, ts.me(t, alice.Token), "following_count") != 0 || num(t, ts.me(t, bob.Token), "followers_count") != 0 {
		t.Error("counts did not change on unfollow")
	}
	wantIDs(t, "alice's home after unfollowing", ts.listIDs(t, "/api/v1/timelines/home", alice.Token))
	// Unfollowing someone not followed is fine.
	ts.call(t, "POST", "/api/v1/accounts/"+bob.ID+"/unfollow", alice.Token, nil).want(t, 200)

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name, method, path, token string
			code                      int
		}{
			{"follow yourself", "POST", "/api/v1/accounts/" + alice.ID + "/follow", alice.Token, 403},
			{"follow unknown", "POST", "/api/v1/accounts/12345/follow", alice.Token, 404},
			{"follow non-numeric", "POST", "/api/v1/accounts/bob/follow", alice.Token, 404},
			{"unfollow unknown", "POST", "/api/v1/accounts/12345/unfollow", alice.Token, 404},
			{"follow without token", "POST", "/api/v1/accounts/" + bob.ID + "/follow", "", 401},
			{"unfollow without token", "POST", "/api/v1/accounts/" + bob.ID + "/unfollow", "", 401},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ts.call(t, tt.method, tt.path, tt.token, nil).wantError(t, tt.code)
			})
		}
		if num(t, ts.me(t, alice.Token), "following_count") != 0 {
			t.Error("a failed follow changed the count")
		}
	})
}

func TestRelationships(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	ts.follow(t, alice, bob)
	ts.follow(t, carol, alice)
	tests := []struct {
		name, query string
		code        int
		want        []string // ids in order
	}{
		{"id[] form", "?id[]=" + bob.ID + "&id[]=" + carol.ID, 200, []string{bob.ID, carol.ID}},
		{"escaped brackets", "?id%5B%5D=" + carol.ID + "&id%5B%5D=" + bob.ID, 200, []string{carol.ID, bob.ID}},
		{"single id", "?id=" + bob.ID, 200, []string{bob.ID}},
		{"unknown account", "?id[]=12345", 200, []string{"12345"}},
		{"none", "", 200, nil},
		{"not an id", "?id[]=bob", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/accounts/relationships"+tt.query, alice.Token)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			rels := res.want(t, 200).list(t)
			wantIDs(t, "relationships", ids(rels), tt.want...)
			for _, rel := range rels {
				switch rel["id"] {
				case bob.ID:
					wantRel(t, rel, bob.ID, true, false, false, false)
				case carol.ID:
					wantRel(t, rel, carol.ID, false, true, false, false)
				default:
					wantRel(t, rel, str(t, rel, "id"), false, false, false, false)
				}
			}
		})
	}
	ts.get(t, "/api/v1/accounts/relationships?id[]="+bob.ID, "").wantError(t, 401)
}

func TestFollowersFollowing(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	var fans []user
	for _, n := range []string{"bob", "carol", "dave"} {
		u := ts.signUp(t, n)
		ts.follow(t, u, alice)
		fans = append(fans, u)
	}
	base := "/api/v1/accounts/" + alice.ID + "/followers"
	res := ts.get(t, base+"?limit=2", "").want(t, 200)
	wantIDs(t, "first page", ids(res.list(t)), fans[2].ID, fans[1].ID)
	next, prev := ts.links(t, res)
	wantIDs(t, "next page", ts.listIDs(t, next, ""), fans[0].ID)
	wantIDs(t, "prev page", ts.listIDs(t, prev, ""))
	wantIDs(t, "all", ts.listIDs(t, base, ""), fans[2].ID, fans[1].ID, fans[0].ID)

	wantIDs(t, "bob's following", ts.listIDs(t, "/api/v1/accounts/"+fans[0].ID+"/following", ""), alice.ID)
	wantIDs(t, "alice's following", ts.listIDs(t, "/api/v1/accounts/"+alice.ID+"/following", ""))
	ts.get(t, "/api/v1/accounts/12345/followers", "").wantError(t, 404)
	ts.get(t, "/api/v1/accounts/x/following", "").wantError(t, 404)
	ts.get(t, base+"?limit=x", "").wantError(t, 400)
}

func TestLockedAccount(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"locked": true}).want(t, 200)
	secret := str(t, ts.postStatus(t, alice, "for followers", map[string]any{"visibility": "private"}), "id")

	wantRel(t, ts.follow(t, bob, alice), alice.ID, false, false, true, false)
	wantRel(t, ts.follow(t, carol, alice), alice.ID, false, false, true, false)
	wantRel(t, ts.follow(t, bob, alice), alice.ID, false, false, true, false) // asking twice is fine

	reqs := ts.get(t, "/api/v1/follow_requests", alice.Token).want(t, 200).list(t)
	wantIDs(t, "follow requests", ids(reqs), carol.ID, bob.ID)
	if n := num(t, ts.me(t, alice.Token), "source", "follow_requests_count"); n != 2 {
		t.Errorf("follow_requests_count = %d, want 2", n)
	}
	updated := ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"display_name": "Alice"}).want(t, 200).obj(t)
	if n := num(t, updated, "source", "follow_requests_count"); n != 2 {
		t.Errorf("update_credentials says follow_requests_count = %d, want 2", n)
	}
	if num(t, ts.me(t, alice.Token), "followers_count") != 0 {
		t.Error("a request counted as a follower")
	}
	ns := ts.get(t, "/api/v1/notifications?types[]=follow_request", alice.Token).want(t, 200).list(t)
	if len(ns) != 2 || str(t, ns[0], "account", "id") != carol.ID {
		t.Errorf("follow_request notifications = %v", ns)
	}
	rels := ts.get(t, "/api/v1/accounts/relationships?id[]="+bob.ID, alice.Token).want(t, 200).list(t)
	wantRel(t, rels[0], bob.ID, false, false, false, true)
	ts.get(t, "/api/v1/statuses/"+secret, bob.Token).wantError(t, 404)

	// Alice accepts bob.
	rel := ts.call(t, "POST", "/api/v1/follow_requests/"+bob.ID+"/authorize", alice.Token, nil).want(t, 200).obj(t)
	wantRel(t, rel, bob.ID, false, true, false, false)
	rels = ts.get(t, "/api/v1/accounts/relationships?id[]="+alice.ID, bob.Token).want(t, 200).list(t)
	wantRel(t, rels[0], alice.ID, true, false, false, false)
	ts.get(t, "/api/v1/statuses/"+secret, bob.Token).want(t, 200)
	wantIDs(t, "bob's home", ts.listIDs(t, "/api/v1/timelines/home", bob.Token), secret)
	if num(t, ts.me(t, alice.Token), "followers_count") != 1 {
		t.Error("accepting did not count the follower")
	}

	// And rejects carol.
	rel = ts.call(t, "POST", "/api/v1/follow_requests/"+carol.ID+"/reject", alice.Token, nil).want(t, 200).obj(t)
	wantRel(t, rel, carol.ID, false, false, false, false)
	rels = ts.get(t, "/api/v1/accounts/relationships?id[]="+alice.ID, carol.Token).want(t, 200).list(t)
	wantRel(t, rels[0], alice.ID, false, false, false, false)
	ts.get(t, "/api/v1/statuses/"+secret, carol.Token).wantError(t, 404)

	wantIDs(t, "requests left", ts.listIDs(t, "/api/v1/follow_requests", alice.Token))
	if n := num(t, ts.me(t, alice.Token), "source", "follow_requests_count"); n != 0 {
		t.Errorf("follow_requests_count = %d, want 0", n)
	}
	// Answered requests leave no follow_request notification behind.
	ns = ts.get(t, "/api/v1/notifications?types[]=follow_request", alice.Token).want(t, 200).list(t)
	if len(ns) != 0 {
		t.Errorf("follow_request notifications left: %v", ns)
	}

	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name, path, token string
			code              int
		}{
			{"authorize with no request", "/api/v1/follow_requests/" + carol.ID + "/authorize", alice.Token, 404},
			{"reject with no request", "/api/v1/follow_requests/" + carol.ID + "/reject", alice.Token, 404},
			{"unknown account", "/api/v1/follow_requests/12345/authorize", alice.Token, 404},
			{"not an id", "/api/v1/follow_requests/carol/reject", alice.Token, 404},
			{"no token", "/api/v1/follow_requests/" + carol.ID + "/authorize", "", 401},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) { ts.call(t, "POST", tt.path, tt.token, nil).wantError(t, tt.code) })
		}
		ts.get(t, "/api/v1/follow_requests", "").wantError(t, 401)
	})

	// Withdrawing a request is an unfollow.
	ts.follow(t, carol, alice)
	wantRel(t, ts.call(t, "POST", "/api/v1/accounts/"+alice.ID+"/unfollow", carol.Token, nil).want(t, 200).obj(t), alice.ID, false, false, false, false)
	wantIDs(t, "requests after withdrawal", ts.listIDs(t, "/api/v1/follow_requests", alice.Token))
}
