package mastoapi_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestPostAndReadArabic(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	text := "سلام دنیا! #ایران https://example.org/" + strings.Repeat("x", 60)
	st := ts.postStatus(t, alice, text)
	if st["visibility"] != "public" || st["account"].(map[string]any)["username"] != "alice" {
		t.Fatalf("status = %v", st)
	}
	content := st["content"].(string)
	for _, want := range []string{`class="mention hashtag"`, `rel="nofollow noopener noreferrer"`, "سلام دنیا!"} {
		if !strings.Contains(content, want) {
			t.Errorf("content %q lacks %q", content, want)
		}
	}
	tags := st["tags"].([]any)
	if len(tags) != 1 || tags[0].(map[string]any)["name"] != "ایران" {
		t.Errorf("tags = %v", tags)
	}
	got := ts.call(t, "GET", "/api/v1/statuses/"+st["id"].(string), "", nil).want(t, 200).obj(t)
	if got["content"] != content {
		t.Errorf("read back content %q, want %q", got["content"], content)
	}
}

func TestPostLength(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	tests := []struct {
		name string
		text string
		code int
		msg  string
	}{
		{"140 Arabic letters", strings.Repeat("ب", 140), 200, ""},
		{"141 letters", strings.Repeat("ب", 141), 422, "141"},
		{"long URL counts 23", strings.Repeat("a", 116) + " https://example.org/" + strings.Repeat("p", 200), 200, ""},
		{"decomposed accents count after NFC", strings.Repeat("e\u0301", 140), 200, ""},
		{"empty", "", 422, "empty"},
		{"whitespace", "  \n\t ", 422, "empty"},
		{"bidi override", "abc\u202Edef", 422, "U+202E"},
		{"byte order mark", "\uFEFFhello", 422, "U+FEFF"},
		{"direction marks are fine", "\u200Fسلام\u200E ok", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/api/v1/statuses", alice.Token, map[string]any{"status": tt.text})
			if tt.code == 200 {
				res.want(t, 200)
				return
			}
			msg := res.wantError(t, tt.code)
			if !strings.Contains(msg, tt.msg) {
				t.Fatalf("error %q does not mention %q", msg, tt.msg)
			}
		})
	}
	me := ts.call(t, "GET", "/api/v1/accounts/verify_credentials", alice.Token, nil).want(t, 200).obj(t)
	if me["statuses_count"].(float64) != 4 {
		t.Fatalf("statuses_count = %v, want 4: a rejected post must store nothing", me["statuses_count"])
	}
}

func TestHTMLIsEscaped(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	st := ts.postStatus(t, alice, `<script>alert(1)</script> <b>x</b> "q" @nobody`)
	c := st["content"].(string)
	if strings.Contains(c, "<script") || strings.Contains(c, "<b>") {
		t.Fatalf("user markup reached content: %s", c)
	}
	if !strings.Contains(c, "&lt;script&gt;") {
		t.Fatalf("content %s lacks escaped text", c)
	}
}

func TestIdempotencyKey(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	post := func() string {
		req := ts.request(t, "POST", "/api/v1/statuses", alice.Token, url.Values{"status": {"once only"}})
		req.Header.Set("Idempotency-Key", "k-1")
		return ts.send(t, req).want(t, 200).obj(t)["id"].(string)
	}
	if a, b := post(), post(); a != b {
		t.Fatalf("retried post made %s and %s, want one status", a, b)
	}
	home := ts.call(t, "GET", "/api/v1/timelines/home", alice.Token, nil).want(t, 200).list(t)
	if len(home) != 1 {
		t.Fatalf("home has %d statuses, want 1", len(home))
	}
	// A key whose status was deleted makes a new one.
	first := post()
	ts.call(t, "DELETE", "/api/v1/statuses/"+first, alice.Token, nil).want(t, 200)
	if again := post(); again == first {
		t.Fatalf("the key brought back deleted status %s", first)
	}
}

func TestGetStatus(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	st := ts.postStatus(t, alice, "hello @alice #Tag", map[string]any{"spoiler_text": "cw", "language": "en"})
	id := str(t, st, "id")
	tests := []struct {
		name, id, token string
		code            int
	}{
		{"anonymous", id, "", 200},
		{"signed in", id, alice.Token, 200},
		{"unknown", "987654321", "", 404},
		{"not a number", "abc", "", 404},
		{"zero", "0", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/statuses/"+tt.id, tt.token)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			got := res.want(t, 200).obj(t)
			want := map[string]any{
				"id": id, "visibility": "public", "spoiler_text": "cw", "sensitive": true, "language": "en",
				"url": ts.URL + "/@alice/" + id, "in_reply_to_id": nil, "reblog": nil, "replies_count": 0.0,
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			if tt.token == "" && got["favourited"] != nil {
				t.Errorf("anonymous view has favourited = %v", got["favourited"])
			}
			if tt.token != "" && got["favourited"] != false {
				t.Errorf("favourited = %v, want false", got["favourited"])
			}
			if m := field(t, got, "mentions").([]any); len(m) != 1 || m[0].(map[string]any)["id"] != alice.ID {
				t.Errorf("mentions = %v", m)
			}
			if tg := field(t, got, "tags").([]any); len(tg) != 1 || tg[0].(map[string]any)["name"] != "tag" {
				t.Errorf("tags = %v", tg)
			}
			if field(t, got, "application", "name") != "tests" {
				t.Errorf("application = %v", got["application"])
			}
		})
	}
}

func TestCreateStatusInput(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	parent := str(t, ts.postStatus(t, alice, "parent"), "id")
	tests := []struct {
		name string
		body any
		code int
	}{
		{"form", url.Values{"status": {"form post"}, "visibility": {"unlisted"}, "sensitive": {"true"}}, 200},
		{"empty media and no poll, as some clients send", map[string]any{"status": "plain", "media_ids": []string{}, "poll": nil}, 200},
		{"reply", map[string]any{"status": "reply", "in_reply_to_id": parent}, 200},
		{"reply to unknown", map[string]any{"status": "reply", "in_reply_to_id": "123456"}, 404},
		{"reply to garbage", map[string]any{"status": "reply", "in_reply_to_id": "abc"}, 404},
		{"bad visibility", map[string]any{"status": "x", "visibility": "friends"}, 422},
		{"sensitive maybe", map[string]any{"status": "x", "sensitive": "maybe"}, 422},
		{"spoiler counts", map[string]any{"status": strings.Repeat("a", 130), "spoiler_text": strings.Repeat("b", 11)}, 422},
		{"media", map[string]any{"status": "x", "media_ids": []string{"1"}}, 422},
		{"poll", map[string]any{"status": "x", "poll": map[string]any{"options": []string{"a", "b"}, "expires_in": 60}}, 422},
		{"scheduled", map[string]any{"status": "x", "scheduled_at": "2030-01-01T00:00:00Z"}, 422},
		{"language too long", map[string]any{"status": "x", "language": strings.Repeat("e", 17)}, 422},
		{"no status", map[string]any{}, 422},
		{"status not a string", map[string]any{"status": map[string]any{"a": 1}}, 422},
		{"NUL", map[string]any{"status": "a\x00b"}, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/api/v1/statuses", alice.Token, tt.body)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			res.want(t, 200)
		})
	}
	if n := num(t, ts.me(t, alice.Token), "statuses_count"); n != 4 {
		t.Errorf("statuses_count = %d, want 4", n)
	}
	if n := num(t, ts.get(t, "/api/v1/statuses/"+parent, "").want(t, 200).obj(t), "replies_count"); n != 1 {
		t.Errorf("replies_count = %d, want 1", n)
	}
	ts.call(t, "POST", "/api/v1/statuses", "", map[string]any{"status": "anonymous"}).wantError(t, 401)
}

func TestDeleteStatus(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	ts.follow(t, bob, alice)
	ts.follow(t, carol, bob)
	text := "to be deleted, with a <b>tag</b> #gone"
	id := str(t, ts.postStatus(t, alice, text), "id")
	keep := str(t, ts.postStatus(t, alice, "stays"), "id")
	ts.call(t, "POST", "/api/v1/statuses/"+id+"/favourite", carol.Token, nil).want(t, 200)
	ts.call(t, "POST", "/api/v1/statuses/"+keep+"/favourite", carol.Token, nil).want(t, 200)
	rb := str(t, ts.call(t, "POST", "/api/v1/statuses/"+id+"/reblog", bob.Token, nil).want(t, 200).obj(t), "id")
	wantIDs(t, "bob's home before", ts.listIDs(t, "/api/v1/timelines/home", bob.Token), rb, keep, id)
	wantIDs(t, "carol's home before", ts.listIDs(t, "/api/v1/timelines/home", carol.Token), rb)

	t.Run("not by others", func(t *testing.T) {
		for _, u := range []user{bob, carol} {
			res := ts.call(t, "DELETE", "/api/v1/statuses/"+id, u.Token, nil)
			if res.Status != 403 && res.Status != 404 {
				t.Fatalf("delete by %s: status %d, want 403 or 404", u.Name, res.Status)
			}
			res.wantError(t, res.Status)
		}
		ts.call(t, "DELETE", "/api/v1/statuses/"+id, "", nil).wantError(t, 401)
		ts.get(t, "/api/v1/statuses/"+id, "").want(t, 200)
	})

	got := ts.call(t, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil).want(t, 200).obj(t)
	if got["id"] != id || got["text"] != text || !strings.Contains(str(t, got, "content"), "&lt;b&gt;") {
		t.Fatalf("delete answered %v, want the status with its source text", got)
	}
	ts.get(t, "/api/v1/statuses/"+id, "").wantError(t, 404)
	ts.get(t, "/api/v1/statuses/"+rb, "").wantError(t, 404)
	ts.call(t, "DELETE", "/api/v1/statuses/"+id, alice.Token, nil).wantError(t, 404)

	wantIDs(t, "bob's home after", ts.listIDs(t, "/api/v1/timelines/home", bob.Token), keep)
	wantIDs(t, "carol's home after", ts.listIDs(t, "/api/v1/timelines/home", carol.Token))
	wantIDs(t, "carol's favourites", ts.listIDs(t, "/api/v1/favourites", carol.Token), keep)
	wantIDs(t, "public", ts.listIDs(t, "/api/v1/timelines/public", ""), keep)
	wantIDs(t, "tag", ts.listIDs(t, "/api/v1/timelines/tag/gone", ""))
	wantIDs(t, "bob's statuses", ts.listIDs(t, "/api/v1/accounts/"+bob.ID+"/statuses", ""))
	for _, n := range ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t) {
		if s, ok := n["status"].(map[string]any); ok && s["id"] == id {
			t.Errorf("notification %v still points at the deleted status", n)
		}
	}
	if n := len(ts.get(t, "/api/v1/notifications?types[]=favourite", alice.Token).want(t, 200).list(t)); n != 1 {
		t.Errorf("alice has %d favourite notifications, want 1 (of the status kept)", n)
	}
	if n := len(ts.get(t, "/api/v1/notifications?types[]=reblog", alice.Token).want(t, 200).list(t)); n != 0 {
		t.Errorf("alice has %d reblog notifications, want 0", n)
	}
	if n := num(t, ts.me(t, alice.Token), "statuses_count"); n != 1 {
		t.Errorf("alice's statuses_count = %d, want 1", n)
	}
	if n := num(t, ts.me(t, bob.Token), "statuses_count"); n != 0 {
		t.Errorf("bob's statuses_count = %d, want 0 (his reblog went with the original)", n)
	}
	if n := num(t, ts.get(t, "/api/v1/instance", "").want(t, 200).obj(t), "stats", "status_count"); n != 1 {
		t.Errorf("instance status_count = %d, want 1", n)
	}
}

func TestDeleteReply(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	parent := str(t, ts.postStatus(t, alice, "question"), "id")
	reply := str(t, ts.postStatus(t, bob, "@alice answer", map[string]any{"in_reply_to_id": parent}), "id")
	if n := len(ts.get(t, "/api/v1/notifications?types[]=mention", alice.Token).want(t, 200).list(t)); n != 1 {
		t.Fatalf("alice has %d mentions, want 1", n)
	}
	ts.call(t, "DELETE", "/api/v1/statuses/"+reply, bob.Token, nil).want(t, 200)
	if n := num(t, ts.get(t, "/api/v1/statuses/"+parent, "").want(t, 200).obj(t), "replies_count"); n != 0 {
		t.Errorf("replies_count = %d after the reply was deleted", n)
	}
	if n := len(ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t)); n != 0 {
		t.Errorf("alice has %d notifications, want the mention gone", n)
	}
	ctx := ts.get(t, "/api/v1/statuses/"+parent+"/context", "").want(t, 200).obj(t)
	if d := field(t, ctx, "descendants").([]any); len(d) != 0 {
		t.Errorf("descendants = %v", d)
	}

	// A reply outlives its deleted parent, as on Mastodon, and keeps
	// pointing at it.
	orphan := str(t, ts.postStatus(t, bob, "another answer", map[string]any{"in_reply_to_id": parent}), "id")
	ts.call(t, "DELETE", "/api/v1/statuses/"+parent, alice.Token, nil).want(t, 200)
	st := ts.get(t, "/api/v1/statuses/"+orphan, "").want(t, 200).obj(t)
	if st["in_reply_to_id"] != parent {
		t.Errorf("in_reply_to_id = %v, want %s", st["in_reply_to_id"], parent)
	}
	ctx = ts.get(t, "/api/v1/statuses/"+orphan+"/context", "").want(t, 200).obj(t)
	if a := field(t, ctx, "ancestors").([]any); len(a) != 0 {
		t.Errorf("ancestors of an orphan = %v", a)
	}
}

func TestContext(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	reply := func(u user, to, text string) string {
		t.Helper()
		return str(t, ts.postStatus(t, u, text, map[string]any{"in_reply_to_id": to}), "id")
	}
	root := str(t, ts.postStatus(t, alice, "root"), "id")
	b1 := reply(bob, root, "b1")
	a2 := reply(alice, b1, "a2")
	c1 := reply(carol, root, "c1")
	b3 := reply(bob, a2, "b3")
	other := str(t, ts.postStatus(t, carol, "unrelated"), "id")
	tests := []struct {
		id         string
		anc, desc  []string
		replyTo    string
		replyCount int
	}{
		{root, nil, []string{b1, a2, b3, c1}, "", 2},
		{b1, []string{root}, []string{a2, b3}, root, 1},
		{a2, []string{root, b1}, []string{b3}, b1, 1},
		{b3, []string{root, b1, a2}, nil, a2, 0},
		{c1, []string{root}, nil, root, 0},
		{other, nil, nil, "", 0},
	}
	for i, tt := range tests {
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			ctx := ts.get(t, "/api/v1/statuses/"+tt.id+"/context", "").want(t, 200).obj(t)
			var anc, desc []map[string]any
			for _, a := range field(t, ctx, "ancestors").([]any) {
				anc = append(anc, a.(map[string]any))
			}
			for _, d := range field(t, ctx, "descendants").([]any) {
				desc = append(desc, d.(map[string]any))
			}
			wantIDs(t, "ancestors", ids(anc), tt.anc...)
			wantIDs(t, "descendants", ids(desc), tt.desc...)
			st := ts.get(t, "/api/v1/statuses/"+tt.id, "").want(t, 200).obj(t)
			if rt, _ := st["in_reply_to_id"].(string); rt != tt.replyTo {
				t.Errorf("in_reply_to_id = %v, want %q", st["in_reply_to_id"], tt.replyTo)
			}
			if n := num(t, st, "replies_count"); n != tt.replyCount {
				t.Errorf("replies_count = %d, want %d", n, tt.replyCount)
			}
		})
	}
	if rt := ts.get(t, "/api/v1/statuses/"+b1, "").want(t, 200).obj(t)["in_reply_to_account_id"]; rt != alice.ID {
		t.Errorf("in_reply_to_account_id = %v, want alice", rt)
	}
	ts.get(t, "/api/v1/statuses/999/context", "").wantError(t, 404)
	ts.get(t, "/api/v1/statuses/x/context", "").wantError(t, 404)
}

func TestReblog(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	ts.follow(t, carol, bob)
	ts.follow(t, bob, alice)
	id := str(t, ts.postStatus(t, alice, "worth sharing"), "id")
	path := "/api/v1/statuses/" + id

	rb := ts.call(t, "POST", path+"/reblog", bob.Token, nil).want(t, 200).obj(t)
	rbID := str(t, rb, "id")
	if rbID == id || str(t, rb, "reblog", "id") != id || str(t, rb, "account", "id") != bob.ID ||
		num(t, rb, "reblog", "reblogs_count") != 1 || !boolean(t, rb, "reblog", "reblogged") || rb["content"] != "" {
		t.Fatalf("reblog = %v", rb)
	}
	orig := ts.get(t, path, bob.Token).want(t, 200).obj(t)
	if num(t, orig, "reblogs_count") != 1 || !boolean(t, orig, "reblogged") {
		t.Errorf("original after reblog: count %v, reblogged %v", orig["reblogs_count"], orig["reblogged"])
	}
	if boolean(t, ts.get(t, path, carol.Token).want(t, 200).obj(t), "reblogged") {
		t.Error("reblogged is true for someone who did not reblog")
	}
	// The reblog reaches bob's followers, but not the public timeline.
	home := ts.get(t, "/api/v1/timelines/home", carol.Token).want(t, 200).list(t)
	if len(home) != 1 || home[0]["id"] != rbID || str(t, home[0], "reblog", "id") != id {
		t.Errorf("carol's home = %v, want bob's reblog", ids(home))
	}
	wantIDs(t, "public", ts.listIDs(t, "/api/v1/timelines/public", ""), id)
	// Alice is told.
	ns := ts.get(t, "/api/v1/notifications?types[]=reblog", alice.Token).want(t, 200).list(t)
	if len(ns) != 1 || str(t, ns[0], "account", "id") != bob.ID || str(t, ns[0], "status", "id") != id {
		t.Errorf("alice's reblog notifications = %v", ns)
	}

	t.Run("twice gives the same reblog", func(t *testing.T) {
		again := ts.call(t, "POST", path+"/reblog", bob.Token, nil).want(t, 200).obj(t)
		if again["id"] != rbID || num(t, again, "reblog", "reblogs_count") != 1 {
			t.Fatalf("second reblog = %v, want %s with count 1", again["id"], rbID)
		}
		// Reblogging the reblog reblogs the original.
		viaRB := ts.call(t, "POST", "/api/v1/statuses/"+rbID+"/reblog", carol.Token, nil).want(t, 200).obj(t)
		if str(t, viaRB, "reblog", "id") != id || num(t, viaRB, "reblog", "reblogs_count") != 2 {
			t.Fatalf("reblog of a reblog = %v", viaRB)
		}
	})
	t.Run("reblogged_by", func(t *testing.T) {
		wantIDs(t, "reblogged_by", ts.listIDs(t, path+"/reblogged_by", ""), carol.ID, bob.ID)
		res := ts.get(t, path+"/reblogged_by?limit=1", "").want(t, 200)
		next, _ := ts.links(t, res)
		wantIDs(t, "next page", ts.listIDs(t, next, ""), bob.ID)
		ts.get(t, "/api/v1/statuses/999/reblogged_by", "").wantError(t, 404)
	})
	t.Run("unreblog", func(t *testing.T) {
		un := ts.call(t, "POST", path+"/unreblog", carol.Token, nil).want(t, 200).obj(t)
		if un["id"] != id || num(t, un, "reblogs_count") != 1 || boolean(t, un, "reblogged") {
			t.Fatalf("unreblog = %v, want the original, count 1, not reblogged", un)
		}
		ts.call(t, "POST", path+"/unreblog", carol.Token, nil).want(t, 200) // again is fine
		wantIDs(t, "reblogged_by", ts.listIDs(t, path+"/reblogged_by", ""), bob.ID)
		if n := num(t, ts.me(t, carol.Token), "statuses_count"); n != 0 {
			t.Errorf("carol's statuses_count = %d after unreblog", n)
		}
		ns := ts.get(t, "/api/v1/notifications?types[]=reblog", alice.Token).want(t, 200).list(t)
		if len(ns) != 1 || str(t, ns[0], "account", "id") != bob.ID {
			t.Errorf("alice's reblog notifications after carol's unreblog = %v, want bob's only", ns)
		}
	})
	t.Run("deleting a reblog is an unreblog", func(t *testing.T) {
		mine := str(t, ts.call(t, "POST", path+"/reblog", carol.Token, nil).want(t, 200).obj(t), "id")
		ts.call(t, "DELETE", "/api/v1/statuses/"+mine, bob.Token, nil).wantError(t, 403)
		ts.call(t, "DELETE", "/api/v1/statuses/"+mine, carol.Token, nil).want(t, 200)
		if n := num(t, ts.get(t, path, "").want(t, 200).obj(t), "reblogs_count"); n != 1 {
			t.Errorf("reblogs_count = %d, want 1", n)
		}
		wantIDs(t, "reblogged_by", ts.listIDs(t, path+"/reblogged_by", ""), bob.ID)
	})
	t.Run("what cannot be reblogged", func(t *testing.T) {
		priv := str(t, ts.postStatus(t, alice, "followers only", map[string]any{"visibility": "private"}), "id")
		dm := str(t, ts.postStatus(t, alice, "@bob psst", map[string]any{"visibility": "direct"}), "id")
		tests := []struct {
			name, id string
			u        user
			code     int
		}{
			{"another's private post, by a follower", priv, bob, 403},
			{"another's private post, by a stranger", priv, carol, 404},
			{"a direct post, by its recipient", dm, bob, 403},
			{"a direct post, by a stranger", dm, carol, 404},
			{"a direct post, by its author", dm, alice, 403},
			{"unknown", "999", bob, 404},
			{"not an id", "x", bob, 404},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ts.call(t, "POST", "/api/v1/statuses/"+tt.id+"/reblog", tt.u.Token, nil).wantError(t, tt.code)
			})
		}
		if n := num(t, ts.get(t, "/api/v1/statuses/"+priv, alice.Token).want(t, 200).obj(t), "reblogs_count"); n != 0 {
			t.Errorf("reblogs_count of the private post = %d", n)
		}
		// An author may reblog their own private post, as on Mastodon.
		ts.call(t, "POST", "/api/v1/statuses/"+priv+"/reblog", alice.Token, nil).want(t, 200)
		ts.call(t, "POST", path+"/reblog", "", nil).wantError(t, 401)
	})
}

func TestFavourite(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob, carol := ts.signUp(t, "alice"), ts.signUp(t, "bob"), ts.signUp(t, "carol")
	id := str(t, ts.postStatus(t, alice, "nice"), "id")
	path := "/api/v1/statuses/" + id

	tests := []struct {
		name   string
		u      user
		action string
		count  int
		fav    bool
	}{
		{"bob favourites", bob, "favourite", 1, true},
		{"again changes nothing", bob, "favourite", 1, true},
		{"carol favourites", carol, "favourite", 2, true},
		{"carol takes it back", carol, "unfavourite", 1, false},
		{"again changes nothing", carol, "unfavourite", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ts.call(t, "POST", path+"/"+tt.action, tt.u.Token, nil).want(t, 200).obj(t)
			if got["id"] != id || num(t, got, "favourites_count") != tt.count || boolean(t, got, "favourited") != tt.fav {
				t.Fatalf("%s: count %v favourited %v, want %d %v", tt.action, got["favourites_count"], got["favourited"], tt.count, tt.fav)
			}
			read := ts.get(t, path, tt.u.Token).want(t, 200).obj(t)
			if num(t, read, "favourites_count") != tt.count || boolean(t, read, "favourited") != tt.fav {
				t.Fatalf("read back: count %v favourited %v", read["favourites_count"], read["favourited"])
			}
		})
	}
	wantIDs(t, "favourited_by", ts.listIDs(t, path+"/favourited_by", ""), bob.ID)
	// Nobody is told of their own actions.
	ts.call(t, "POST", path+"/favourite", alice.Token, nil).want(t, 200)
	ts.call(t, "POST", path+"/unfavourite", alice.Token, nil).want(t, 200)
	ts.postStatus(t, alice, "note to @alice")
	ns := ts.get(t, "/api/v1/notifications?types[]=favourite", alice.Token).want(t, 200).list(t)
	if len(ns) != 1 || str(t, ns[0], "account", "id") != bob.ID || str(t, ns[0], "status", "id") != id {
		t.Errorf("alice's favourite notifications = %v, want bob's only", ns)
	}
	if ns := ts.get(t, "/api/v1/notifications", alice.Token).want(t, 200).list(t); len(ns) != 1 {
		t.Errorf("alice has %d notifications, want bob's favourite only: %v", len(ns), types(ns))
	}
	t.Run("a reblog's id favourites the original", func(t *testing.T) {
		rb := str(t, ts.call(t, "POST", path+"/reblog", bob.Token, nil).want(t, 200).obj(t), "id")
		got := ts.call(t, "POST", "/api/v1/statuses/"+rb+"/favourite", carol.Token, nil).want(t, 200).obj(t)
		if num(t, ts.get(t, path, "").want(t, 200).obj(t), "favourites_count") != 2 {
			t.Fatalf("favouriting reblog %s did not count on the original; answer %v", rb, got)
		}
		ts.call(t, "POST", "/api/v1/statuses/"+rb+"/unfavourite", carol.Token, nil).want(t, 200)
		if num(t, ts.get(t, path, "").want(t, 200).obj(t), "favourites_count") != 1 {
			t.Fatal("unfavouriting through the reblog did not count on the original")
		}
	})
	ts.call(t, "POST", "/api/v1/statuses/999/favourite", bob.Token, nil).wantError(t, 404)
	ts.call(t, "POST", "/api/v1/statuses/x/unfavourite", bob.Token, nil).wantError(t, 404)
	ts.call(t, "POST", path+"/favourite", "", nil).wantError(t, 401)
	ts.get(t, "/api/v1/statuses/999/favourited_by", "").wantError(t, 404)
}

func TestFavouritesList(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	var sts []string
	for _, text := range []string{"one", "two", "three"} {
		sts = append(sts, str(t, ts.postStatus(t, alice, text), "id"))
	}
	// Favourited in another order than posted: the list follows the favourites.
	for _, i := range []int{1, 0, 2} {
		ts.call(t, "POST", "/api/v1/statuses/"+sts[i]+"/favourite", bob.Token, nil).want(t, 200)
	}
	wantIDs(t, "all", ts.listIDs(t, "/api/v1/favourites", bob.Token), sts[2], sts[0], sts[1])
	res := ts.get(t, "/api/v1/favourites?limit=2", bob.Token).want(t, 200)
	page := res.list(t)
	wantIDs(t, "first page", ids(page), sts[2], sts[0])
	for _, st := range page {
		if !boolean(t, st, "favourited") {
			t.Errorf("%s in favourites is not favourited", st["id"])
		}
	}
	next, prev := ts.links(t, res)
	if !strings.HasPrefix(next, "/api/v1/favourites?") || !strings.Contains(next, "limit=2") {
		t.Errorf("next = %s", next)
	}
	wantIDs(t, "next page", ts.listIDs(t, next, bob.Token), sts[1])
	wantIDs(t, "prev page", ts.listIDs(t, prev, bob.Token))
	wantIDs(t, "alice's", ts.listIDs(t, "/api/v1/favourites", alice.Token))
	ts.get(t, "/api/v1/favourites", "").wantError(t, 401)
}
