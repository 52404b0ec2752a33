package web

import (
	"net/http"
	"strings"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// searchPage is the search page: people and hashtags on its first page,
// then posts, newest first, paged like a timeline.
type searchPage struct {
	page
	Heading  string
	Intro    string
	Accounts []accountView
	Tags     []tagView
	Posts    []postView
	More     string
	Empty    string
	None     string // nothing found at all
	Login    bool   // a visitor: only signed-in people search posts
}

// tagView is a hashtag in a list of them.
type tagView struct{ Name, URL string }

// searchHits is how many people and how many hashtags the search page shows.
const searchHits = 10

// search is GET /search?q=TEXT (and &max_id= for older posts). Which posts
// a reader finds is social's rule: only those they may see, and none for
// visitors; the words are normalised there, so an Arabic ي finds a Persian
// ی and the other spellings search treats as one.
func (h *Web) search(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	p := h.page(r, v.loc.T("search_label"), "")
	p.Query = text
	data := searchPage{page: p, Heading: v.loc.T("search_label"), Intro: v.loc.T("search_intro"), Empty: v.loc.T("search_none", "q", text)}
	if text != "" {
		data.Title = v.loc.T("search_title", "q", text)
		data.Heading, data.Intro = data.Title, ""
		if err := h.searchAll(r, v, text, pg, &data); err != nil {
			h.fail(w, r, err)
			return
		}
		data.Login = v.viewer == nil
		if len(data.Accounts)+len(data.Tags)+len(data.Posts) == 0 && pg.MaxID == 0 {
			data.None = data.Empty
		}
	}
	h.render(w, r, http.StatusOK, "search", data)
}

// searchAll fills in what text finds: people and hashtags on the first
// page only, posts on every page.
func (h *Web) searchAll(r *http.Request, v *visit, text string, pg store.Page, data *searchPage) error {
	ctx := r.Context()
	if pg.MaxID == 0 {
		q := social.SearchQuery{Text: text, Page: store.Page{Limit: searchHits}}
		accounts, err := h.social.SearchAccounts(ctx, v.viewer, q)
		if err != nil {
			return err
		}
		for _, ac := range accounts {
			data.Accounts = append(data.Accounts, viewAccount(ac))
		}
		tags, err := h.social.SearchTags(ctx, q)
		if err != nil {
			return err
		}
		for _, t := range tags {
			data.Tags = append(data.Tags, tagView{Name: t, URL: tagPath(t)})
		}
	}
	sts, err := h.social.SearchStatuses(ctx, v.viewer, social.SearchQuery{Text: text, Page: pg})
	if err != nil {
		return err
	}
	if data.Posts, err = h.loadPosts(ctx, v, sts); err != nil {
		return err
	}
	data.More = moreURL(r, len(sts), lastID(sts))
	return nil
}
