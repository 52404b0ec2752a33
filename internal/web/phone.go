package web

import (
	"errors"
	"net/http"

	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/social"
)

// The phone section of the settings page links a number for SMS (package
// sms): a number is asked for, a code is texted to it, and the number is
// linked once the code is typed here or texted back. Each form posts to
// one of these handlers and is answered with a redirect back to the
// section, or with the settings page and the reason when refused. With
// SMS off (h.sms nil) the section is left out and the routes are 404.

// phoneSection is what the settings page shows about the viewer's phone.
type phoneSection struct {
	Number   string // the linked number, "" when none
	Updates  bool   // texts to the linked number are on
	Pending  string // the number a code was sent to, waiting for it
	TextBack string // where the code can be texted back to, "" if unknown
	Input    string // the number typed, shown again when refused
	Error    string
}

// phoneSection loads the viewer's phone; SMS must be on.
func (h *Web) phoneSection(r *http.Request) (*phoneSection, error) {
	ctx, ac := r.Context(), visitOf(r).viewer
	ps := &phoneSection{TextBack: h.smsNumber}
	p, err := h.sms.Phone(ctx, ac)
	switch {
	case err == nil:
		ps.Number, ps.Updates = p.Number, p.Updates
		return ps, nil
	case !errors.Is(err, social.ErrNotFound):
		return nil, err
	}
	ps.Pending, err = h.sms.PendingNumber(ctx, ac)
	return ps, err
}

// phoneDone ends a phone form: back to the section on success; the
// settings page with the reason when package sms refused; an error page
// otherwise. input is the number typed, if the form had one.
func (h *Web) phoneDone(w http.ResponseWriter, r *http.Request, err error, input, saved string) {
	var le *sms.LinkError
	if err != nil && !errors.As(err, &le) {
		h.fail(w, r, err)
		return
	}
	if err == nil {
		redirect(w, r, "/settings?saved="+saved+"#phone")
		return
	}
	sp, perr := h.settingsPage(r)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	sp.Phone.Input = input
	// Each refusal has a message in every language, keyed by its code.
	sp.Phone.Error = sp.L.T("phone_" + le.Code)
	status := http.StatusUnprocessableEntity
	if errors.Is(err, social.ErrForbidden) {
		status = http.StatusForbidden
	}
	h.render(w, r, status, "settings", sp)
}

// phoneViewer is signedIn for the phone forms, which do not exist with
// SMS off.
func (h *Web) phoneViewer(w http.ResponseWriter, r *http.Request) (*visit, bool) {
	if h.sms == nil {
		h.notFound(w, r)
		return nil, false
	}
	return h.signedIn(w, r)
}

// startPhone is POST /settings/phone: text a code to the number given.
func (h *Web) startPhone(w http.ResponseWriter, r *http.Request) {
	v, ok := h.phoneViewer(w, r)
	if !ok {
		return
	}
	number := r.PostForm.Get("phone")
	_, err := h.sms.StartLink(r.Context(), v.viewer, number)
	h.phoneDone(w, r, err, number, "phone_code")
}

// confirmPhone is POST /settings/phone/confirm: the code texted.
func (h *Web) confirmPhone(w http.ResponseWriter, r *http.Request) {
	v, ok := h.phoneViewer(w, r)
	if !ok {
		return
	}
	_, err := h.sms.ConfirmLink(r.Context(), v.viewer, r.PostForm.Get("code"))
	h.phoneDone(w, r, err, "", "phone_linked")
}

// cancelPhone is POST /settings/phone/cancel: forget the code sent, to
// enter another number. A number linked meanwhile (the code texted back)
// stays linked: cancelling a code is not unlinking.
func (h *Web) cancelPhone(w http.ResponseWriter, r *http.Request) {
	v, ok := h.phoneViewer(w, r)
	if !ok {
		return
	}
	_, err := h.sms.Phone(r.Context(), v.viewer)
	switch {
	case err == nil:
		redirect(w, r, "/settings#phone")
		return
	case errors.Is(err, social.ErrNotFound):
		err = h.sms.Unlink(r.Context(), v.viewer) // drops the code
	}
	h.phoneDone(w, r, err, "", "phone_cancelled")
}

// unlinkPhone is POST /settings/phone/unlink, one click.
func (h *Web) unlinkPhone(w http.ResponseWriter, r *http.Request) {
	v, ok := h.phoneViewer(w, r)
	if !ok {
		return
	}
	h.phoneDone(w, r, h.sms.Unlink(r.Context(), v.viewer), "", "phone_unlinked")
}

// phoneUpdates is POST /settings/phone/updates: all texts on ("1") or off.
func (h *Web) phoneUpdates(w http.ResponseWriter, r *http.Request) {
	v, ok := h.phoneViewer(w, r)
	if !ok {
		return
	}
	on := r.PostForm.Get("updates")
	if on != "1" && on != "0" {
		h.fail(w, r, errBadForm)
		return
	}
	h.phoneDone(w, r, h.sms.SetUpdates(r.Context(), v.viewer, on == "1"), "", "phone_updates")
}
