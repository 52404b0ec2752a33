package web

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

type profilePage struct {
	page
	Account   accountView
	Note      template.HTML
	Posts     string // localised counts
	Following string
	Followers string
	Joined    string
	Locked    bool
	Self      bool
	Rel       store.Relationship
	Replies   bool // the "posts and replies" tab
	List      []postView
	More      string
}

// username reads "@name" from the path's first segment.
func username(r *http.Request) (string, bool) {
	name, ok := strings.CutPrefix(r.PathValue("seg"), "@")
	return name, ok && name != ""
}

// accountByName finds a local account; anything that is not one is a 404.
func (h *Web) accountByName(r *http.Request, name string) (*store.Account, error) {
	ac, err := h.store.AccountByUsername(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNotFound
	}
	return ac, err
}

// profile is GET /@name: the account, its counts and bio, the follow
// button, and its posts (with ?replies=1, its replies too). /@name.atom is
// its feed.
func (h *Web) profile(w http.ResponseWriter, r *http.Request) {
	name, ok := username(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	if feed, ok := cutSuffix(name, ".atom"); ok {
		h.accountFeed(w, r, feed)
		return
	}
	v := visitOf(r)
	ac, err := h.accountByName(r, name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	replies := r.URL.Query().Get("replies") == "1"
	sts, err := h.social.AccountStatuses(r.Context(), v.viewer, ac.ID, store.StatusFilter{ExcludeReplies: !replies}, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	list, err := h.loadPosts(r.Context(), v, sts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	av := viewAccount(ac)
	pp := profilePage{
		page: h.page(r, av.Name+" (@"+ac.Username+")", ""), Account: av,
		Note:  template.HTML(post.HTML(ac.Note, linker{base: h.baseURL, domain: h.domain})), // escapes the bio
		Posts: v.loc.Num(ac.StatusesCount), Following: v.loc.Num(ac.FollowingCount), Followers: v.loc.Num(ac.FollowersCount),
		Joined: v.loc.LongDate(ac.CreatedAt), Locked: ac.Locked, Replies: replies,
		List: list, More: moreURL(r, len(sts), lastID(sts)),
	}
	pp.Feeds = []feedLink{{Title: v.loc.T("feed.account", "name", av.Name), URL: "/@" + ac.Username + ".atom"}}
	if v.viewer != nil {
		if v.viewer.ID == ac.ID {
			pp.Self, pp.Nav = true, "profile"
		} else {
			rels, err := h.store.Relationships(r.Context(), v.viewer.ID, []int64{ac.ID})
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if len(rels) == 1 {
				pp.Rel = rels[0]
			}
		}
	}
	h.render(w, r, http.StatusOK, "profile", pp)
}

// userURI is GET /users/NAME, the account URI the API hands out: it is
// the profile.
func (h *Web) userURI(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/@"+url.PathEscape(r.PathValue("name")), http.StatusMovedPermanently)
}
