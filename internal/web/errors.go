package web

import (
	"errors"
	"net/http"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// pageError is a failure of this surface with the status it answers with
// and the catalogue key of what the reader is told.
type pageError struct {
	status int
	key    string
}

func (e *pageError) Error() string { return e.key }

var (
	errNotFound   = &pageError{http.StatusNotFound, "error.not_found"}
	errBadRequest = &pageError{http.StatusBadRequest, "error.bad_request"}
	errBadForm    = &pageError{http.StatusBadRequest, "error.bad_form"}
	errCSRF       = &pageError{http.StatusForbidden, "error.csrf"}
	errForbidden  = &pageError{http.StatusForbidden, "error.forbidden"}
)

type errorPage struct {
	page
	Status  int
	Message string
	Detail  string // the domain's own message, when it has one to show
}

// fail turns any error into an error page, the only place that does so:
// the domain's kinds and this package's pageErrors map to their status;
// anything else is logged and shown as a 500 that reveals nothing.
func (h *Web) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key, detail := http.StatusInternalServerError, "error.internal", ""
	var pe *pageError
	var se *social.Error
	switch {
	case errors.As(err, &pe):
		status, key = pe.status, pe.key
	case errors.Is(err, social.ErrNotFound), errors.Is(err, store.ErrNotFound):
		status, key = http.StatusNotFound, "error.not_found"
	case errors.As(err, &se) && errors.Is(err, social.ErrForbidden):
		status, key, detail = http.StatusForbidden, "error.forbidden", se.Msg
	case errors.As(err, &se) && errors.Is(err, social.ErrInvalid):
		status, key, detail = http.StatusUnprocessableEntity, "error.invalid", se.Msg
	default:
		h.log.Error("web: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	p := h.page(r, "", "")
	p.Title = p.L.T("error.title")
	h.render(w, r, status, "error", errorPage{page: p, Status: status, Message: p.L.T(key), Detail: detail})
}

// notFound is the page for every unknown path.
func (h *Web) notFound(w http.ResponseWriter, r *http.Request) {
	h.fail(w, r, errNotFound)
}
