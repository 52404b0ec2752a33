package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/social"
)

type signupPage struct {
	page
	Open     bool
	Username string
	Email    string
	Error    string
}

// signupForm is GET /signup.
func (h *Web) signupForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if v.viewer != nil {
		redirect(w, r, "/")
		return
	}
	h.render(w, r, http.StatusOK, "signup", signupPage{page: h.page(r, v.loc.T("signup.title"), "signup"), Open: h.signup})
}

// signupPost is POST /signup: create the account in the reader's current
// interface language, sign it in, and go home.
func (h *Web) signupPost(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	if !h.signup {
		h.fail(w, r, errForbidden)
		return
	}
	sp := signupPage{
		page: h.page(r, v.loc.T("signup.title"), "signup"), Open: true,
		Username: strings.TrimSpace(r.PostForm.Get("username")), Email: strings.TrimSpace(r.PostForm.Get("email")),
	}
	password := r.PostForm.Get("password")
	ac, err := h.social.Register(r.Context(), social.NewAccount{
		Username: sp.Username, Email: sp.Email, Password: password, Language: v.loc.Lang,
	})
	if errors.Is(err, social.ErrInvalid) {
		sp.Error = h.signupMessage(r, sp.Username, password, err)
		h.render(w, r, http.StatusUnprocessableEntity, "signup", sp)
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
	redirect(w, r, "/")
}

// signupMessage says in the reader's language why a sign-up was refused,
// asking the account rules which one failed.
func (h *Web) signupMessage(r *http.Request, username, password string, err error) string {
	l := visitOf(r).loc
	switch uerr := account.CheckUsername(username); {
	case errors.Is(uerr, account.ErrUsernameEmpty):
		return l.T("signup.username_empty")
	case errors.Is(uerr, account.ErrUsernameTooLong):
		return l.T("signup.username_long", "max", account.MaxUsername)
	case errors.Is(uerr, account.ErrUsernameChars):
		return l.T("signup.username_chars")
	case errors.Is(uerr, account.ErrUsernameReserved):
		return l.T("signup.username_reserved")
	}
	switch perr := account.CheckPassword(password); {
	case errors.Is(perr, account.ErrPasswordShort):
		return l.T("password.short", "min", account.MinPassword)
	case errors.Is(perr, account.ErrPasswordLong):
		return l.T("password.long")
	}
	if _, lerr := h.store.AccountByUsername(r.Context(), username); lerr == nil {
		return l.T("signup.taken")
	}
	var se *social.Error
	if errors.As(err, &se) {
		return se.Msg
	}
	return l.T("error.internal")
}
