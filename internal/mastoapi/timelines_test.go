package mastoapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/social"
)

func TestHomeTimeline(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	ts.follow(t, alice, bob)
	b1 := str(t, ts.postStatus(t, bob, "bob one"), "id")
	c1 := str(t, ts.postStatus(t, carol, "carol, not followed"), "id")
	a1 := str(t, ts.postStatus(t, alice, "alice herself"), "id")
	b2 := str(t, ts.postStatus(t, bob, "bob two", map[string]any{"visibility": "unlisted"}), "id")
	// Carol's post reblogged by bob comes in through bob.
	c2 := str(t, ts.postStatus(t, carol, "carol, reblogged"), "id")
	rb := str(t, ts.call(t, "POST", "/api/v1/statuses/"+c2+"/reblog", bob.Token, nil).want(t, 200).obj(t), "id")

	home := ts.get(t, "/api/v1/timelines/home", alice.Token).want(t, 200).list(t)
	wantIDs(t, "alice's home", ids(home), rb, b2, a1, b1)
	if str(t, home[0], "reblog", "id") != c2 {
		t.Errorf("first entry = %v, want the reblog of %s", home[0], c2)
	}
	wantIDs(t, "bob's home", ts.listIDs(t, "/api/v1/timelines/home", bob.Token), rb, b2, b1)
	wantIDs(t, "carol's home", ts.listIDs(t, "/api/v1/timelines/home", carol.Token), c2, c1)

	ts.get(t, "/api/v1/timelines/home", "").wantError(t, 401)
	ts.get(t, "/api/v1/timelines/home", ts.clientToken(t, "read")).wantError(t, 422)

	// Unfollowing takes bob's posts and reblogs out again.
	ts.call(t, "POST", "/api/v1/accounts/"+bob.ID+"/unfollow", alice.Token, nil).want(t, 200)
	wantIDs(t, "alice's home after unfollowing", ts.listIDs(t, "/api/v1/timelines/home", alice.Token), a1)
}

// TestHomePull covers accounts with so many followers that their posts are
// merged into home timelines when read instead of copied when posted.
func TestHomePull(t *testing.T) {
	t.Parallel()
	ts := newServerWith(t, func(s *social.Service) { s.PullThreshold = 2 })
	alice, bob, carol, dave := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol"), ts.signUp(t, "dave")
	ts.follow(t, bob, alice)
	a1 := str(t, ts.postStatus(t, alice, "copied to bob"), "id")
	b1 := str(t, ts.postStatus(t, bob, "bob one"), "id")
	ts.follow(t, carol, alice) // now alice has enough followers to be pulled
	a2 := str(t, ts.postStatus(t, alice, "pulled"), "id")
	b2 := str(t, ts.postStatus(t, bob, "bob two"), "id")
	a3 := str(t, ts.postStatus(t, alice, "pulled, private", map[string]any{"visibility": "private"}), "id")
	a4 := str(t, ts.postStatus(t, alice, "@dave pulled? no, direct", map[string]any{"visibility": "direct"}), "id")

	home := "/api/v1/timelines/home"
	tests := []struct {
		name, query string
		u           user
		want        []string
	}{
		{"bob", "", bob, []string{a3, b2, a2, b1, a1}},
		{"carol", "", carol, []string{a3, a2, a1}},
		{"dave gets the direct post only", "", dave, []string{a4}},
		{"limit", "?limit=2", bob, []string{a3, b2}},
		{"max_id", "?limit=2&max_id=" + b2, bob, []string{a2, b1}},
		{"since_id", "?since_id=" + b1, bob, []string{a3, b2, a2}},
		{"min_id", "?limit=2&min_id=" + a1, bob, []string{a2, b1}},
		{"min_id, fewer than the limit", "?limit=3&min_id=" + b2, bob, []string{a3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIDs(t, tt.query, ts.listIDs(t, home+tt.query, tt.u.Token), tt.want...)
		})
	}
	t.Run("links walk the merged timeline", func(t *testing.T) {
		var got []string
		next := home + "?limit=2"
		for range 5 {
			res := ts.get(t, next, bob.Token).want(t, 200)
			page := ids(res.list(t))
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			next, _ = ts.links(t, res)
		}
		wantIDs(t, "walked", got, a3, b2, a2, b1, a1)
	})
	ts.call(t, "POST", "/api/v1/accounts/"+alice.ID+"/unfollow", bob.Token, nil).want(t, 200)
	wantIDs(t, "bob's home after unfollowing", ts.listIDs(t, home, bob.Token), b2, b1)
}

func TestPublicTimeline(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	p1 := str(t, ts.postStatus(t, alice, "public one"), "id")
	ts.postStatus(t, alice, "unlisted", map[string]any{"visibility": "unlisted"})
	ts.postStatus(t, alice, "private", map[string]any{"visibility": "private"})
	ts.postStatus(t, alice, "@bob direct", map[string]any{"visibility": "direct"})
	p2 := str(t, ts.postStatus(t, bob, "public two"), "id")
	ts.call(t, "POST", "/api/v1/statuses/"+p1+"/reblog", bob.Token, nil).want(t, 200)
	tests := []struct {
		name, query string
		want        []string
		code        int
	}{
		{"all", "", []string{p2, p1}, 200},
		{"local", "?local=true", []string{p2, p1}, 200},
		{"remote", "?remote=true", nil, 200},
		{"only media", "?only_media=1", nil, 200},
		{"local false", "?local=false", []string{p2, p1}, 200},
		{"bad boolean", "?remote=perhaps", nil, 422},
		{"bad limit", "?limit=many", nil, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/timelines/public"+tt.query, "")
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			wantIDs(t, tt.query, ids(res.want(t, 200).list(t)), tt.want...)
		})
	}
}

func TestTagTimeline(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	post := func(text string, vis ...string) string {
		t.Helper()
		body := map[string]any{}
		if len(vis) > 0 {
			body["visibility"] = vis[0]
		}
		return str(t, ts.postStatus(t, alice, text, body), "id")
	}
	iran := post("سلام #ایران")
	books := post("کتاب خوب #کتاب\u200cخوانی")
	golang := post("#GoLang is fun")
	golang2 := post("more #golang")
	post("unlisted #golang", "unlisted")
	post("private #golang", "private")
	tests := []struct {
		name, tag string
		want      []string
		code      int
	}{
		{"Arabic script", "ایران", []string{iran}, 200},
		{"Persian with ZWNJ", "کتاب\u200cخوانی", []string{books}, 200},
		{"Latin lower case", "golang", []string{golang2, golang}, 200},
		{"Latin any case", "GOLANG", []string{golang2, golang}, 200},
		{"with #", "#golang", []string{golang2, golang}, 200},
		{"unused tag", "nothing", nil, 200},
		{"not a tag", "a b", nil, 404},
		{"only digits", "123", nil, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/timelines/tag/"+url.PathEscape(tt.tag), "")
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			wantIDs(t, tt.tag, ids(res.want(t, 200).list(t)), tt.want...)
		})
	}
	st := ts.get(t, "/api/v1/statuses/"+books, "").want(t, 200).obj(t)
	tag := field(t, st, "tags").([]any)[0].(map[string]any)
	if tag["name"] != "کتاب\u200cخوانی" || !strings.HasSuffix(tag["url"].(string), "/tags/"+url.PathEscape("کتاب\u200cخوانی")) {
		t.Errorf("tag = %v, want the ZWNJ kept", tag)
	}
}

// TestPaging walks timelines by limit, max_id, since_id and min_id, and by
// the Link header as clients do.
func TestPaging(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	var s []string // s[0] oldest
	for i := range 5 {
		s = append(s, str(t, ts.postStatus(t, alice, "post "+string(rune('a'+i))), "id"))
	}
	for _, base := range []string{"/api/v1/timelines/public", "/api/v1/timelines/home", "/api/v1/accounts/" + alice.ID + "/statuses"} {
		t.Run(base, func(t *testing.T) {
			tests := []struct {
				query string
				want  []string
			}{
				{"", []string{s[4], s[3], s[2], s[1], s[0]}},
				{"?limit=2", []string{s[4], s[3]}},
				{"?max_id=" + s[3], []string{s[2], s[1], s[0]}},
				{"?max_id=" + s[3] + "&limit=1", []string{s[2]}},
				{"?since_id=" + s[1], []string{s[4], s[3], s[2]}},
				{"?since_id=" + s[1] + "&limit=2", []string{s[4], s[3]}},
				{"?min_id=" + s[1] + "&limit=2", []string{s[3], s[2]}},
				{"?min_id=" + s[1], []string{s[4], s[3], s[2]}},
				{"?max_id=" + s[4] + "&since_id=" + s[1], []string{s[3], s[2]}},
				{"?min_id=" + s[4], nil},
				{"?max_id=" + s[0], nil},
				{"?limit=0", []string{s[4]}},
				{"?limit=1000", []string{s[4], s[3], s[2], s[1], s[0]}},
			}
			for _, tt := range tests {
				wantIDs(t, tt.query, ts.listIDs(t, base+tt.query, alice.Token), tt.want...)
			}

			// The Link header, exactly as Mastodon writes it.
			res := ts.get(t, base+"?limit=2", alice.Token).want(t, 200)
			want := `<` + ts.URL + base + `?limit=2&max_id=` + s[3] + `>; rel="next", <` + ts.URL + base + `?limit=2&min_id=` + s[4] + `>; rel="prev"`
			if got := res.Header.Get("Link"); got != want {
				t.Fatalf("Link = %s\nwant   %s", got, want)
			}
			next, _ := ts.links(t, res)
			res = ts.get(t, next, alice.Token).want(t, 200)
			wantIDs(t, "second page", ids(res.list(t)), s[2], s[1])
			next, prev := ts.links(t, res)
			wantIDs(t, "back to the first", ts.listIDs(t, prev, alice.Token), s[4], s[3])
			res = ts.get(t, next, alice.Token).want(t, 200)
			wantIDs(t, "third page", ids(res.list(t)), s[0])
			next, _ = ts.links(t, res)
			res = ts.get(t, next, alice.Token).want(t, 200)
			wantIDs(t, "past the end", ids(res.list(t)))
			if l := res.Header.Get("Link"); l != "" {
				t.Errorf("empty page has Link %q", l)
			}

			for _, bad := range []string{"?max_id=abc", "?since_id=-1", "?min_id=1.5", "?limit=abc", "?limit=2.5"} {
				ts.get(t, base+bad, alice.Token).wantError(t, 400)
			}
		})
	}
	t.Run("the token never goes into a link", func(t *testing.T) {
		res := ts.get(t, "/api/v1/timelines/home?limit=1&access_token="+alice.Token, "").want(t, 200)
		if l := res.Header.Get("Link"); l == "" || strings.Contains(l, alice.Token) {
			t.Fatalf("Link = %q", l)
		}
	})
	t.Run("filters survive paging", func(t *testing.T) {
		res := ts.get(t, "/api/v1/accounts/"+alice.ID+"/statuses?exclude_replies=true&limit=1", "").want(t, 200)
		next, prev := ts.links(t, res)
		for _, l := range []string{next, prev} {
			if !strings.Contains(l, "exclude_replies=true") {
				t.Errorf("link %s lost the filter", l)
			}
		}
	})
}
