package mastoapi_test

import (
	"net/url"
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
}
