package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// TestHeaders: every page carries the Content-Security-Policy (no inline
// script, nothing from another origin) and the other protective headers,
// and no page has an inline script or style.
func TestHeaders(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	st := s.postAs(t, "alice", `<script>alert(1)</script> "quoted" & 'single' javascript:alert(1)`, store.Public)
	alice.submit(t, "/settings", "/settings", url.Values{"display_name": {`<img src=x onerror=alert(1)>`}, "note": {`<script>bio</script>`}, "language": {""}})
	// Escaped user text has no '<', so every match of tagRE is real markup.
	tagRE := regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	inline := regexp.MustCompile(`^<script>|^<style|\sstyle=|\son[a-z]+=`)
	for _, path := range []string{"/", "/public", "/@alice", "/@alice/" + itoa(st.ID), "/login", "/signup", "/settings", "/notifications", "/nope"} {
		r := alice.get(t, path)
		h := r.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "http") {
			t.Errorf("%s: CSP %q allows inline code or another origin", path, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", path, k, h.Get(k), v)
			}
		}
		for _, tag := range tagRE.FindAllString(r.Body, -1) {
			names := regexp.MustCompile(`"[^"]*"`).ReplaceAllString(tag, `""`) // attribute names only
			if inline.MatchString(names) {
				t.Errorf("%s: inline script, style or handler: %s", path, tag)
			}
		}
		if strings.Count(r.Body, "<script") != strings.Count(r.Body, `<script src="/static/`) {
			t.Errorf("%s: a script that is not the site's file", path)
		}
		if !strings.HasPrefix(h.Get("Content-Type"), "text/html; charset=utf-8") {
			t.Errorf("%s: Content-Type %q", path, h.Get("Content-Type"))
		}
		// What the page loads (scripts, styles, icons) is all on this site;
		// links in posts may go anywhere, but nothing is fetched from there.
		for _, m := range regexp.MustCompile(`(?:<script src|<link [^>]*href|<img [^>]*src)="([^"]*)"`).FindAllStringSubmatch(r.Body, -1) {
			if !strings.HasPrefix(m[1], "/") || strings.HasPrefix(m[1], "//") {
				t.Errorf("%s: loads from elsewhere: %s", path, m[0])
			}
		}
	}
	// User text is escaped everywhere it shows.
	for _, path := range []string{"/@alice", "/@alice/" + itoa(st.ID), "/public"} {
		alice.get(t, path).lacks(t, "<script>alert", "<img src=x", "<script>bio").has(t, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}

// TestStatic: the stylesheet, script and icon are served under hashed
// names, cached for a year, gzipped; other names are not found.
func TestStatic(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	home := b.get(t, "/").want(t, http.StatusOK)
	refs := regexp.MustCompile(`(?:href|src)="(/static/[a-z]+\.[0-9a-f]{10}\.(?:css|js|svg))"`).FindAllStringSubmatch(home.Body, -1)
	if len(refs) != 3 {
		t.Fatalf("the page links %d hashed assets, want 3: %v", len(refs), refs)
	}
	for _, ref := range refs {
		r := b.get(t, ref[1]).want(t, http.StatusOK)
		if cc := r.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", ref[1], cc)
		}
		// The Go client asked for gzip and undid it; ask for it by hand.
		req, _ := http.NewRequest("GET", s.URL+ref[1], nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not gzipped", ref[1])
		} else if zr, err := gzip.NewReader(res.Body); err != nil {
			t.Errorf("%s: %v", ref[1], err)
		} else if body, _ := io.ReadAll(zr); string(body) != r.Body {
			t.Errorf("%s: the gzipped body differs", ref[1])
		}
		res.Body.Close()
		// A revalidation is answered with 304.
		req, _ = http.NewRequest("GET", s.URL+ref[1], nil)
		req.Header.Set("If-None-Match", r.Header.Get("ETag"))
		if r2 := b.do(t, req); r2.Status != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: %d", ref[1], r2.Status)
		}
	}
	b.get(t, "/static/app.0000000000.css").want(t, http.StatusNotFound)
	b.get(t, "/static/app.css").want(t, http.StatusNotFound)
	if r := b.get(t, "/favicon.ico"); r.Status != http.StatusMovedPermanently || !strings.HasPrefix(r.Header.Get("Location"), "/static/icon.") {
		t.Errorf("/favicon.ico: %d to %q", r.Status, r.Header.Get("Location"))
	}
	js := b.get(t, regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(home.Body)[1])
	if strings.Contains(js.Body, "// ") || !strings.Contains(js.Body, "window.sada = ") {
		t.Errorf("the served script is not minified as expected:\n%s", js.Body)
	}
}

// TestGzipPages: pages are gzipped for clients that ask, and not for others.
func TestGzipPages(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{{"gzip, deflate, br", true}, {"br", false}, {"", false}, {"gzip;q=0", false}} {
		req, _ := http.NewRequest("GET", s.URL+"/public", nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if got := res.Header.Get("Content-Encoding") == "gzip"; got != tc.gzip {
			t.Errorf("Accept-Encoding %q: gzipped = %v, want %v", tc.accept, got, tc.gzip)
		}
		if !strings.Contains(strings.Join(res.Header.Values("Vary"), ","), "Accept-Encoding") {
			t.Errorf("no Vary: Accept-Encoding")
		}
	}
}

// TestBadInput: nothing anyone can type into the address bar is a 500;
// everything is a readable page in the reader's language.
func TestBadInput(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	st := s.postAs(t, "alice", "x", store.Public)
	tests := []struct {
		path   string
		status int
	}{
		{"/nope", 404}, {"/@", 404}, {"/@/1", 404}, {"/alice", 404}, {"/alice/1", 404}, {"/@alice/abc", 404},
		{"/@alice/-1", 404}, {"/@alice/99999999999999999999", 404}, {"/@bob/" + itoa(st.ID), 404},
		{"/@alice/1", 404}, {"/@alice.atom.atom", 404}, {"/@%00", 404}, {"/tags/%ff", 404}, {"/tags/" + strings.Repeat("a", 5000), 200},
		{"/?max_id=1e9", 400}, {"/@alice?max_id=x", 400}, {"/notifications?max_id=0", 400},
		{"/p/abc/delete", 404}, {"/p/1/delete", 404}, {"/lang/", 404}, {"/settings/x", 404},
		{"/static/", 404}, {"/static/../web.go", 307}, {"/.well-known/x", 404},
	}
	for _, tc := range tests {
		r := alice.get(t, tc.path)
		if r.Status != tc.status {
			t.Errorf("GET %s: %d, want %d", tc.path, r.Status, tc.status)
		}
		if r.Status >= 400 && !strings.Contains(r.Body, `<section class="card">`) {
			t.Errorf("GET %s: not an error page:\n%s", tc.path, r.Body)
		}
	}
	alice.get(t, "/lang/ar?back=/")
	alice.get(t, "/nope").want(t, 404).has(t, `<html lang="ar" dir="rtl">`, "هذه الصفحة غير موجودة")

	// Forms with junk in them.
	tok := csrfRE.FindStringSubmatch(alice.get(t, "/").Body)[1]
	for _, f := range []url.Values{
		{"text": {"\x00bad"}}, {"text": {"ok"}, "visibility": {"everyone"}}, {"text": {"ok"}, "in_reply_to_id": {"0"}},
		{"text": {string([]byte{0xff, 0xfe})}},
	} {
		f.Set("csrf", tok)
		if r := alice.post(t, "/statuses", f); r.Status != 422 && r.Status != 400 {
			t.Errorf("POST /statuses %v: %d, want 400 or 422", f, r.Status)
		}
	}
	big := url.Values{"csrf": {tok}, "text": {strings.Repeat("x", 100<<10)}}
	alice.post(t, "/statuses", big).want(t, http.StatusBadRequest)
	// The API's routes still answer themselves.
	if r := alice.get(t, "/api/v1/whatever"); r.Body != `{"api":true}` {
		t.Errorf("/api/ is answered by the web: %s", r.Body)
	}
}
