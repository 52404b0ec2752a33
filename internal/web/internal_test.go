package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// TestCatalogues: the three catalogues have the same keys with the same
// placeholders, and every key the templates and the code name exists.
func TestCatalogues(t *testing.T) {
	en := locales["en"]
	placeholders := regexp.MustCompile(`\{[a-z]+\}`)
	for _, lang := range langs {
		l := locales[lang]
		if got, want := slices.Sorted(maps.Keys(l.msgs)), slices.Sorted(maps.Keys(en.msgs)); !slices.Equal(got, want) {
			t.Errorf("%s: keys differ from en's:\n%v\n%v", lang, got, want)
		}
		for k, v := range l.msgs {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %s is empty", lang, k)
			}
			got, want := slices.Sorted(slices.Values(placeholders.FindAllString(v, -1))), slices.Sorted(slices.Values(placeholders.FindAllString(en.msgs[k], -1)))
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s has placeholders %v, en has %v", lang, k, got, want)
			}
		}
	}
	// Keys named literally in templates and code.
	used := map[string]bool{}
	lit := regexp.MustCompile(`\.T "([a-z_.0-9]+)"|\.T\("([a-z_.0-9]+)"[,)]`)
	err := fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")) {
			return err
		}
		b, err := os.ReadFile(p)
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+m[2]] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys built at run time.
	for _, n := range []string{store.NotifyMention, store.NotifyFollow, store.NotifyFollowRequest, store.NotifyReblog, store.NotifyFavourite} {
		used["notification."+n] = true
	}
	for _, v := range (composeForm{}).Visibilities() {
		used["vis."+string(v)] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use; the pattern is broken", len(used))
	}
	for k := range used {
		if _, ok := en.msgs[k]; !ok {
			t.Errorf("key %q is used but not in the catalogues", k)
		}
	}
}

func TestNum(t *testing.T) {
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 0, "0"}, {"en", 999, "999"}, {"en", 1234, "1,234"}, {"en", -1234567, "-1,234,567"},
		{"ar", 0, "٠"}, {"ar", 1234567, "١٬٢٣٤٬٥٦٧"}, {"fa", 140, "۱۴۰"}, {"fa", 10000, "۱۰٬۰۰۰"},
	}
	for _, tc := range tests {
		if got := locales[tc.lang].Num(tc.n); got != tc.want {
			t.Errorf("%s Num(%d) = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
	if got := locales["en"].Count(0); got != "" {
		t.Errorf("Count(0) = %q, want nothing", got)
	}
}

func TestTimes(t *testing.T) {
	now := time.Date(2025, 3, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		at   time.Time
		ago  string
	}{
		{"en", now.Add(-30 * time.Second), "now"},
		{"en", now.Add(-5 * time.Minute), "5m"},
		{"ar", now.Add(-5 * time.Minute), "٥ د"},
		{"fa", now.Add(-3 * time.Hour), "۳ ساعت"},
		{"en", now.Add(-50 * time.Hour), "2d"},
		{"en", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), "2 January"},
		{"en", time.Date(2023, 12, 31, 0, 0, 0, 0, time.UTC), "31 December 2023"},
		{"ar", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), "٢ يناير"},
		// 2 January 2025 is 13 Dey 1403; 19 March 2024 the last day of 1402.
		{"fa", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), "۱۳ دی ۱۴۰۳"},
		{"fa", time.Date(2024, 3, 19, 0, 0, 0, 0, time.UTC), "۲۹ اسفند ۱۴۰۲"},
	}
	for _, tc := range tests {
		if got := locales[tc.lang].Ago(tc.at, now); got != tc.ago {
			t.Errorf("%s Ago(%v) = %q, want %q", tc.lang, tc.at, got, tc.ago)
		}
	}
	exact := map[string]string{
		"en": "21 March 2025, 09:05 UTC",
		"ar": "٢١ مارس ٢٠٢٥، ٠٩:٠٥ UTC",
		"fa": "۱ فروردین ۱۴۰۴، ساعت ۰۹:۰۵ (UTC)",
	}
	for lang, want := range exact {
		if got := locales[lang].Exact(time.Date(2025, 3, 21, 9, 5, 0, 0, time.UTC)); got != want {
			t.Errorf("%s Exact = %q, want %q", lang, got, want)
		}
	}
}

func TestSolarHijri(t *testing.T) {
	tests := []struct{ gy, gm, gd, jy, jm, jd int }{
		{2024, 3, 20, 1403, 1, 1}, // Nowruz
		{2025, 3, 20, 1403, 12, 30},
		{2025, 3, 21, 1404, 1, 1},
		{2026, 3, 21, 1405, 1, 1},
		{2000, 1, 1, 1378, 10, 11},
		{1979, 2, 11, 1357, 11, 22},
		{2025, 9, 22, 1404, 6, 31},
		{2025, 9, 23, 1404, 7, 1},
	}
	for _, tc := range tests {
		if y, m, d := solarHijri(tc.gy, tc.gm, tc.gd); y != tc.jy || m != tc.jm || d != tc.jd {
			t.Errorf("solarHijri(%d-%d-%d) = %d/%d/%d, want %d/%d/%d", tc.gy, tc.gm, tc.gd, y, m, d, tc.jy, tc.jm, tc.jd)
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	tests := map[string]string{
		"": "en", "*": "en", "ar": "ar", "ar-SA,en;q=0.5": "ar", "fa-IR,fa;q=0.9": "fa", "fa-AF": "fa",
		"en-US,ar;q=0.1": "en", "de, ar;q=0.8": "ar", "zz": "en", "!!!": "en",
	}
	for accept, want := range tests {
		if got := matchLanguage(accept); got != want {
			t.Errorf("matchLanguage(%q) = %q, want %q", accept, got, want)
		}
	}
}

func TestLocalPath(t *testing.T) {
	tests := map[string]string{
		"/": "/", "/@alice/1?x=1#p-2": "/@alice/1?x=1#p-2", "": "/", "//evil.example": "/",
		"https://evil.example/": "/", "/\\evil.example": "/", "javascript:alert(1)": "/", "/a\r\nSet-Cookie: x": "/",
		"relative": "/", "/ok/path": "/ok/path",
	}
	for in, want := range tests {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := map[string]bool{
		"gzip": true, "gzip, deflate, br": true, "br;q=1.0, gzip;q=0.8": true, "GZIP": true,
		"": false, "br": false, "gzip;q=0": false, "identity": false, "x-gzip": false,
	}
	for in, want := range tests {
		if got := acceptsGzip(in); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestMinify(t *testing.T) {
	css := "/* a\n comment */\n.a{color:red}\n/* b */.b{x:y}\n"
	if got := string(minify(".css", []byte(css))); got != ".a{color:red}.b{x:y}" {
		t.Errorf("minify css = %q", got)
	}
	js := "// top\n(function () {\n  // inside\n  var a = \"// not a comment\";\n})();\n"
	if got := string(minify(".js", []byte(js))); got != "(function () {\nvar a = \"// not a comment\";\n})();\n" {
		t.Errorf("minify js = %q", got)
	}
}

// TestSessionLifetime: a session is renewed when less than half its life
// remains, and an expired one signs nobody in and clears its cookie.
func TestSessionLifetime(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sada.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Default()
	h, err := New(cfg, st, social.New(st, cfg.Domain), nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ac, err := h.social.Register(t.Context(), social.NewAccount{Username: "alice", Password: "a good password"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	h.now = func() time.Time { return start }
	rec := httptest.NewRecorder()
	if err := h.startSession(rec, httptest.NewRequest("POST", "/login", nil), ac); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	visitAt := func(at time.Time) (*visit, *http.Response) {
		t.Helper()
		h.now = func() time.Time { return at }
		req := httptest.NewRequest("GET", "/", nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		v, err := h.loadVisit(rec, req)
		if err != nil {
			t.Fatal(err)
		}
		return v, rec.Result()
	}

	v, res := visitAt(start.Add(24 * time.Hour))
	if v.viewer == nil || len(res.Cookies()) != 0 {
		t.Fatalf("a day in: viewer %v, cookies %v; want signed in, nothing renewed", v.viewer, res.Cookies())
	}
	renewedAt := start.Add(20 * 24 * time.Hour)
	v, res = visitAt(renewedAt)
	if v.viewer == nil || len(res.Cookies()) != 1 || res.Cookies()[0].MaxAge != int(sessionLifetime/time.Second) {
		t.Fatalf("20 days in: viewer %v, cookies %v; want signed in and the cookie renewed", v.viewer, res.Cookies())
	}
	se, err := st.SessionByHash(t.Context(), hashToken(cookie.Value))
	if err != nil || se.ExpiresAt.Before(renewedAt.Add(sessionLifetime-time.Minute)) {
		t.Fatalf("after renewal: %+v, %v", se, err)
	}
	// Long after, the session is over (the store's clock is real, so jump
	// the store past it by deleting it as expiry would).
	if err := st.DeleteSession(t.Context(), se.TokenHash); err != nil {
		t.Fatal(err)
	}
	v, res = visitAt(renewedAt.Add(time.Hour))
	if v.viewer != nil || len(res.Cookies()) < 1 || res.Cookies()[0].MaxAge >= 0 {
		t.Fatalf("after expiry: viewer %v, cookies %v; want signed out and the cookie cleared", v.viewer, res.Cookies())
	}
}
