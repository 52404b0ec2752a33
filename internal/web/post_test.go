package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

var anchorRE = regexp.MustCompile(`^/#p-(\d+)$`)

// TestComposeWithoutJavaScript posts from the home page's form as a browser
// with scripts off does, and follows the redirect back.
func TestComposeWithoutJavaScript(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	home := alice.get(t, "/").want(t, http.StatusOK)
	home.has(t, `<form class="compose" method="post" action="/statuses">`, `<label for="text">`,
		`<textarea id="text" name="text" rows="3" dir="auto" required>`, `name="visibility"`, `data-max="140"`)

	res := alice.compose(t, "Hello from sada, see https://example.org/a/very/long/path and #FirstPost with @alice")
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !anchorRE.MatchString(loc) {
		t.Fatalf("post: %d to %q, want 303 to /#p-ID", res.Status, loc)
	}
	id := anchorRE.FindStringSubmatch(loc)[1]
	page := alice.get(t, "/").want(t, http.StatusOK)
	page.has(t,
		`<article id="p-`+id+`">`,
		`<div class="txt" dir="auto"><p>Hello from sada`,
		`<a href="https://example.org/a/very/long/path" target="_blank" rel="nofollow noopener noreferrer" dir="ltr">`,
		`href="`+s.URL+`/tags/firstpost" class="mention hashtag" rel="tag">#<span>FirstPost</span>`,
		`<span class="h-card" dir="ltr"><a href="`+s.URL+`/@alice" class="u-url mention">`,
		`<time datetime="`, `title="`, `>now</time>`,
		`formaction="/p/`+id+`/favourite" aria-pressed="false"`,
		`formaction="/p/`+id+`/reblog" aria-pressed="false"`,
		`href="/@alice/`+id+`#reply"`,
		`href="/p/`+id+`/delete"`,
	)
}

// TestComposeTooLong: over 140 characters the form comes back with the
// server's reason and the text as typed, nothing posted.
func TestComposeTooLong(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	text := strings.Repeat("ش", 130) + " https://example.org/x " + "<b>&"
	n := post.Length(text)
	if n <= post.MaxLength {
		t.Fatalf("test text is only %d long", n)
	}
	res := alice.compose(t, text).want(t, http.StatusUnprocessableEntity)
	res.has(t, fmt.Sprintf("Your post is %d characters long; the limit is 140.", n), `role="alert"`, `aria-invalid="true"`,
		`>`+html.EscapeString(text)+`</textarea>`, `name="back" value="/"`)
	if ac := s.account(t, "alice"); ac.StatusesCount != 0 {
		t.Errorf("statuses_count = %d after a refused post", ac.StatusesCount)
	}
	// In Arabic the reason is Arabic, with Arabic-Indic digits.
	alice.get(t, "/lang/ar?back=/").wantRedirect(t, "/")
	alice.compose(t, text).want(t, http.StatusUnprocessableEntity).has(t, "عدد أحرف منشورك "+arabicDigits(n)+"، والحد الأقصى ١٤٠.")

	// An empty post, too.
	alice.get(t, "/lang/en?back=/").wantRedirect(t, "/")
	alice.compose(t, " \n ").want(t, http.StatusUnprocessableEntity).has(t, "Write something first.")
}

// TestReplyWithoutJavaScript replies from a permalink and lands back on it
// with the reply in the conversation.
func TestReplyWithoutJavaScript(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	st := s.postAs(t, "alice", "Who is up for tea? cc @bob", store.Public)
	link := "/@alice/" + itoa(st.ID)

	page := bob.get(t, link).want(t, http.StatusOK)
	page.has(t, `<form class="compose" id="reply"`, `name="in_reply_to_id" value="`+itoa(st.ID)+`"`,
		`>@alice </textarea>`, `class="focus"`, "Your reply")
	res := bob.submit(t, link, "/statuses", url.Values{"text": {"@alice me!"}, "in_reply_to_id": {itoa(st.ID)}, "visibility": {"public"}})
	loc := res.Header.Get("Location")
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(loc, link+"#p-") {
		t.Fatalf("reply: %d to %q, want 303 to %s#p-ID", res.Status, loc, link)
	}
	thread := bob.get(t, link).want(t, http.StatusOK)
	thread.has(t, "Who is up for tea?", "me!", "Replying to", `href="/@alice"`)
	if strings.Index(thread.Body, "Who is up for tea?") > strings.Index(thread.Body, "me!") {
		t.Error("the reply comes before the post it answers")
	}
	// The reply's own page shows the whole conversation too.
	replyID := strings.TrimPrefix(loc, link+"#p-")
	bob.get(t, "/@bob/"+replyID).want(t, http.StatusOK).has(t, "Who is up for tea?", "me!")

	// A reply to a post that is gone keeps the text and says why.
	gone := s.postAs(t, "alice", "soon gone", store.Public)
	goneLink := "/@alice/" + itoa(gone.ID)
	tok := csrfRE.FindStringSubmatch(bob.get(t, goneLink).Body)[1]
	if _, err := s.svc.Delete(t.Context(), s.account(t, "alice"), gone.ID); err != nil {
		t.Fatal(err)
	}
	bob.post(t, "/statuses", url.Values{"csrf": {tok}, "back": {goneLink}, "text": {"@alice too late"}, "in_reply_to_id": {itoa(gone.ID)}}).
		want(t, http.StatusUnprocessableEntity).has(t, "The post you are replying to is gone.", "@alice too late</textarea>")
	bob.post(t, "/statuses", url.Values{"csrf": {tok}, "text": {"x"}, "in_reply_to_id": {"nope"}}).want(t, http.StatusBadRequest)
}

// TestPostActions favourites, reposts and undoes both from the timeline,
// with the counts and the pressed state shown after each redirect.
func TestPostActions(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	st := s.postAs(t, "alice", "act on me", store.Public)
	id := itoa(st.ID)
	steps := []struct {
		action string
		has    []string
	}{
		{"favourite", []string{`formaction="/p/` + id + `/unfavourite" aria-pressed="true"><span>Favourite</span>1</button>`}},
		{"reblog", []string{`formaction="/p/` + id + `/unreblog" aria-pressed="true"><span>Repost</span>1</button>`}},
		{"unfavourite", []string{`formaction="/p/` + id + `/favourite" aria-pressed="false"><span>Favourite</span></button>`}},
		{"unreblog", []string{`formaction="/p/` + id + `/reblog" aria-pressed="false"><span>Repost</span></button>`}},
	}
	for _, step := range steps {
		bob.submit(t, "/public", "/p/"+id+"/"+step.action, nil).wantRedirect(t, "/public#p-"+id)
		bob.get(t, "/public").want(t, http.StatusOK).has(t, step.has...)
	}
	// Signed out, the same post shows counts and no buttons.
	s.browser().get(t, "/public").want(t, http.StatusOK).lacks(t, "formaction=").has(t, `<span class="i-fv off">`)
	// Signed out, an action sends you to log in.
	anon := s.browser()
	tok := csrfRE.FindStringSubmatch(anon.get(t, "/login").Body)[1]
	anon.post(t, "/p/"+id+"/favourite", url.Values{"csrf": {tok}, "back": {"/public"}}).wantRedirect(t, "/login?next=%2Fpublic")
	// Acting on a post that does not exist is a 404 page.
	bob.submit(t, "/public", "/p/12345/favourite", nil).want(t, http.StatusNotFound)
	bob.submit(t, "/public", "/p/abc/favourite", nil).want(t, http.StatusNotFound)
}

// TestRepostShownOnProfileAndHome: a repost shows who reposted it, and
// its buttons act on the original.
func TestRepostShown(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	carol := s.signUp(t, "carol")
	carol.submit(t, "/@bob", "/accounts/"+itoa(s.account(t, "bob").ID)+"/follow", nil)
	st := s.postAs(t, "alice", "worth sharing", store.Public)
	bob.submit(t, "/public", "/p/"+itoa(st.ID)+"/reblog", nil)
	home := carol.get(t, "/").want(t, http.StatusOK)
	home.has(t, `<p class="ctx i-rb"><a href="/@bob"><bdi>bob</bdi></a> reposted</p>`, "worth sharing", `href="/@alice/`+itoa(st.ID)+`"`)
	bob.get(t, "/@bob").want(t, http.StatusOK).has(t, "worth sharing", "reposted")
	// The repost's own id redirects to the original's page.
	rb, err := s.st.ReblogBy(t.Context(), s.account(t, "bob").ID, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	res := carol.get(t, "/@bob/"+itoa(rb.ID))
	if res.Status != http.StatusFound || res.Header.Get("Location") != "/@alice/"+itoa(st.ID) {
		t.Errorf("repost permalink: %d to %q", res.Status, res.Header.Get("Location"))
	}
}

// TestDelete asks first, then deletes and goes back.
func TestDelete(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	bob := s.signUp(t, "bob")
	st := s.postAs(t, "alice", "regrettable", store.Public)
	id := itoa(st.ID)

	// The confirmation page, reached from the profile, goes back there.
	req, _ := http.NewRequest("GET", s.URL+"/p/"+id+"/delete", nil)
	req.Header.Set("Referer", s.URL+"/@alice")
	confirm := alice.do(t, req).want(t, http.StatusOK)
	confirm.has(t, "Delete this post?", "regrettable", `action="/p/`+id+`/delete"`, `name="back" value="/@alice"`)
	// Nobody else may delete it, or even see the question.
	bob.get(t, "/p/"+id+"/delete").want(t, http.StatusForbidden)
	bob.submit(t, "/public", "/p/"+id+"/delete", nil).want(t, http.StatusForbidden)

	alice.submit(t, "/@alice", "/p/"+id+"/delete", nil).wantRedirect(t, "/@alice")
	alice.get(t, "/@alice").want(t, http.StatusOK).lacks(t, "regrettable")
	alice.get(t, "/@alice/"+id).want(t, http.StatusNotFound)

	// Deleted from its own page, it goes to the profile instead.
	st2 := s.postAs(t, "alice", "also regrettable", store.Public)
	link := "/@alice/" + itoa(st2.ID)
	alice.submit(t, link, "/p/"+itoa(st2.ID)+"/delete", nil).wantRedirect(t, "/@alice")
}

// arabicDigits writes n with Arabic-Indic digits.
func arabicDigits(n int) string {
	return strings.Map(func(r rune) rune { return r - '0' + '٠' }, fmt.Sprint(n))
}
