package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/sada-project/sada/internal/store"
)

type deletePage struct {
	page
	Post []postView
	Back string
}

// confirmDelete is GET /p/ID/delete: a page that asks before
// deleting, since without a script there is no dialog to ask in.
func (h *Web) confirmDelete(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.social.Status(r.Context(), v.viewer, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if st.AccountID != v.viewer.ID || st.ReblogOfID != 0 {
		h.fail(w, r, errForbidden)
		return
	}
	posts, err := h.loadPosts(r.Context(), v, []*store.Status{st})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	dp := deletePage{page: h.page(r, v.loc.T("delete.title"), ""), Post: posts, Back: refererPath(r)}
	h.render(w, r, http.StatusOK, "delete", dp)
}

// refererPath is the path of the page that linked here when it is on this
// site (the Referrer-Policy sends it only then), or "/".
func refererPath(r *http.Request) string {
	u, err := url.Parse(r.Referer())
	if err != nil || u.Host != r.Host || u.Path == r.URL.Path {
		return "/"
	}
	return localPath(u.RequestURI())
}

// deleteStatus is POST /p/ID/delete. It returns to the page the
// delete was asked from, unless that was the post's own page, now gone.
func (h *Web) deleteStatus(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.social.Delete(r.Context(), v.viewer, id); err != nil {
		h.fail(w, r, err)
		return
	}
	to := back(r, "")
	if u, err := url.Parse(to); err == nil && u.Path == "/@"+v.viewer.Username+"/"+strconv.FormatInt(id, 10) {
		to = "/@" + v.viewer.Username
	}
	redirect(w, r, to)
}
