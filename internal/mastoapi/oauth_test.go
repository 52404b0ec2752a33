package mastoapi_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestCreateApp(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	tests := []struct {
		name string
		body any
		code int
		want map[string]any // fields of the answer, when 200
	}{
		{"json", map[string]any{"client_name": "Tusky", "redirect_uris": "https://app.example/cb", "scopes": "read write follow", "website": "https://tusky.app"},
			200, map[string]any{"name": "Tusky", "redirect_uri": "https://app.example/cb", "website": "https://tusky.app"}},
		{"form", url.Values{"client_name": {"toot"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read"}},
			200, map[string]any{"name": "toot", "redirect_uri": "urn:ietf:wg:oauth:2.0:oob", "website": nil}},
		{"several redirect URIs", map[string]any{"client_name": "x", "redirect_uris": "https://a.example/cb\nurn:ietf:wg:oauth:2.0:oob"},
			200, map[string]any{"redirect_uri": "https://a.example/cb\nurn:ietf:wg:oauth:2.0:oob"}},
		{"redirect URIs as an array", map[string]any{"client_name": "x", "redirect_uris": []string{"https://a.example/cb", "app://cb"}},
			200, map[string]any{"redirect_uri": "https://a.example/cb\napp://cb"}},
		{"missing name", map[string]any{"redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, 422, nil},
		{"blank name", map[string]any{"client_name": "  ", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, 422, nil},
		{"name too long", map[string]any{"client_name": strings.Repeat("n", 201), "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, 422, nil},
		{"unknown scope", map[string]any{"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read admin:write"}, 422, nil},
		{"missing redirect", map[string]any{"client_name": "x"}, 422, nil},
		{"relative redirect", map[string]any{"client_name": "x", "redirect_uris": "/callback"}, 422, nil},
		{"redirect with fragment", map[string]any{"client_name": "x", "redirect_uris": "https://a.example/cb#frag"}, 422, nil},
		{"script redirect", map[string]any{"client_name": "x", "redirect_uris": "javascript:alert(1)"}, 422, nil},
		{"bad website", map[string]any{"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "website": "ftp://x.example"}, 422, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.call(t, "POST", "/api/v1/apps", "", tt.body)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			app := res.want(t, 200).obj(t)
			for k, v := range tt.want {
				if app[k] != v {
					t.Errorf("%s = %#v, want %#v", k, app[k], v)
				}
			}
			if str(t, app, "client_id") == "" || str(t, app, "client_secret") == "" || str(t, app, "id") == "" {
				t.Errorf("app lacks credentials: %v", app)
			}
			if uris := field(t, app, "redirect_uris").([]any); len(uris) != strings.Count(str(t, app, "redirect_uri"), "\n")+1 {
				t.Errorf("redirect_uris = %v, redirect_uri = %q", uris, app["redirect_uri"])
			}
		})
	}
	t.Run("scopes default to read", func(t *testing.T) {
		app := ts.call(t, "POST", "/api/v1/apps", "", map[string]any{"client_name": "x", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}).want(t, 200).obj(t)
		if got := field(t, app, "scopes"); !slices.Equal(toStrings(got), []string{"read"}) {
			t.Errorf("scopes = %v, want [read]", got)
		}
	})
}

func toStrings(v any) []string {
	var out []string
	for _, e := range v.([]any) {
		out = append(out, e.(string))
	}
	return out
}

func TestVerifyApp(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	tests := []struct {
		name, token string
		code        int
	}{
		{"app token", ts.clientToken(t, "read"), 200},
		{"user token", alice.Token, 200},
		{"no token", "", 401},
		{"invalid token", "not-a-token", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.get(t, "/api/v1/apps/verify_credentials", tt.token)
			if tt.code != 200 {
				res.wantError(t, tt.code)
				return
			}
			app := res.want(t, 200).obj(t)
			if app["name"] != "tests" || app["client_secret"] != nil || app["client_id"] != nil {
				t.Errorf("app = %v, want the name and no credentials", app)
			}
		})
	}
}

// tokenCase is a request to /oauth/token and what it must answer.
type tokenCase struct {
	name      string
	body      url.Values
	basic     *appCreds // client authentication by HTTP Basic
	code      int
	errorCode string // OAuth "error", for failures
	scope     string // "scope" of the answer, for successes
}

// checkToken runs one tokenCase; a successful token must work.
func (ts *testServer) checkToken(t *testing.T, tt tokenCase) string {
	t.Helper()
	req := ts.request(t, "POST", "/oauth/token", "", tt.body)
	if tt.basic != nil {
		req.SetBasicAuth(tt.basic.ID, tt.basic.Secret)
	}
	res := ts.send(t, req)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || res.Header.Get("Location") != "" {
		t.Fatalf("token endpoint answered %d %q, Location %q; want JSON and no redirect", res.Status, ct, res.Header.Get("Location"))
	}
	if tt.code != 200 {
		if got := res.wantError(t, tt.code); got != tt.errorCode {
			t.Fatalf("error = %q, want %q; body %s", got, tt.errorCode, res.Body)
		}
		if desc := str(t, res.obj(t), "error_description"); desc == "" {
			t.Errorf("no error_description in %s", res.Body)
		}
		return ""
	}
	tok := res.want(t, 200).obj(t)
	if tok["token_type"] != "Bearer" || tok["scope"] != tt.scope || num(t, tok, "created_at") == 0 {
		t.Fatalf("token = %v, want a Bearer token with scope %q", tok, tt.scope)
	}
	return str(t, tok, "access_token")
}

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	readOnly := ts.newApp(t, "read")
	grant := func(login, password, scope string) url.Values {
		return url.Values{"grant_type": {"password"}, "client_id": {ts.app.ID}, "client_secret": {ts.app.Secret},
			"username": {login}, "password": {password}, "scope": {scope}}
	}
	with := func(v url.Values, k, val string) url.Values {
		c := url.Values{}
		for key, vs := range v {
			c[key] = vs
		}
		if val == "" {
			c.Del(k)
		} else {
			c.Set(k, val)
		}
		return c
	}
	tests := []tokenCase{
		{name: "username", body: grant("alice", alice.Password, "read"), code: 200, scope: "read"},
		{name: "username in other case", body: grant("ALICE", alice.Password, "read"), code: 200, scope: "read"},
		{name: "email as username", body: grant("alice@example.org", alice.Password, "read write"), code: 200, scope: "read write"},
		{name: "scope echoes every scope", body: grant("alice", alice.Password, "read write follow push"), code: 200, scope: "read write follow push"},
		{name: "granular scopes", body: grant("alice", alice.Password, "read:accounts write:favourites"), code: 200, scope: "read:accounts write:favourites"},
		{name: "no scope means read", body: with(grant("alice", alice.Password, ""), "scope", ""), code: 200, scope: "read"},
		{name: "basic client auth", body: with(with(grant("alice", alice.Password, "read"), "client_id", ""), "client_secret", ""),
			basic: &ts.app, code: 200, scope: "read"},
		{name: "wrong password", body: grant("alice", "wrong-password", "read"), code: 400, errorCode: "invalid_grant"},
		{name: "unknown user", body: grant("nobody", "whatever-pw", "read"), code: 400, errorCode: "invalid_grant"},
		{name: "no password", body: with(grant("alice", alice.Password, "read"), "password", ""), code: 400, errorCode: "invalid_grant"},
		{name: "scope not registered for the app", body: with(with(grant("alice", alice.Password, "read write"), "client_id", readOnly.ID), "client_secret", readOnly.Secret),
			code: 400, errorCode: "invalid_scope"},
		{name: "unknown scope", body: grant("alice", alice.Password, "read admin:read"), code: 400, errorCode: "invalid_scope"},
		{name: "unknown grant type", body: with(grant("alice", alice.Password, "read"), "grant_type", "magic"), code: 400, errorCode: "unsupported_grant_type"},
		{name: "no grant type", body: with(grant("alice", alice.Password, "read"), "grant_type", ""), code: 400, errorCode: "unsupported_grant_type"},
		{name: "wrong client secret", body: with(grant("alice", alice.Password, "read"), "client_secret", "nope"), code: 401, errorCode: "invalid_client"},
		{name: "no client secret", body: with(grant("alice", alice.Password, "read"), "client_secret", ""), code: 401, errorCode: "invalid_client"},
		{name: "unknown client", body: with(grant("alice", alice.Password, "read"), "client_id", "nope"), code: 401, errorCode: "invalid_client"},
		{name: "no client", body: url.Values{"grant_type": {"password"}}, code: 401, errorCode: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok := ts.checkToken(t, tt)
			if tok != "" {
				if me := ts.me(t, tok); me["id"] != alice.ID {
					t.Fatalf("token acts for %v, want alice", me["id"])
				}
			}
		})
	}
	t.Run("json body", func(t *testing.T) {
		res := ts.call(t, "POST", "/oauth/token", "", map[string]any{
			"grant_type": "password", "client_id": ts.app.ID, "client_secret": ts.app.Secret,
			"username": "alice", "password": alice.Password, "scope": "read",
		})
		if res.want(t, 200).obj(t)["scope"] != "read" {
			t.Fatalf("token = %s", res.Body)
		}
	})
	t.Run("malformed body", func(t *testing.T) {
		res := ts.call(t, "POST", "/oauth/token", "", []byte(`{"grant_type":`))
		if got := res.wantError(t, 400); got != "invalid_request" {
			t.Fatalf("error = %q, want invalid_request", got)
		}
	})
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	ts.postStatus(t, alice, "hello")
	readOnly := ts.newApp(t, "read")
	cc := func(app appCreds, scope string) url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ID}, "client_secret": {app.Secret}, "scope": {scope}}
	}
	tests := []tokenCase{
		{name: "scopes echoed", body: cc(ts.app, "read write"), code: 200, scope: "read write"},
		{name: "default read", body: cc(readOnly, ""), code: 200, scope: "read"},
		{name: "scope not registered", body: cc(readOnly, "write"), code: 400, errorCode: "invalid_scope"},
		{name: "wrong secret", body: cc(appCreds{ts.app.ID, "x"}, "read"), code: 401, errorCode: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { ts.checkToken(t, tt) })
	}
	t.Run("app token reads but acts for nobody", func(t *testing.T) {
		tok := ts.clientToken(t, "read write")
		if n := len(ts.get(t, "/api/v1/timelines/public", tok).want(t, 200).list(t)); n != 1 {
			t.Errorf("public timeline has %d statuses, want 1", n)
		}
		ts.get(t, "/api/v1/accounts/verify_credentials", tok).wantError(t, 422)
		ts.call(t, "POST", "/api/v1/statuses", tok, map[string]any{"status": "who am I"}).wantError(t, 422)
	})
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	tok := ts.passwordToken(t, ts.app, "alice", alice.Password, "read")
	ts.me(t, tok)

	other := ts.newApp(t, "read")
	for _, client := range []appCreds{{other.ID, "wrong"}, other} {
		res := ts.call(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {client.ID}, "client_secret": {client.Secret}, "token": {tok}})
		if got := res.wantError(t, 403); got != "unauthorized_client" {
			t.Errorf("error = %q", got)
		}
	}
	ts.me(t, tok) // still works: only its own client may revoke it

	ts.call(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {ts.app.ID}, "client_secret": {ts.app.Secret}, "token": {tok}}).want(t, 200)
	ts.get(t, "/api/v1/accounts/verify_credentials", tok).wantError(t, 401)
	ts.get(t, "/api/v1/timelines/public", tok).wantError(t, 401) // a dead token is not treated as anonymous
	ts.me(t, alice.Token)                                        // other tokens live on

	// Revoking again, or an unknown token, is not an error (RFC 7009).
	ts.call(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {ts.app.ID}, "client_secret": {ts.app.Secret}, "token": {tok}}).want(t, 200)
	ts.call(t, "POST", "/oauth/revoke", "", url.Values{"client_id": {other.ID}, "client_secret": {other.Secret}, "token": {"made-up"}}).want(t, 200)
}

func TestWellKnown(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	m := ts.get(t, "/.well-known/oauth-authorization-server", "").want(t, 200).obj(t)
	for _, g := range []string{"authorization_code", "password", "client_credentials"} {
		if !slices.Contains(toStrings(m["grant_types_supported"]), g) {
			t.Errorf("grant_types_supported = %v lacks %s", m["grant_types_supported"], g)
		}
	}
	for k, want := range map[string][]string{
		"code_challenge_methods_supported": {"S256"},
		"response_types_supported":         {"code"},
		"response_modes_supported":         {"query"}, // the only one /oauth/authorize answers with
	} {
		if got := toStrings(m[k]); !slices.Equal(got, want) {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	for k, path := range map[string]string{
		"token_endpoint": "/oauth/token", "authorization_endpoint": "/oauth/authorize",
		"revocation_endpoint": "/oauth/revoke", "app_registration_endpoint": "/api/v1/apps",
	} {
		if m[k] != ts.URL+path {
			t.Errorf("%s = %v, want %s", k, m[k], ts.URL+path)
		}
	}
}

// The authorization code flow, through the HTML form a person sees.

var (
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	inputRE  = regexp.MustCompile(`<input id="([^"]+)" name="([^"]+)"`)
	codeRE   = regexp.MustCompile(`<code>([^<]+)</code>`)
)

// authorizeForm opens /oauth/authorize with q and returns the form's hidden
// fields, the CSRF cookie and the page.
func (ts *testServer) authorizeForm(t *testing.T, q url.Values) (url.Values, *http.Cookie, string) {
	t.Helper()
	res := ts.get(t, "/oauth/authorize?"+q.Encode(), "").want(t, 200)
	page := string(res.Body)
	form := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	var csrf *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "sada_oauth_csrf" {
			csrf = c
		}
	}
	if csrf == nil || !csrf.HttpOnly || form.Get("csrf") != csrf.Value {
		t.Fatalf("want an HttpOnly CSRF cookie matching the form's field; cookie %v, form %v", csrf, form)
	}
	return form, csrf, page
}

// submit posts the authorize form as a browser would.
func (ts *testServer) submit(t *testing.T, form url.Values, csrf *http.Cookie, extra map[string]string) response {
	t.Helper()
	v := url.Values{}
	for k, vs := range form {
		v[k] = vs
	}
	for k, e := range extra {
		v.Set(k, e)
	}
	req := ts.request(t, "POST", "/oauth/authorize", "", v)
	if csrf != nil {
		req.AddCookie(csrf)
	}
	return ts.send(t, req)
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestAuthorizationCode(t *testing.T) {
	t.Parallel()
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	const cb = "https://app.example/callback"
	app := ts.newApp(t, "read write", cb, "urn:ietf:wg:oauth:2.0:oob")
	verifier := "a-verifier-of-at-least-forty-three-characters-long-0123"
	ask := func(redirect string, withPKCE bool) url.Values {
		q := url.Values{"response_type": {"code"}, "client_id": {app.ID}, "redirect_uri": {redirect}, "scope": {"read write"}, "state": {"st&te 1"}}
		if withPKCE {
			q.Set("code_challenge", pkce(verifier))
			q.Set("code_challenge_method", "S256")
		}
		return q
	}
	approve := map[string]string{"username": "alice", "password": alice.Password, "decision": "approve"}
	// codeFor signs in through the form and returns the code from the redirect.
	codeFor := func(t *testing.T, withPKCE bool) string {
		t.Helper()
		form, csrf, _ := ts.authorizeForm(t, ask(cb, withPKCE))
		res := ts.submit(t, form, csrf, approve).want(t, 302)
		loc, err := url.Parse(res.Header.Get("Location"))
		if err != nil || loc.Scheme+"://"+loc.Host+loc.Path != cb {
			t.Fatalf("redirected to %q, want %s", res.Header.Get("Location"), cb)
		}
		if loc.Query().Get("state") != "st&te 1" || loc.Query().Get("code") == "" {
			t.Fatalf("redirect %q lacks the code or the state", loc)
		}
		return loc.Query().Get("code")
	}
	exchange := func(code string, more url.Values) url.Values {
		v := url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ID}, "code": {code}, "redirect_uri": {cb}}
		for k, vs := range more {
			v[k] = vs
		}
		return v
	}

	t.Run("the form works without JavaScript", func(t *testing.T) {
		_, _, page := ts.authorizeForm(t, ask(cb, true))
		for _, want := range []string{`<form method="post" action="/oauth/authorize">`, `type="submit"`, `value="approve"`, `value="deny"`, `type="password"`} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %s", want)
			}
		}
		if strings.Contains(strings.ToLower(page), "<script") {
			t.Error("page has a script")
		}
		inputs := inputRE.FindAllStringSubmatch(page, -1)
		if len(inputs) != 2 {
			t.Fatalf("found %d visible inputs, want username and password", len(inputs))
		}
		for _, in := range inputs {
			if !strings.Contains(page, `<label for="`+in[1]+`">`) {
				t.Errorf("input %s has no label", in[1])
			}
		}
	})

	t.Run("the app's name is text", func(t *testing.T) {
		res := ts.call(t, "POST", "/api/v1/apps", "", map[string]any{
			"client_name": `<script>alert("x")</script>`, "redirect_uris": cb, "scopes": "read",
		}).want(t, 200)
		q := url.Values{"response_type": {"code"}, "client_id": {str(t, res.obj(t), "client_id")}, "redirect_uri": {cb}}
		_, _, page := ts.authorizeForm(t, q)
		if strings.Contains(page, "<script") || !strings.Contains(page, "&lt;script&gt;") {
			t.Fatalf("the app's name reached the page as markup: %s", page)
		}
	})
	t.Run("PKCE", func(t *testing.T) {
		code := codeFor(t, true)
		tok := ts.checkToken(t, tokenCase{body: exchange(code, url.Values{"code_verifier": {verifier}}), code: 200, scope: "read write"})
		if me := ts.me(t, tok); me["username"] != "alice" {
			t.Fatalf("token acts for %v", me["username"])
		}
		// A code works once.
		ts.checkToken(t, tokenCase{body: exchange(code, url.Values{"code_verifier": {verifier}}), code: 400, errorCode: "invalid_grant"})
	})
	t.Run("wrong verifier", func(t *testing.T) {
		code := codeFor(t, true)
		ts.checkToken(t, tokenCase{body: exchange(code, url.Values{"code_verifier": {verifier + "x"}}), code: 400, errorCode: "invalid_grant"})
		ts.checkToken(t, tokenCase{body: exchange(codeFor(t, true), nil), code: 400, errorCode: "invalid_grant"})
	})
	t.Run("without PKCE the secret is needed", func(t *testing.T) {
		ts.checkToken(t, tokenCase{body: exchange(codeFor(t, false), nil), code: 400, errorCode: "invalid_client"})
		ts.checkToken(t, tokenCase{body: exchange(codeFor(t, false), url.Values{"client_secret": {app.Secret}}), code: 200, scope: "read write"})
	})
	t.Run("code bound to its redirect URI and app", func(t *testing.T) {
		ts.checkToken(t, tokenCase{body: exchange(codeFor(t, false), url.Values{"client_secret": {app.Secret}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}}),
			code: 400, errorCode: "invalid_grant"})
		ts.checkToken(t, tokenCase{body: exchange(codeFor(t, false), url.Values{"client_id": {ts.app.ID}, "client_secret": {ts.app.Secret}}),
			code: 400, errorCode: "invalid_grant"})
	})
	t.Run("unknown code", func(t *testing.T) {
		ts.checkToken(t, tokenCase{body: exchange("made-up", url.Values{"client_secret": {app.Secret}}), code: 400, errorCode: "invalid_grant"})
	})
	t.Run("oob shows the code", func(t *testing.T) {
		form, csrf, _ := ts.authorizeForm(t, ask("urn:ietf:wg:oauth:2.0:oob", false))
		res := ts.submit(t, form, csrf, approve).want(t, 200)
		m := codeRE.FindStringSubmatch(string(res.Body))
		if m == nil {
			t.Fatalf("page shows no code: %s", res.Body)
		}
		ts.checkToken(t, tokenCase{body: url.Values{"grant_type": {"authorization_code"}, "client_id": {app.ID}, "client_secret": {app.Secret},
			"code": {m[1]}, "redirect_uri": {"urn:ietf:wg:oauth:2.0:oob"}}, code: 200, scope: "read write"})
	})
	t.Run("sign in with e-mail", func(t *testing.T) {
		form, csrf, _ := ts.authorizeForm(t, ask(cb, false))
		ts.submit(t, form, csrf, map[string]string{"username": "alice@example.org", "password": alice.Password}).want(t, 302)
	})
	t.Run("wrong password shows the form again", func(t *testing.T) {
		form, csrf, _ := ts.authorizeForm(t, ask(cb, false))
		res := ts.submit(t, form, csrf, map[string]string{"username": "alice", "password": "wrong-password"}).want(t, 401)
		page := string(res.Body)
		if res.Header.Get("Location") != "" || !strings.Contains(page, `role="alert"`) || !strings.Contains(page, `value="alice"`) ||
			!strings.Contains(page, `action="/oauth/authorize"`) {
			t.Fatalf("want the form again with an alert and the username kept; got %s", page)
		}
		// The form shown again still works.
		again := url.Values{}
		for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
			again.Set(m[1], html.UnescapeString(m[2]))
		}
		ts.submit(t, again, csrf, approve).want(t, 302)
	})
	t.Run("csrf", func(t *testing.T) {
		form, csrf, _ := ts.authorizeForm(t, ask(cb, false))
		ts.submit(t, form, nil, approve).want(t, 403)
		ts.submit(t, form, csrf, map[string]string{"csrf": "forged", "username": "alice", "password": alice.Password}).want(t, 403)
		forged := *csrf
		forged.Value = "forged"
		res := ts.submit(t, form, &forged, approve).want(t, 403)
		if res.Header.Get("Location") != "" {
			t.Fatal("a rejected form redirected")
		}
	})
	t.Run("deny", func(t *testing.T) {
		form, csrf, _ := ts.authorizeForm(t, ask(cb, false))
		res := ts.submit(t, form, csrf, map[string]string{"decision": "deny"}).want(t, 302)
		loc, _ := url.Parse(res.Header.Get("Location"))
		if loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "st&te 1" || loc.Query().Get("code") != "" {
			t.Fatalf("deny redirected to %s", loc)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		tests := []struct {
			name, key, value string
		}{
			{"unknown client", "client_id", "nope"},
			{"unregistered redirect", "redirect_uri", "https://evil.example/cb"},
			{"unregistered scope", "scope", "read follow"},
			{"response type", "response_type", "token"},
			{"challenge method", "code_challenge_method", "plain"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := ask(cb, true)
				q.Set(tt.key, tt.value)
				res := ts.get(t, "/oauth/authorize?"+q.Encode(), "").want(t, 400)
				if res.Header.Get("Location") != "" || strings.Contains(string(res.Body), "<form") {
					t.Fatalf("a bad request must not redirect or show the form: %s", res.Body)
				}
			})
		}
	})
}
