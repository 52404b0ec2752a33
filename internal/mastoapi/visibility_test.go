package mastoapi_test

import (
	"slices"
	"testing"
)

// TestVisibility checks who may read a post of each visibility, by id and
// through every list that could leak it.
func TestVisibility(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	// bob follows alice; carol is mentioned; eve is a stranger; "" is a visitor.
	alice, bob, carol, eve := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol"), ts.signUp(t, "eve")
	anon := user{Name: "visitor"}
	ts.follow(t, bob, alice)
	post := func(text, vis string, extra ...map[string]any) string {
		t.Helper()
		body := map[string]any{"visibility": vis}
		for _, e := range extra {
			for k, v := range e {
				body[k] = v
			}
		}
		return str(t, ts.postStatus(t, alice, text, body), "id")
	}
	pub := post("public #news", "public")
	unl := post("unlisted #news", "unlisted")
	priv := post("private #news", "private")
	dm := post("@carol direct #news", "direct")
	privMention := post("@carol private with a mention", "private")
	privReply := post("private reply", "private", map[string]any{"in_reply_to_id": pub})

	everyone := []user{alice, bob, carol, eve, anon}
	tests := []struct {
		name, id string
		readers  []user
	}{
		{"public", pub, everyone},
		{"unlisted", unl, everyone},
		{"private", priv, []user{alice, bob}},
		{"direct", dm, []user{alice, carol}},
		{"private, mentioning", privMention, []user{alice, bob, carol}},
		{"private reply", privReply, []user{alice, bob}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, u := range everyone {
				may := slices.Contains(tt.readers, u)
				res := ts.get(t, "/api/v1/statuses/"+tt.id, u.Token)
				if may {
					if res.want(t, 200).obj(t)["id"] != tt.id {
						t.Errorf("%s read another status", u.Name)
					}
					continue
				}
				// Hidden posts are not found, wherever one looks.
				res.wantError(t, 404)
				for _, p := range []string{"/context", "/reblogged_by", "/favourited_by"} {
					ts.get(t, "/api/v1/statuses/"+tt.id+p, u.Token).wantError(t, 404)
				}
				if u.Token != "" {
					for _, p := range []string{"/favourite", "/unfavourite", "/reblog", "/unreblog"} {
						ts.call(t, "POST", "/api/v1/statuses/"+tt.id+p, u.Token, nil).wantError(t, 404)
					}
					ts.call(t, "POST", "/api/v1/statuses", u.Token, map[string]any{"status": "re", "in_reply_to_id": tt.id}).wantError(t, 404)
				}
			}
		})
	}

	lists := []struct {
		name, path string
		u          user
		want       []string
	}{
		{"bob's home", "/api/v1/timelines/home", bob, []string{privReply, privMention, priv, unl, pub}},
		{"carol's home", "/api/v1/timelines/home", carol, []string{dm}},
		{"eve's home", "/api/v1/timelines/home", eve, nil},
		{"alice's home", "/api/v1/timelines/home", alice, []string{privReply, privMention, dm, priv, unl, pub}},
		{"public", "/api/v1/timelines/public", anon, []string{pub}},
		{"public for bob", "/api/v1/timelines/public", bob, []string{pub}},
		{"tag", "/api/v1/timelines/tag/news", bob, []string{pub}},
		{"alice's statuses, visitor", "/api/v1/accounts/" + alice.ID + "/statuses", anon, []string{unl, pub}},
		{"alice's statuses, eve", "/api/v1/accounts/" + alice.ID + "/statuses", eve, []string{unl, pub}},
		{"alice's statuses, bob", "/api/v1/accounts/" + alice.ID + "/statuses", bob, []string{privReply, privMention, priv, unl, pub}},
		{"alice's statuses, alice", "/api/v1/accounts/" + alice.ID + "/statuses", alice, []string{privReply, privMention, dm, priv, unl, pub}},
	}
	for _, tt := range lists {
		t.Run(tt.name, func(t *testing.T) {
			wantIDs(t, tt.name, ts.listIDs(t, tt.path, tt.u.Token), tt.want...)
		})
	}

	t.Run("context", func(t *testing.T) {
		for _, c := range []struct {
			u    user
			desc []string
		}{{anon, nil}, {eve, nil}, {bob, []string{privReply}}, {alice, []string{privReply}}} {
			ctx := ts.get(t, "/api/v1/statuses/"+pub+"/context", c.u.Token).want(t, 200).obj(t)
			var got []string
			for _, d := range field(t, ctx, "descendants").([]any) {
				got = append(got, d.(map[string]any)["id"].(string))
			}
			wantIDs(t, c.u.Name+"'s descendants", got, c.desc...)
		}
	})

	t.Run("mentions notify", func(t *testing.T) {
		ns := ts.get(t, "/api/v1/notifications", carol.Token).want(t, 200).list(t)
		var got []string
		for _, n := range ns {
			if n["type"] != "mention" {
				t.Errorf("carol got a %v notification", n["type"])
			}
			got = append(got, str(t, n, "status", "id"))
		}
		wantIDs(t, "carol's mentions", got, privMention, dm)
	})

	t.Run("following opens private posts, unfollowing closes them", func(t *testing.T) {
		ts.follow(t, eve, alice)
		ts.get(t, "/api/v1/statuses/"+priv, eve.Token).want(t, 200)
		wantIDs(t, "eve's home", ts.listIDs(t, "/api/v1/timelines/home", eve.Token), privReply, privMention, priv, unl, pub)
		ts.call(t, "POST", "/api/v1/accounts/"+alice.ID+"/unfollow", eve.Token, nil).want(t, 200)
		ts.get(t, "/api/v1/statuses/"+priv, eve.Token).wantError(t, 404)
		wantIDs(t, "eve's home", ts.listIDs(t, "/api/v1/timelines/home", eve.Token))
	})
}
