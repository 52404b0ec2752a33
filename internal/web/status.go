package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

type statusPage struct {
	page
	Thread []postView // ancestors, the post (Focus), descendants: oldest first
	Reply  *composeForm
}

// permalink is GET /@name/ID: the whole conversation around a post and,
// for someone signed in, a reply form under it.
func (h *Web) permalink(w http.ResponseWriter, r *http.Request) {
	name, ok := username(r)
	if !ok {
		h.notFound(w, r)
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := visitOf(r)
	st, err := h.social.Status(r.Context(), v.viewer, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if st.ReblogOfID != 0 { // a repost's page is its original's
		orig, err := h.social.Status(r.Context(), v.viewer, st.ReblogOfID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.redirectToPost(w, r, orig)
		return
	}
	author, err := h.store.AccountByID(r.Context(), st.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !strings.EqualFold(author.Username, name) {
		h.notFound(w, r)
		return
	}
	anc, desc, err := h.social.Context(r.Context(), v.viewer, st.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	thread := append(append(anc, st), desc...)
	posts, err := h.loadPosts(r.Context(), v, thread)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range posts {
		posts[i].Focus = posts[i].ID == st.ID
	}
	sp := statusPage{page: h.page(r, v.loc.T("status.title", "name", viewAccount(author).Name, "text", excerpt(st.Text, 60)), ""), Thread: posts}
	if v.viewer != nil {
		sp.Reply = composeFor(sp.page, composeForm{InReplyTo: st.ID, Text: replyMentions(v.viewer, author, st), Visibility: st.Visibility})
	}
	h.render(w, r, http.StatusOK, "status", sp)
}

func (h *Web) redirectToPost(w http.ResponseWriter, r *http.Request, st *store.Status) {
	author, err := h.store.AccountByID(r.Context(), st.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/@"+author.Username+"/"+strconv.FormatInt(st.ID, 10), http.StatusFound)
}

// replyMentions starts a reply with the author's and the other mentioned
// people's handles, as Mastodon does, leaving out the one replying. The
// reply's visibility starts as the post's, so a followers-only thread
// stays among followers.
func replyMentions(viewer, author *store.Account, st *store.Status) string {
	var names []string
	seen := map[string]bool{strings.ToLower(viewer.Username): true}
	add := func(n string) {
		if k := strings.ToLower(n); !seen[k] {
			seen[k] = true
			names = append(names, "@"+n)
		}
	}
	add(author.Username)
	for _, m := range post.Parse(st.Text).Mentions {
		if m.Domain == "" {
			add(m.Username)
		}
	}
	if len(names) == 0 {
		return ""
	}
	return strings.Join(names, " ") + " "
}

// excerpt is the start of text, for titles: at most n characters, on one line.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return strings.TrimSpace(string(r[:n])) + "…"
}
