package mastoapi_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/config"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	ts.signUp(t, "alice")
	appTok := ts.clientToken(t, "read write follow")
	form := func(username, email, password string, agreement any) map[string]any {
		m := map[string]any{"username": username, "email": email, "password": password, "locale": "fa"}
		if agreement != nil {
			m["agreement"] = agreement
		}
		return m
	}
	tests := []struct {
		name  string
		token string
		body  any
		code  int
		msg   string // part of the error
	}{
		{"ok", appTok, form("bob", "bob@example.org", "long enough pw", true), 200, ""},
		{"form encoded", appTok, url.Values{"username": {"carol"}, "email": {"carol@example.org"}, "password": {"long enough pw"}, "agreement": {"1"}}, 200, ""},
		{"username taken in another case", appTok, form("ALICE", "other@example.org", "long enough pw", true), 422, "taken"},
		{"email taken in another case", appTok, form("alice2", "Alice@Example.org", "long enough pw", true), 422, "taken"},
		{"no agreement", appTok, form("dave", "dave@example.org", "long enough pw", nil), 422, "agreement"},
		{"agreement refused", appTok, form("dave", "dave@example.org", "long enough pw", false), 422, "agreement"},
		{"agreement not a boolean", appTok, form("dave", "dave@example.org", "long enough pw", "perhaps"), 422, "agreement"},
		{"username with a space", appTok, form("da ve", "dave@example.org", "long enough pw", true), 422, "username"},
		{"username in Arabic script", appTok, form("داود", "dave@example.org", "long enough pw", true), 422, "username"},
		{"username too long", appTok, form(strings.Repeat("d", 31), "dave@example.org", "long enough pw", true), 422, "username"},
		{"reserved username", appTok, form("admin", "dave@example.org", "long enough pw", true), 422, "reserved"},
		{"empty username", appTok, form("", "dave@example.org", "long enough pw", true), 422, "username"},
		{"short password", appTok, form("dave", "dave@example.org", "short", true), 422, "password"},
		{"bad email", appTok, form("dave", "not an email", "long enough pw", true), 422, "email"},
		{"no token", "", form("dave", "dave@example.org", "long enough pw", true), 401, ""},
		{"invalid token", "forged", form("dave", "dave@example.org", "long enough pw", true), 401, ""},
		{"token without write:accounts", ts.clientToken(t, "read"), form("dave", "dave@example.org", "long enough pw", true), 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/api/v1/accounts", tt.token, tt.body)
			if tt.code != 200 {
				if msg := res.wantError(t, tt.code); !strings.Contains(msg, tt.msg) {
					t.Fatalf("error %q does not mention %q", msg, tt.msg)
				}
				return
			}
			tok := res.want(t, 200).obj(t)
			if tok["token_type"] != "Bearer" || tok["scope"] != "read write follow" {
				t.Errorf("token = %v, want the app token's scopes", tok)
			}
			me := ts.me(t, str(t, tok, "access_token"))
			name := "bob"
			if v, ok := tt.body.(url.Values); ok {
				name = v.Get("username")
			}
			if me["username"] != name || me["acct"] != name {
				t.Errorf("registered %v, want %s", me["username"], name)
			}
		})
	}
	users := num(t, ts.get(t, "/api/v1/instance", "").want(t, 200).obj(t), "stats", "user_count")
	if users != 3 {
		t.Errorf("user_count = %d, want 3: failed sign-ups must store nothing", users)
	}
}

func TestRegistrationsClosed(t *testing.T) {
	t.Parallel()
	ts := newServer(t, func(c *config.Config) { c.Registrations = config.RegistrationsClosed })
	res := ts.call(t, "POST", "/api/v1/accounts", ts.clientToken(t, "write"), map[string]any{
		"username": "bob", "email": "bob@example.org", "password": "long enough pw", "agreement": true,
	})
	res.wantError(t, 403)
	if ts.get(t, "/api/v1/accounts/lookup?acct=bob", "").Status != 404 {
		t.Error("bob was registered while registrations are closed")
	}
	if field(t, ts.get(t, "/api/v2/instance", "").want(t, 200).obj(t), "registrations", "enabled") != false {
		t.Error("instance says registrations are enabled")
	}
}

func TestVerifyCredentials(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	ts.postStatus(t, alice, "one")
	me := ts.me(t, alice.Token)
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"username"}, "alice"},
		{[]string{"acct"}, "alice"},
		{[]string{"statuses_count"}, 1.0},
		{[]string{"followers_count"}, 0.0},
		{[]string{"source", "privacy"}, "public"},
		{[]string{"source", "language"}, "en"},
		{[]string{"source", "note"}, ""},
		{[]string{"source", "follow_requests_count"}, 0.0},
		{[]string{"role", "permissions"}, "0"},
		{[]string{"url"}, ts.URL + "/@alice"},
	}
	for _, c := range checks {
		if got := field(t, me, c.path...); got != c.want {
			t.Errorf("%v = %#v, want %#v", c.path, got, c.want)
		}
	}
	if _, ok := field(t, me, "role", "id").(string); !ok {
		t.Errorf("role.id = %v, want a string", me["role"])
	}
	ts.get(t, "/api/v1/accounts/verify_credentials", "").wantError(t, 401)
	// Another account's view carries no source.
	other := ts.get(t, "/api/v1/accounts/"+alice.ID, "").want(t, 200).obj(t)
	if other["source"] != nil || other["role"] != nil {
		t.Errorf("public account shows source or role: %v", other)
	}
}

func TestUpdateCredentials(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	tests := []struct {
		name  string
		body  any
		code  int
		check map[string]any // path joined by "." → want
	}{
		{"Arabic display name", map[string]any{"display_name": "  سارا ✨ "}, 200, map[string]any{"display_name": "سارا ✨"}},
		{"note as HTML", map[string]any{"note": "<b>hi</b> & bye\nline two https://example.org"}, 200, map[string]any{
			"note":        `<p>&lt;b&gt;hi&lt;/b&gt; &amp; bye<br />line two <a href="https://example.org" target="_blank" rel="nofollow noopener noreferrer">https://example.org</a></p>`,
			"source.note": "<b>hi</b> & bye\nline two https://example.org"}},
		{"locked", map[string]any{"locked": true}, 200, map[string]any{"locked": true, "display_name": "سارا ✨"}},
		{"unlocked by form", url.Values{"locked": {"0"}}, 200, map[string]any{"locked": false}},
		{"bot and language", url.Values{"bot": {"true"}, "source[language]": {"ar"}}, 200, map[string]any{"bot": true, "source.language": "ar"}},
		{"bad boolean", map[string]any{"locked": "maybe"}, 422, nil},
		{"display name too long", map[string]any{"display_name": strings.Repeat("ن", 31)}, 422, nil},
		{"note too long", map[string]any{"note": strings.Repeat("n", 501)}, 422, nil},
		{"30 letters fit", map[string]any{"display_name": strings.Repeat("ن", 30)}, 200, map[string]any{"display_name": strings.Repeat("ن", 30)}},
		{"avatar", url.Values{"avatar": {"x"}}, 422, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, tt.body)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			got := res.want(t, 200).obj(t)
			// Both the answer and a fresh read carry the change.
			for _, m := range []map[string]any{got, ts.me(t, alice.Token)} {
				for k, want := range tt.check {
					if v := field(t, m, strings.Split(k, ".")...); v != want {
						t.Errorf("%s = %#v, want %#v", k, v, want)
					}
				}
			}
		})
	}
	t.Run("multipart form, as the web client sends", func(t *testing.T) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("display_name", "رضا")
		_ = mw.WriteField("note", "سلام")
		_ = mw.Close()
		req := ts.request(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, nil)
		req.Body = nopCloser{&buf}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		got := ts.send(t, req).want(t, 200).obj(t)
		if got["display_name"] != "رضا" || got["note"] != "<p>سلام</p>" {
			t.Fatalf("display_name %v, note %v", got["display_name"], got["note"])
		}
	})
	t.Run("rejected changes store nothing", func(t *testing.T) {
		ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token, map[string]any{"display_name": "new", "locked": "maybe"}).wantError(t, 422)
		if me := ts.me(t, alice.Token); me["display_name"] != "رضا" {
			t.Fatalf("display_name = %v after a rejected update", me["display_name"])
		}
	})
	ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", "", map[string]any{"display_name": "x"}).wantError(t, 401)
}

type nopCloser struct{ *bytes.Buffer }

func (nopCloser) Close() error { return nil }

func TestGetAccount(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	ts.postStatus(t, alice, "hi")
	tests := []struct {
		name, id string
		code     int
	}{
		{"by id", alice.ID, 200},
		{"unknown", "123456789", 404},
		{"not a number", "alice", 404},
		{"zero", "0", 404},
		{"negative", "-1", 404},
		{"too large", "99999999999999999999999", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/accounts/"+tt.id, "")
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			ac := res.want(t, 200).obj(t)
			if ac["id"] != alice.ID || ac["username"] != "alice" || num(t, ac, "statuses_count") != 1 || ac["url"] != ts.URL+"/@alice" {
				t.Errorf("account = %v", ac)
			}
			if _, ok := ac["last_status_at"].(string); !ok {
				t.Errorf("last_status_at = %v, want a date", ac["last_status_at"])
			}
		})
	}
}

func TestLookup(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	domain := strings.TrimPrefix(ts.URL, "http://")
	tests := []struct {
		name, acct string
		code       int
	}{
		{"username", "alice", 200},
		{"other case", "Alice", 200},
		{"with @", "@alice", 200},
		{"with our domain", "alice@" + domain, 200},
		{"with @ and our domain", "@alice@" + domain, 200},
		{"another domain", "alice@example.org", 404},
		{"unknown", "nobody", 404},
		{"empty", "", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/accounts/lookup?acct="+url.QueryEscape(tt.acct), "")
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			if got := res.want(t, 200).obj(t); got["id"] != alice.ID {
				t.Fatalf("lookup found %v", got["id"])
			}
		})
	}
}

func TestAccountStatuses(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice, bob := ts.signUp(t, "alice"), ts.signUp(t, "bob")
	bobs := str(t, ts.postStatus(t, bob, "bob's post"), "id")
	first := str(t, ts.postStatus(t, alice, "first"), "id")
	thread := str(t, ts.postStatus(t, alice, "more of it", map[string]any{"in_reply_to_id": first}), "id")
	reply := str(t, ts.postStatus(t, alice, "@bob yes", map[string]any{"in_reply_to_id": bobs}), "id")
	reblog := str(t, ts.call(t, "POST", "/api/v1/statuses/"+bobs+"/reblog", alice.Token, nil).want(t, 200).obj(t), "id")
	base := "/api/v1/accounts/" + alice.ID + "/statuses"
	tests := []struct {
		name, query string
		want        []string
	}{
		{"all", "", []string{reblog, reply, thread, first}},
		{"exclude replies keeps threads", "?exclude_replies=true", []string{reblog, thread, first}},
		{"exclude reblogs", "?exclude_reblogs=1", []string{reply, thread, first}},
		{"both", "?exclude_replies=true&exclude_reblogs=true", []string{thread, first}},
		{"false is false", "?exclude_replies=false", []string{reblog, reply, thread, first}},
		{"pinned", "?pinned=true", nil},
		{"only media", "?only_media=true", nil},
		{"limit", "?limit=2", []string{reblog, reply}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantIDs(t, tt.query, ts.listIDs(t, base+tt.query, ""), tt.want...)
		})
	}
	t.Run("reblog carries the original", func(t *testing.T) {
		l := ts.get(t, base+"?limit=1", bob.Token).want(t, 200).list(t)
		if str(t, l[0], "reblog", "id") != bobs || boolean(t, l[0], "reblog", "reblogged") {
			t.Fatalf("reblog = %v", l[0]["reblog"])
		}
	})
	ts.get(t, "/api/v1/accounts/123/statuses", "").wantError(t, 404)
	ts.get(t, "/api/v1/accounts/123/statuses?pinned=true", "").wantError(t, 404)
	ts.get(t, "/api/v1/accounts/abc/statuses", "").wantError(t, 404)
	ts.get(t, base+"?exclude_replies=maybe", "").wantError(t, 422)
}
