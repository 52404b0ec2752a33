package mastoapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// testServer is sada's API over real HTTP on a fresh SQLite file.
type testServer struct {
	*httptest.Server
	st     store.Store
	svc    *social.Service
	client *http.Client
	app    appCreds
}

type appCreds struct{ ID, Secret string }

// newServer starts an API server; change adjusts its config first.
func newServer(t *testing.T, change ...func(*config.Config)) *testServer {
	t.Helper()
	return newServerWith(t, nil, change...)
}

// newServerWith is newServer with the social service's policy adjusted by
// policy (when not nil) before the server serves anything.
func newServerWith(t *testing.T, policy func(*social.Service), change ...func(*config.Config)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Sync = "NORMAL"
	for _, c := range change {
		c(&cfg)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(cfg.DataDir, "sada.db"), sqlite.Options{Synchronous: cfg.Sync})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ts := &testServer{st: st}
	ts.Server = httptest.NewUnstartedServer(recordRoutes(mux))
	ts.Start()
	cfg.Addr = ts.Listener.Addr().String()
	cfg.Domain = cfg.Addr
	ts.svc = social.New(st, cfg.Domain)
	if policy != nil {
		policy(ts.svc)
	}
	mastoapi.New(cfg, st, ts.svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Routes(mux)
	ts.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	t.Cleanup(func() {
		ts.Close()
		st.Close()
	})
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	res := ts.call(t, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow push",
	})
	res.want(t, 200).decode(t, &app)
	ts.app = appCreds{app.ClientID, app.ClientSecret}
	return ts
}

// response is a finished request.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// call sends body as JSON (a map or struct), as url.Values form, or as raw
// bytes with the JSON content type; token "" sends none.
func (ts *testServer) call(t *testing.T, method, path, token string, body any) response {
	t.Helper()
	return ts.send(t, ts.request(t, method, path, token, body))
}

// request builds a request as call sends it.
func (ts *testServer) request(t *testing.T, method, path, token string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func (ts *testServer) send(t *testing.T, req *http.Request) response {
	t.Helper()
	res, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	// Whatever a test sends, sada must never fail with a server error.
	if res.StatusCode >= 500 {
		t.Errorf("%s %s: status %d; body: %s", req.Method, req.URL.RequestURI(), res.StatusCode, b)
	}
	return response{res.StatusCode, res.Header, b}
}

// want fails the test unless the status is one of codes.
func (r response) want(t *testing.T, code int) response {
	t.Helper()
	if r.Status != code {
		t.Fatalf("status %d, want %d; body: %s", r.Status, code, r.Body)
	}
	return r
}

// wantError checks an error response: the status and a JSON "error".
func (r response) wantError(t *testing.T, code int) string {
	t.Helper()
	r.want(t, code)
	var e struct{ Error string }
	if err := json.Unmarshal(r.Body, &e); err != nil || e.Error == "" {
		t.Fatalf("error body %q is not {\"error\": ...}", r.Body)
	}
	return e.Error
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// obj decodes a JSON object.
func (r response) obj(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	r.decode(t, &m)
	return m
}

// list decodes a JSON array of objects.
func (r response) list(t *testing.T) []map[string]any {
	t.Helper()
	var l []map[string]any
	r.decode(t, &l)
	return l
}

// user is a signed-up account with a token holding every scope.
type user struct {
	ID, Name, Token, Password string
}

// signUp registers name through the API with an app token, as a client does.
func (ts *testServer) signUp(t *testing.T, name string) user {
	t.Helper()
	appTok := ts.clientToken(t, "read write follow")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	pw := "password-" + name
	ts.call(t, "POST", "/api/v1/accounts", appTok, map[string]any{
		"username": name, "email": name + "@example.org", "password": pw, "agreement": true, "locale": "en",
	}).want(t, 200).decode(t, &tok)
	me := ts.call(t, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil).want(t, 200).obj(t)
	return user{ID: me["id"].(string), Name: name, Token: tok.AccessToken, Password: pw}
}

// clientToken gets an app-only token by client_credentials.
func (ts *testServer) clientToken(t *testing.T, scope string) string {
	t.Helper()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	ts.call(t, "POST", "/oauth/token", "", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {ts.app.ID}, "client_secret": {ts.app.Secret}, "scope": {scope},
	}).want(t, 200).decode(t, &tok)
	return tok.AccessToken
}

// postStatus posts text (with optional extra fields) and returns the status.
func (ts *testServer) postStatus(t *testing.T, u user, text string, extra ...map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"status": text}
	for _, e := range extra {
		for k, v := range e {
			body[k] = v
		}
	}
	return ts.call(t, "POST", "/api/v1/statuses", u.Token, body).want(t, 200).obj(t)
}

// ids returns the "id" of each object.
func ids(l []map[string]any) []string {
	out := []string{}
	for _, m := range l {
		out = append(out, m["id"].(string))
	}
	return out
}

// get is call for a GET.
func (ts *testServer) get(t *testing.T, path, token string) response {
	t.Helper()
	return ts.call(t, "GET", path, token, nil)
}

// newApp registers an OAuth client with scopes and redirect URIs (the oob
// one when none is given).
func (ts *testServer) newApp(t *testing.T, scopes string, redirects ...string) appCreds {
	t.Helper()
	if len(redirects) == 0 {
		redirects = []string{"urn:ietf:wg:oauth:2.0:oob"}
	}
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	ts.call(t, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "app", "redirect_uris": strings.Join(redirects, "\n"), "scopes": scopes,
	}).want(t, 200).decode(t, &app)
	return appCreds{app.ClientID, app.ClientSecret}
}

// passwordGrant asks /oauth/token for a user token by password.
func (ts *testServer) passwordGrant(t *testing.T, app appCreds, login, password, scope string) response {
	t.Helper()
	return ts.call(t, "POST", "/oauth/token", "", url.Values{
		"grant_type": {"password"}, "client_id": {app.ID}, "client_secret": {app.Secret},
		"username": {login}, "password": {password}, "scope": {scope},
	})
}

// passwordToken is passwordGrant that must succeed; it returns the token.
func (ts *testServer) passwordToken(t *testing.T, app appCreds, login, password, scope string) string {
	t.Helper()
	return str(t, ts.passwordGrant(t, app, login, password, scope).want(t, 200).obj(t), "access_token")
}

// follow makes from follow to and returns the relationship.
func (ts *testServer) follow(t *testing.T, from, to user) map[string]any {
	t.Helper()
	return ts.call(t, "POST", "/api/v1/accounts/"+to.ID+"/follow", from.Token, nil).want(t, 200).obj(t)
}

// listIDs returns the ids in the list at path.
func (ts *testServer) listIDs(t *testing.T, path, token string) []string {
	t.Helper()
	return ids(ts.get(t, path, token).want(t, 200).list(t))
}

// me returns token's own account.
func (ts *testServer) me(t *testing.T, token string) map[string]any {
	t.Helper()
	return ts.get(t, "/api/v1/accounts/verify_credentials", token).want(t, 200).obj(t)
}

// wantIDs fails unless got lists exactly want, in order.
func wantIDs(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(want) == 0 && len(got) == 0 {
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s ids (-want +got):\n%s", what, diff)
	}
}

// field walks nested objects: field(t, st, "account", "username").
func field(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%v: %q is not inside an object", path, k)
		}
		if v, ok = o[k]; !ok {
			t.Fatalf("%v: no %q in %v", path, k, o)
		}
	}
	return v
}

// str is field for a string.
func str(t *testing.T, m map[string]any, path ...string) string {
	t.Helper()
	s, ok := field(t, m, path...).(string)
	if !ok {
		t.Fatalf("%v = %v, not a string", path, field(t, m, path...))
	}
	return s
}

// num is field for a number.
func num(t *testing.T, m map[string]any, path ...string) int {
	t.Helper()
	n, ok := field(t, m, path...).(float64)
	if !ok {
		t.Fatalf("%v = %v, not a number", path, field(t, m, path...))
	}
	return int(n)
}

// boolean is field for a boolean.
func boolean(t *testing.T, m map[string]any, path ...string) bool {
	t.Helper()
	b, ok := field(t, m, path...).(bool)
	if !ok {
		t.Fatalf("%v = %v, not a boolean", path, field(t, m, path...))
	}
	return b
}

var linkRE = regexp.MustCompile(`^<([^>]+)>; rel="next", <([^>]+)>; rel="prev"$`)

// links checks that r has Mastodon's Link header, next before prev, and
// returns both URLs as paths on the test server.
func (ts *testServer) links(t *testing.T, r response) (next, prev string) {
	t.Helper()
	m := linkRE.FindStringSubmatch(r.Header.Get("Link"))
	if m == nil {
		t.Fatalf("Link %q is not `<…>; rel=\"next\", <…>; rel=\"prev\"`", r.Header.Get("Link"))
	}
	for _, u := range m[1:] {
		if !strings.HasPrefix(u, ts.URL+"/") {
			t.Fatalf("Link URL %q is not on %s", u, ts.URL)
		}
	}
	return strings.TrimPrefix(m[1], ts.URL), strings.TrimPrefix(m[2], ts.URL)
}

// token stores a token for u with scopes straight into the store: a quick
// way to many tokens for tests about scopes (the OAuth tests get theirs
// the real way).
func (ts *testServer) token(t *testing.T, u user, scopes string) string {
	t.Helper()
	ctx := context.Background()
	app, err := ts.st.AppByClientID(ctx, ts.app.ID)
	if err != nil {
		t.Fatal(err)
	}
	aid, err := strconv.ParseInt(u.ID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	tok := "test-" + strconv.FormatInt(id.New(), 36)
	err = ts.st.CreateToken(ctx, &store.Token{
		ID: id.New(), TokenHash: mastoapi.HashToken(tok), AppID: app.ID, AccountID: aid,
		Scopes: strings.Fields(scopes), CreatedAt: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}
