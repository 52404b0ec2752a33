package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// composeForm is the post box: on home, under a permalink as the reply
// form, and alone on the page that shows why a post was refused.
type composeForm struct {
	L          *locale
	CSRF       string
	Text       string
	Visibility store.Visibility
	InReplyTo  int64
	Error      string
	Back       string // where it returns to, when not the page it is on
}

// Max is the limit the character counter counts towards.
func (composeForm) Max() int { return post.MaxLength }

// Visibilities are the choices of the visibility menu.
func (composeForm) Visibilities() []store.Visibility {
	return []store.Visibility{store.Public, store.Unlisted, store.Private, store.Direct}
}

// composeFor completes a compose form for page p.
func composeFor(p page, f composeForm) *composeForm {
	f.L, f.CSRF = p.L, p.CSRF
	if f.Back == "" {
		f.Back = p.Here
	}
	if f.Visibility == "" {
		f.Visibility = store.Public
	}
	return &f
}

type composePage struct {
	page
	Form   *composeForm
	Parent []postView // what the refused reply answers, if it is one
}

// compose is POST /statuses: a new post or a reply. It returns to the page
// the form was on; a refused post comes back on a page of its own with the
// reason and the text as typed, so nothing written is lost.
func (h *Web) compose(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	f := composeForm{Text: r.PostForm.Get("text"), Visibility: store.Visibility(r.PostForm.Get("visibility")), Back: back(r, "")}
	if s := r.PostForm.Get("in_reply_to_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			h.fail(w, r, errBadForm)
			return
		}
		f.InReplyTo = id
	}
	st, err := h.social.Post(r.Context(), v.viewer, social.PostInput{
		Text: f.Text, Visibility: f.Visibility, InReplyToID: f.InReplyTo,
	})
	if errors.Is(err, social.ErrInvalid) || errors.Is(err, social.ErrNotFound) && f.InReplyTo != 0 {
		f.Error = composeMessage(v.loc, f.Text, err)
		h.renderCompose(w, r, f)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, back(r, "p-"+strconv.FormatInt(st.ID, 10)))
}

// renderCompose shows a refused post again with the reason.
func (h *Web) renderCompose(w http.ResponseWriter, r *http.Request, f composeForm) {
	v := visitOf(r)
	p := h.page(r, v.loc.T("compose.title"), "")
	p.Here = f.Back // the form returns where the original one would have
	cp := composePage{page: p, Form: composeFor(p, f)}
	if f.InReplyTo != 0 {
		if parent, err := h.social.Status(r.Context(), v.viewer, f.InReplyTo); err == nil {
			cp.Parent, _ = h.loadPosts(r.Context(), v, []*store.Status{parent})
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, "compose", cp)
}

// composeMessage says in the reader's language why text was refused: the
// text rules' own verdict where there is one, then the domain's message.
func composeMessage(l *locale, text string, err error) string {
	if _, cerr := post.Check(text); cerr != nil {
		var tl *post.TooLongError
		switch {
		case errors.As(cerr, &tl):
			return l.T("compose.too_long", "n", tl.Length, "max", tl.Max)
		case errors.Is(cerr, post.ErrEmpty):
			return l.T("compose.empty")
		case errors.Is(cerr, post.ErrForbiddenChar), errors.Is(cerr, post.ErrInvalidUTF8):
			return l.T("compose.bad_char")
		}
	}
	if errors.Is(err, social.ErrNotFound) {
		return l.T("compose.reply_gone")
	}
	var se *social.Error
	if errors.As(err, &se) {
		return se.Msg
	}
	return l.T("error.internal")
}
