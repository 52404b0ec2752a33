package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// TestLanguage: the language comes from Accept-Language, then the account,
// then the footer's choice; lang and dir follow; numbers and dates too.
func TestLanguage(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	for range 6 {
		s.postAs(t, "alice", "a post #تست", store.Public)
	}
	tests := []struct {
		accept, lang, dir, home string
	}{
		{"", "en", "ltr", "Public timeline"},
		{"en-GB,en;q=0.9", "en", "ltr", "Public timeline"},
		{"ar-EG,ar;q=0.9,en;q=0.5", "ar", "rtl", "الخط الزمني العام"},
		{"fa-IR", "fa", "rtl", "خط زمانی عمومی"},
		{"de-DE, fa;q=0.3", "fa", "rtl", "خط زمانی عمومی"},
		{"de-DE", "en", "ltr", "Public timeline"},
		{"garbage;;;q=x", "en", "ltr", "Public timeline"},
	}
	for _, tc := range tests {
		t.Run(tc.accept, func(t *testing.T) {
			b := s.browser()
			b.lang = tc.accept
			b.get(t, "/").want(t, http.StatusOK).has(t, `<html lang="`+tc.lang+`" dir="`+tc.dir+`">`, tc.home)
		})
	}

	// The footer's links switch and remember, over Accept-Language.
	b := s.browser()
	b.lang = "fa"
	home := b.get(t, "/public").want(t, http.StatusOK)
	home.has(t, `<a href="/lang/ar?back=%2Fpublic" lang="ar" hreflang="ar">العربية</a>`, `aria-current="true">فارسی</a>`)
	b.get(t, "/lang/ar?back=%2Fpublic").wantRedirect(t, "/public")
	b.get(t, "/public").want(t, http.StatusOK).has(t, `<html lang="ar" dir="rtl">`)
	// Counts and times in Arabic-Indic digits.
	b.get(t, "/@alice").has(t, "<dd>٦</dd>", ">الآن</time>")
	b.get(t, "/lang/xx").want(t, http.StatusNotFound)
	b.get(t, "/lang/en?back=https://evil.example/").wantRedirect(t, "/")

	// The account's language wins over Accept-Language, and the footer over both.
	alice := s.browser()
	alice.lang = "en"
	alice.submit(t, "/login", "/login", map[string][]string{"login": {"alice"}, "password": {password}})
	alice.submit(t, "/settings", "/settings", map[string][]string{"language": {"ar"}})
	alice.get(t, "/").has(t, `<html lang="ar" dir="rtl">`)
	alice.get(t, "/lang/fa?back=/")
	alice.get(t, "/").has(t, `<html lang="fa" dir="rtl">`)
}

// TestEveryInputIsLabelledAndAuto: every visible input and textarea has a
// label and dir="auto" (or a fixed direction for what is always Latin),
// and every post's text has dir="auto"; no page shows a missing message.
func TestEveryInputIsLabelledAndAuto(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	st := s.postAs(t, "alice", "labelled", store.Public)
	anon := s.browser()
	inputRE := regexp.MustCompile(`<(input|textarea|select)\b[^>]*>`)
	pages := []struct {
		b    *browser
		path string
	}{
		{alice, "/"}, {alice, "/public"}, {alice, "/@alice"}, {alice, "/@alice/" + itoa(st.ID)}, {alice, "/tags/x"},
		{alice, "/notifications"}, {alice, "/settings"}, {alice, "/p/" + itoa(st.ID) + "/delete"},
		{anon, "/"}, {anon, "/login"}, {anon, "/signup"}, {anon, "/nope"},
	}
	for _, lang := range []string{"en", "ar", "fa"} {
		for _, p := range pages {
			p.b.lang = lang
			p.b.get(t, "/lang/"+lang+"?back=/")
			r := p.b.get(t, p.path)
			if strings.Contains(r.Body, "⟦") {
				t.Errorf("%s %s: a message is missing from the catalogue: %s", lang, p.path, regexp.MustCompile(`⟦[^⟧]*⟧`).FindString(r.Body))
			}
			for _, in := range inputRE.FindAllString(r.Body, -1) {
				if strings.Contains(in, `type="hidden"`) || strings.Contains(in, `type="checkbox"`) {
					continue
				}
				if !strings.HasPrefix(in, "<select") && !strings.Contains(in, `dir="`) {
					t.Errorf("%s %s: %s has no dir", lang, p.path, in)
				}
				m := regexp.MustCompile(`id="([^"]+)"`).FindStringSubmatch(in)
				labelled := m != nil && strings.Contains(r.Body, `<label for="`+m[1]+`"`)
				if !labelled && !strings.Contains(r.Body, `<label class="sel"><span class="vh">`) {
					t.Errorf("%s %s: %s has no label", lang, p.path, in)
				}
			}
			if n, m := strings.Count(r.Body, `<div class="txt"`), strings.Count(r.Body, `<div class="txt" dir="auto"`); n != m {
				t.Errorf("%s %s: %d of %d posts lack dir=auto", lang, p.path, n-m, n)
			}
		}
	}
}
