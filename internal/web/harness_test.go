package web_test

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/sms/smstest"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/stream"
	"github.com/sada-project/sada/internal/web"
)

// site is the web interface mounted as `sada serve` mounts it, on a mux
// shared with other routes (here a stand-in for the API under /api/, so
// these tests do not depend on the API package), over real HTTP on a fresh
// SQLite file.
type site struct {
	*httptest.Server
	st  store.Store
	svc *social.Service
	// With SMS configured, sms runs with gw as its gateway (phone_test.go).
	sms *sms.Service
	gw  *smstest.Gateway
}

// newSite starts a site; change adjusts its config first.
func newSite(t *testing.T, change ...func(*config.Config)) *site {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Sync = "NORMAL"
	cfg.Title = "sada test"
	for _, c := range change {
		c(&cfg)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(cfg.DataDir, "sada.db"), sqlite.Options{Synchronous: cfg.Sync})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	s := &site{st: st}
	s.Server = httptest.NewServer(record(mux))
	cfg.Addr = s.Listener.Addr().String()
	cfg.Domain = cfg.Addr
	s.svc = social.New(st, cfg.Domain)
	var logw io.Writer = io.Discard
	if os.Getenv("DBG") != "" {
		logw = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logw, nil))
	w, err := web.New(cfg, st, s.svc, s.startSMS(t, cfg, log), log)
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"api":true}`))
	})
	w.Routes(mux)
	// The streaming hub, as sada serve wires it, for the "N new posts" bar.
	hub := stream.New(st, stream.NewLocal(), stream.Options{Log: log})
	s.svc.Events = social.With(s.svc.Events, hub)
	ctx, stopHub := context.WithCancel(context.Background())
	hubDone := make(chan struct{})
	go func() {
		defer close(hubDone)
		hub.Run(ctx)
	}()
	t.Cleanup(func() {
		stopHub() // ends every open stream, so closing the server does not wait for them
		<-hubDone
		s.Close()
		st.Close()
	})
	return s
}

// browser is one person's browser: it keeps cookies and, like a browser
// with scripts off, sees every redirect (it does not follow them itself).
type browser struct {
	s      *site
	client *http.Client
	// lang is sent as Accept-Language.
	lang string
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, lang: "en", client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is a finished request.
type response struct {
	Status int
	Header http.Header
	Body   string
	URL    string
}

func (b *browser) do(t *testing.T, req *http.Request) response {
	t.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	// Whatever a test sends, the pages must never fail with a server error.
	if res.StatusCode >= 500 {
		t.Errorf("%s %s: status %d; body: %s", req.Method, req.URL.RequestURI(), res.StatusCode, body)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body), URL: req.URL.RequestURI()}
}

// get fetches path.
func (b *browser) get(t *testing.T, path string) response {
	t.Helper()
	req, err := http.NewRequest("GET", b.s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.do(t, req)
}

// post sends form to path as a browser submits a form.
func (b *browser) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest("POST", b.s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.s.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(t, req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// submit loads page, as a person would before using a form on it, and
// posts form to action with the page's CSRF token and the page as "back".
func (b *browser) submit(t *testing.T, page, action string, form url.Values) response {
	t.Helper()
	p := b.get(t, page).want(t, http.StatusOK)
	if os.Getenv("DBG") != "" {
		fmt.Println(p.Body)
	}
	m := csrfRE.FindStringSubmatch(p.Body)
	if m == nil {
		t.Fatalf("%s has no CSRF token", page)
	}
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf", m[1])
	if !f.Has("back") {
		f.Set("back", page)
	}
	return b.post(t, action, f)
}

// want fails the test unless the status is code.
func (r response) want(t *testing.T, code int) response {
	t.Helper()
	if r.Status != code {
		t.Fatalf("%s: status %d, want %d; body:\n%s", r.URL, r.Status, code, r.Body)
	}
	return r
}

// wantRedirect fails the test unless r is a 303 to location.
func (r response) wantRedirect(t *testing.T, location string) response {
	t.Helper()
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != location {
		t.Fatalf("%s: status %d to %q, want 303 to %q; body:\n%s", r.URL, r.Status, r.Header.Get("Location"), location, r.Body)
	}
	return r
}

// has fails the test unless the body contains every one of parts.
func (r response) has(t *testing.T, parts ...string) response {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Errorf("%s: body lacks %q; body:\n%s", r.URL, p, r.Body)
		}
	}
	return r
}

// lacks fails the test if the body contains any of parts.
func (r response) lacks(t *testing.T, parts ...string) response {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(r.Body, p) {
			t.Errorf("%s: body has %q", r.URL, p)
		}
	}
	return r
}

const password = "correct horse battery"

// signUp creates name through the sign-up form and returns its browser,
// signed in.
func (s *site) signUp(t *testing.T, name string) *browser {
	t.Helper()
	b := s.browser()
	b.submit(t, "/signup", "/signup", url.Values{"username": {name}, "password": {password}}).wantRedirect(t, "/")
	return b
}

// account returns the stored account called name.
func (s *site) account(t *testing.T, name string) *store.Account {
	t.Helper()
	ac, err := s.st.AccountByUsername(t.Context(), name)
	if err != nil {
		t.Fatalf("account %s: %v", name, err)
	}
	return ac
}

// postAs posts text as name through the domain, for tests about reading.
func (s *site) postAs(t *testing.T, name, text string, vis store.Visibility) *store.Status {
	t.Helper()
	st, err := s.svc.Post(t.Context(), s.account(t, name), social.PostInput{Text: text, Visibility: vis})
	if err != nil {
		t.Fatalf("post by %s: %v", name, err)
	}
	return st
}

// compose posts text from the home page's form as a person does.
func (b *browser) compose(t *testing.T, text string) response {
	t.Helper()
	return b.submit(t, "/", "/statuses", url.Values{"text": {text}, "visibility": {"public"}})
}

// The route coverage check: every request any test makes is matched against
// the patterns of routes.go, and a full run fails if some route never gave
// a successful answer (or, for the catch-all, a 404 page).
var served = struct {
	sync.Mutex
	reqs []served1
}{}

type served1 struct {
	method, path string
	status       int
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		served.Lock()
		served.reqs = append(served.reqs, served1{r.Method, r.URL.Path, rec.status})
		served.Unlock()
	})
}

// routePatterns reads the patterns routes.go registers.
func routePatterns() ([]string, error) {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range regexp.MustCompile(`HandleFunc\("([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	return out, nil
}

// unservedRoutes lists the patterns no recorded request got a good answer from.
func unservedRoutes() ([]string, error) {
	routes, err := routePatterns()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, p := range routes {
		mux.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	ok := map[string]bool{}
	served.Lock()
	defer served.Unlock()
	for _, s := range served.reqs {
		req, err := http.NewRequest(s.method, "http://x"+s.path, nil)
		if err != nil {
			continue
		}
		_, pattern := mux.Handler(req)
		good := s.status < 400 || pattern == "/" && s.status == http.StatusNotFound
		ok[pattern] = ok[pattern] || good
	}
	var missing []string
	for _, p := range routes {
		if !ok[p] {
			missing = append(missing, p)
		}
	}
	slices.Sort(missing)
	return missing, nil
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" {
		missing, err := unservedRoutes()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: no test got a good answer from these routes of routes.go:\n  %v\n", missing)
			code = 1
		}
	}
	os.Exit(code)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// setDisplayName gives name a display name through the domain.
func setDisplayName(t *testing.T, s *site, name, display string) {
	t.Helper()
	if _, err := s.svc.UpdateProfile(t.Context(), s.account(t, name), social.Profile{DisplayName: &display}); err != nil {
		t.Fatal(err)
	}
}

// socialPostInput is social.PostInput, named shorter for the tests.
type socialPostInput = social.PostInput

// moreRE finds the "more" link of a page.
var moreRE = regexp.MustCompile(`<p class="more"><a href="([^"]+)">`)
