package web

import (
	"net/http"

	"github.com/sada-project/sada/internal/store"
)

// timelinePage is a list of posts: home, the public timeline, a hashtag.
type timelinePage struct {
	page
	Heading string
	Intro   string
	Welcome bool         // the signed-out front page: say what this is, offer sign-up
	Compose *composeForm // the box at the top of home
	Posts   []postView
	More    string
	Empty   string
}

// lastID is the id a "more" link continues below.
func lastID(sts []*store.Status) int64 {
	if len(sts) == 0 {
		return 0
	}
	return sts[len(sts)-1].ID
}

// home is GET /: the home timeline with the compose box, or for a visitor
// who is not signed in, a welcome above the public timeline.
func (h *Web) home(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.viewer == nil {
		h.timeline(w, r, pg, true)
		return
	}
	sts, err := h.social.Home(r.Context(), v.viewer, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	posts, err := h.loadPosts(r.Context(), v, sts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.page(r, v.loc.T("home.title"), "home")
	if pg.MaxID == 0 { // an older page has no new posts to offer
		p.Stream = liveURL("home", "")
	}
	p.Trends = h.trending(r.Context(), v.loc)
	h.render(w, r, http.StatusOK, "timeline", timelinePage{
		page: p, Heading: v.loc.T("home.title"), Compose: composeFor(p, composeForm{}),
		Posts: posts, More: moreURL(r, len(sts), lastID(sts)), Empty: v.loc.T("home.empty"),
	})
}

// public is GET /public: every public post on this server.
func (h *Web) public(w http.ResponseWriter, r *http.Request) {
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.timeline(w, r, pg, false)
}

func (h *Web) timeline(w http.ResponseWriter, r *http.Request, pg store.Page, welcome bool) {
	v := visitOf(r)
	sts, err := h.social.PublicTimeline(r.Context(), pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	posts, err := h.loadPosts(r.Context(), v, sts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	nav := "public"
	if welcome {
		nav = "home"
	}
	p := h.page(r, v.loc.T("public.title"), nav)
	if pg.MaxID == 0 {
		p.Stream = liveURL("public", "")
	}
	p.NoAside = welcome // the welcome says what the aside would
	h.render(w, r, http.StatusOK, "timeline", timelinePage{
		page: p, Heading: v.loc.T("public.title"), Intro: v.loc.T("public.intro", "site", h.site), Welcome: welcome,
		Posts: posts, More: moreURL(r, len(sts), lastID(sts)), Empty: v.loc.T("public.empty"),
	})
}

// tag is GET /tags/NAME (and NAME.atom, the tag's feed).
func (h *Web) tag(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if feed, ok := cutSuffix(name, ".atom"); ok {
		h.tagFeed(w, r, feed)
		return
	}
	v := visitOf(r)
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sts, err := h.social.TagTimeline(r.Context(), name, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	posts, err := h.loadPosts(r.Context(), v, sts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.page(r, "#"+name, "")
	if pg.MaxID == 0 {
		p.Stream = liveURL("tag", name)
	}
	p.Feeds = []feedLink{{Title: v.loc.T("feed.tag", "tag", name), URL: tagPath(name) + ".atom"}}
	h.render(w, r, http.StatusOK, "timeline", timelinePage{
		page: p, Heading: "#" + name, Intro: v.loc.T("tag.intro"),
		Posts: posts, More: moreURL(r, len(sts), lastID(sts)), Empty: v.loc.T("tag.empty"),
	})
}

// cutSuffix is strings.CutSuffix that refuses to leave nothing.
func cutSuffix(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}
