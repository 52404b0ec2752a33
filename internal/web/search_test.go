package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

func TestSearch(t *testing.T) {
	s := newSite(t)
	reader := s.signUp(t, "reader")
	s.signUp(t, "ali_rezaei")
	s.signUp(t, "carol")
	visitor := s.browser()

	// Persian spelling (ی, ک); the queries below use the Arabic letters.
	s.postAs(t, "ali_rezaei", "سلام از کتابخانهٔ علی #کتاب", store.Public)
	s.postAs(t, "carol", "کتاب برای دنبال\u200cکنندگانم", store.Private)
	q := func(text string) string { return "/search?q=" + url.QueryEscape(text) }

	// ي and ك find ی and ک; a follower-only post of someone the reader
	// does not follow is not found, though its author finds it.
	reader.get(t, q("كتابخانه علي")).want(t, http.StatusOK).
		has(t, "سلام از کتابخانهٔ علی", `<h2 class="h">Posts</h2>`).lacks(t, "دنبال\u200cکنندگانم")
	reader.get(t, q("كتاب")).want(t, http.StatusOK).
		has(t, "سلام از", `href="/tags/%da%a9%d8%aa%d8%a7%d8%a8">#کتاب</a>`).lacks(t, "دنبال\u200cکنندگانم")
	carol := s.browser()
	carol.submit(t, "/login", "/login", url.Values{"login": {"carol"}, "password": {password}})
	carol.get(t, q("كتاب")).has(t, "دنبال\u200cکنندگانم")

	// People, by username; visitors find people and hashtags but are asked
	// to log in for posts.
	reader.get(t, q("ali")).has(t, `<a href="/@ali_rezaei">`, "People")
	visitor.get(t, q("كتاب")).want(t, http.StatusOK).
		has(t, "#کتاب", `href="/login?next=`).lacks(t, "سلام از")

	// Nothing found says so, in the reader's language; no query is a plain page.
	reader.get(t, q("zzzz")).has(t, "Nothing found for “zzzz”.")
	reader.get(t, "/lang/fa?back=/")
	reader.get(t, q("zzzz")).has(t, "چیزی برای «zzzz» پیدا نشد.", `value="zzzz"`)
	reader.get(t, "/search").want(t, http.StatusOK).has(t, "جستجو در پست\u200cها").lacks(t, "⟦")
	reader.get(t, "/lang/en?back=/")
	reader.get(t, "/search?q=x&max_id=nope").want(t, http.StatusBadRequest)

	// Pages of 20 posts, then a "more" link to the rest.
	for i := range 23 {
		s.postAs(t, "ali_rezaei", fmt.Sprintf("باران %d", i), store.Public)
	}
	first := reader.get(t, q("باران")).want(t, http.StatusOK)
	if n := strings.Count(first.Body, `<article id="p-`); n != 20 {
		t.Errorf("first page has %d posts, want 20", n)
	}
	m := moreRE.FindStringSubmatch(first.Body)
	if m == nil {
		t.Fatal("no more link")
	}
	second := reader.get(t, strings.ReplaceAll(m[1], "&amp;", "&")).want(t, http.StatusOK)
	if n := strings.Count(second.Body, `<article id="p-`); n != 3 {
		t.Errorf("second page has %d posts, want 3", n)
	}
	second.has(t, "باران 0").lacks(t, "باران 22", "<h2>People</h2>")
}

func TestTrends(t *testing.T) {
	s := newSite(t)
	reader := s.signUp(t, "reader")
	for _, name := range []string{"a1", "a2", "a3", "a4"} {
		s.signUp(t, name)
		s.postAs(t, name, "موج تازه #موج", store.Public)
	}
	s.signUp(t, "spammer")
	for range 6 {
		s.postAs(t, "spammer", "buy now #spam", store.Public)
	}
	home := reader.get(t, "/").want(t, http.StatusOK).
		has(t, "<h2>Trending</h2>", `<a href="/tags/%d9%85%d9%88%d8%ac" dir="auto">#موج</a><small>4 in 7 days</small>`).
		lacks(t, "#spam</a>")
	_ = home
	reader.get(t, "/lang/ar?back=/")
	reader.get(t, "/").has(t, "<h2>الرائج</h2>", "٤ في ٧ أيام")
	// Only home has them.
	reader.get(t, "/public").lacks(t, `class="trends"`)
}
