package web

import (
	"errors"
	"net/http"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/social"
)

type settingsPage struct {
	page
	DisplayName   string
	Note          string
	Locked        bool
	Language      string // "" follows the browser
	Saved         string // which form was just saved: "profile", "password", "phone_…"
	ProfileError  string
	PasswordError string
	MaxName       int
	MaxNote       int
	Phone         *phoneSection // nil when SMS is off
}

func (h *Web) settingsPage(r *http.Request) (settingsPage, error) {
	v := visitOf(r)
	ac := v.viewer
	sp := settingsPage{
		page:        h.page(r, v.loc.T("settings.title"), "settings"),
		DisplayName: ac.DisplayName, Note: ac.Note, Locked: ac.Locked, Language: ac.Language,
		MaxName: account.MaxDisplayName, MaxNote: account.MaxNote,
	}
	if h.sms != nil {
		var err error
		if sp.Phone, err = h.phoneSection(r); err != nil {
			return sp, err
		}
	}
	return sp, nil
}

// settings is GET /settings: profile, language, password, and phone.
func (h *Web) settings(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.signedIn(w, r); !ok {
		return
	}
	sp, err := h.settingsPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	switch s := r.URL.Query().Get("saved"); s {
	case "profile", "password", "phone_code", "phone_linked", "phone_cancelled", "phone_unlinked", "phone_updates":
		sp.Saved = s
	}
	h.render(w, r, http.StatusOK, "settings", sp)
}

// saveSettings is POST /settings: display name, bio, locked, language.
func (h *Web) saveSettings(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	name, note, lang := f.Get("display_name"), f.Get("note"), f.Get("language")
	locked := f.Get("locked") == "1"
	if _, ok := locales[lang]; !ok && lang != "" {
		h.fail(w, r, errBadForm)
		return
	}
	_, err := h.social.UpdateProfile(r.Context(), v.viewer, social.Profile{DisplayName: &name, Note: &note, Language: &lang, Locked: &locked})
	if errors.Is(err, social.ErrInvalid) {
		sp, perr := h.settingsPage(r)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		sp.DisplayName, sp.Note, sp.Locked, sp.Language = name, note, locked, lang
		var se *social.Error
		errors.As(err, &se)
		sp.ProfileError = se.Msg
		h.render(w, r, http.StatusUnprocessableEntity, "settings", sp)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The account's language now decides; a footer choice made earlier
	// would otherwise hide the new setting on this browser.
	h.clearCookie(w, r, langCookie)
	redirect(w, r, "/settings?saved=profile")
}

// changePassword is POST /settings/password. It ends every other session
// of the account, so a change made because of a leak locks the leak out.
func (h *Web) changePassword(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	next := f.Get("new_password")
	msg := ""
	switch perr := account.CheckPassword(next); {
	case errors.Is(perr, account.ErrPasswordShort):
		msg = v.loc.T("password.short", "min", account.MinPassword)
	case errors.Is(perr, account.ErrPasswordLong):
		msg = v.loc.T("password.long")
	case next != f.Get("confirm_password"):
		msg = v.loc.T("password.mismatch")
	}
	if msg == "" {
		err := h.social.ChangePassword(r.Context(), v.viewer, f.Get("current_password"), next)
		switch {
		case errors.Is(err, social.ErrWrongPassword):
			msg = v.loc.T("password.wrong")
		case errors.Is(err, social.ErrInvalid):
			var se *social.Error
			errors.As(err, &se)
			msg = se.Msg
		case err != nil:
			h.fail(w, r, err)
			return
		}
	}
	if msg != "" {
		sp, err := h.settingsPage(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		sp.PasswordError = msg
		h.render(w, r, http.StatusUnprocessableEntity, "settings", sp)
		return
	}
	if err := h.store.DeleteAccountSessions(r.Context(), v.viewer.ID, v.session); err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, "/settings?saved=password")
}
