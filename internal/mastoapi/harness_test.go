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
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/config"
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
	ts.Server = httptest.NewUnstartedServer(mux)
	ts.Start()
	cfg.Addr = ts.Listener.Addr().String()
	cfg.Domain = cfg.Addr
	ts.svc = social.New(st, cfg.Domain)
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
	ID, Name, Token string
}

// signUp registers name through the API with an app token, as a client does.
func (ts *testServer) signUp(t *testing.T, name string) user {
	t.Helper()
	appTok := ts.clientToken(t, "read write follow")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	ts.call(t, "POST", "/api/v1/accounts", appTok, map[string]any{
		"username": name, "email": name + "@example.org", "password": "password-" + name, "agreement": true, "locale": "en",
	}).want(t, 200).decode(t, &tok)
	me := ts.call(t, "GET", "/api/v1/accounts/verify_credentials", tok.AccessToken, nil).want(t, 200).obj(t)
	return user{ID: me["id"].(string), Name: name, Token: tok.AccessToken}
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
