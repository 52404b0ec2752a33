package web

import (
	"errors"
	"net/http"

	"github.com/sada-project/sada/internal/social"
)

type loginPage struct {
	page
	Login string
	Next  string
	Error string
}

// loginForm is GET /login.
func (h *Web) loginForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	next := localPath(r.URL.Query().Get("next"))
	if v.viewer != nil {
		redirect(w, r, next)
		return
	}
	h.render(w, r, http.StatusOK, "login", loginPage{page: h.page(r, v.loc.T("login.title"), "login"), Next: next})
}

// login is POST /login: check the password, start a session, and go to
// where the reader was sent here from.
func (h *Web) login(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	login, next := r.PostForm.Get("login"), localPath(r.PostForm.Get("next"))
	ac, err := h.social.Authenticate(r.Context(), login, r.PostForm.Get("password"))
	if errors.Is(err, social.ErrForbidden) {
		h.render(w, r, http.StatusUnprocessableEntity, "login", loginPage{
			page: h.page(r, v.loc.T("login.title"), "login"), Login: login, Next: next, Error: v.loc.T("login.failed"),
		})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.startSession(w, r, ac); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, next)
}

// logout is POST /logout: end this browser's session only.
func (h *Web) logout(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if v.session != "" {
		if err := h.store.DeleteSession(r.Context(), v.session); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.clearCookie(w, r, sessionCookie)
	redirect(w, r, "/")
}
