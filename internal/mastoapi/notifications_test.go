package mastoapi_test

import (
	"testing"
)

// notified sets up one notification of every type for alice, oldest first:
// follow (bob), follow_request (carol), mention, reblog, favourite (bob).
func notified(t *testing.T, ts *testServer) (alice, bob, carol user, post, mention string) {
	t.Helper()
	alice, bob, carol = ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	post = str(t, ts.postStatus(t, alice, "hello"), "id")
	ts.follow(t, bob, alice)
	ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"locked": true}).want(t, 200)
	ts.follow(t, carol, alice)
	mention = str(t, ts.postStatus(t, bob, "hi @alice"), "id")
	ts.call(t, "POST", "/api/v1/statuses/"+post+"/reblog", bob.Token, nil).want(t, 200)
	ts.call(t, "POST", "/api/v1/statuses/"+post+"/favourite", bob.Token, nil).want(t, 200)
	return alice, bob, carol, post, mention
}

// types lists the "type" of each notification.
func types(l []map[string]any) []string {
	out := []string{}
	for _, n := range l {
		out = append(out, n["type"].(string))
	}
	return out
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol, post, mention := notified(t, ts)

	all := ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t)
	wantIDs(t, "types", types(all), "favourite", "reblog", "mention", "follow_request", "follow")
	want := []struct{ from, status string }{{bob.ID, post}, {bob.ID, post}, {bob.ID, mention}, {carol.ID, ""}, {bob.ID, ""}}
	for i, n := range all {
		if str(t, n, "account", "id") != want[i].from {
			t.Errorf("%v from %v, want %s", n["type"], field(t, n, "account", "id"), want[i].from)
		}
		if want[i].status == "" {
			if n["status"] != nil {
				t.Errorf("%v has status %v", n["type"], n["status"])
			}
		} else if str(t, n, "status", "id") != want[i].status {
			t.Errorf("%v is about %v, want %s", n["type"], field(t, n, "status", "id"), want[i].status)
		}
		if str(t, n, "created_at") == "" || str(t, n, "group_key") == "" {
			t.Errorf("notification lacks created_at or group_key: %v", n)
		}
	}

	filters := []struct {
		name, query string
		want        []string
	}{
		{"types[]", "?types[]=mention", []string{"mention"}},
		{"several types[]", "?types[]=mention&types[]=favourite", []string{"favourite", "mention"}},
		{"types without brackets", "?types=follow", []string{"follow"}},
		{"exclude_types[]", "?exclude_types[]=follow&exclude_types[]=follow_request", []string{"favourite", "reblog", "mention"}},
		{"types sada never makes", "?types[]=poll&types[]=update", nil},
		{"unknown excluded types are ignored", "?exclude_types[]=poll", []string{"favourite", "reblog", "mention", "follow_request", "follow"}},
		{"both", "?types[]=follow&types[]=mention&exclude_types[]=mention", []string{"follow"}},
		{"account_id", "?account_id=" + carol.ID, []string{"follow_request"}},
		{"account_id, a page of one", "?account_id=" + carol.ID + "&limit=1", []string{"follow_request"}},
		{"account_id, min_id", "?account_id=" + bob.ID + "&limit=2&min_id=" + str(t, all[4], "id"), []string{"reblog", "mention"}},
		{"account_id, none", "?account_id=" + alice.ID, nil},
		{"limit", "?limit=2", []string{"favourite", "reblog"}},
		{"max_id", "?max_id=" + str(t, all[2], "id"), []string{"follow_request", "follow"}},
		{"min_id", "?min_id=" + str(t, all[2], "id") + "&limit=1", []string{"reblog"}},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			wantIDs(t, tt.query, types(ts.get(t, "/api/v1/notifications"+tt.query, alice.Token).want(t, 200).list(t)), tt.want...)
		})
	}

	t.Run("paging by Link", func(t *testing.T) {
		res := ts.get(t, "/api/v1/notifications?limit=3&exclude_types[]=follow", alice.Token).want(t, 200)
		wantIDs(t, "first page", types(res.list(t)), "favourite", "reblog", "mention")
		next, _ := ts.links(t, res)
		wantIDs(t, "next page", types(ts.get(t, next, alice.Token).want(t, 200).list(t)), "follow_request")
	})

	t.Run("one", func(t *testing.T) {
		id := str(t, all[2], "id")
		n := ts.get(t, "/api/v1/notifications/"+id, alice.Token).want(t, 200).obj(t)
		if n["id"] != id || n["type"] != "mention" || str(t, n, "status", "id") != mention {
			t.Fatalf("notification = %v", n)
		}
		ts.get(t, "/api/v1/notifications/"+id, bob.Token).wantError(t, 404)
		ts.get(t, "/api/v1/notifications/12345", alice.Token).wantError(t, 404)
		ts.get(t, "/api/v1/notifications/x", alice.Token).wantError(t, 404)
		ts.get(t, "/api/v1/notifications/"+id, "").wantError(t, 401)
	})

	t.Run("dismiss", func(t *testing.T) {
		id := str(t, all[0], "id")
		ts.call(t, "POST", "/api/v1/notifications/"+id+"/dismiss", bob.Token, nil).wantError(t, 404)
		ts.get(t, "/api/v1/notifications/"+id, alice.Token).want(t, 200) // still there
		ts.call(t, "POST", "/api/v1/notifications/"+id+"/dismiss", alice.Token, nil).want(t, 200)
		ts.get(t, "/api/v1/notifications/"+id, alice.Token).wantError(t, 404)
		ts.call(t, "POST", "/api/v1/notifications/"+id+"/dismiss", alice.Token, nil).wantError(t, 404)
		wantIDs(t, "after dismiss", types(ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t)),
			"reblog", "mention", "follow_request", "follow")
	})

	t.Run("clear", func(t *testing.T) {
		before := len(ts.get(t, "/api/v1/notifications", bob.Token).want(t, 200).list(t))
		ts.call(t, "POST", "/api/v1/notifications/clear", alice.Token, nil).want(t, 200)
		wantIDs(t, "after clear", types(ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t)))
		if after := len(ts.get(t, "/api/v1/notifications", bob.Token).want(t, 200).list(t)); after != before {
			t.Errorf("clearing alice's notifications changed bob's: %d → %d", before, after)
		}
		ts.call(t, "POST", "/api/v1/notifications/clear", "", nil).wantError(t, 401)
	})
}

func TestNotificationScopes(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	readStatuses := ts.passwordToken(t, ts.app, "alice", alice.Password, "read:statuses write:statuses")
	ts.get(t, "/api/v1/notifications", readStatuses).wantError(t, 403)
	ts.call(t, "POST", "/api/v1/notifications/clear", readStatuses, nil).wantError(t, 403)
	readNotes := ts.passwordToken(t, ts.app, "alice", alice.Password, "read:notifications")
	ts.get(t, "/api/v1/notifications", readNotes).want(t, 200)
	ts.call(t, "POST", "/api/v1/notifications/clear", readNotes, nil).wantError(t, 403)
}
