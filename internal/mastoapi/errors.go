package mastoapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// apiError is a response-ready failure: an HTTP status and a message safe
// to show to the client.
type apiError struct {
	Status int
	Msg    string
}

func (e *apiError) Error() string { return e.Msg }

func errorf(status int, msg string) error { return &apiError{Status: status, Msg: msg} }

var (
	errUnauthorized = errorf(http.StatusUnauthorized, "The access token is invalid")
	errNeedsUser    = errorf(http.StatusUnprocessableEntity, "This method requires an authenticated user")
	errScope        = errorf(http.StatusForbidden, "This action is outside the authorized scopes")
	errNotFound     = errorf(http.StatusNotFound, "Record not found")
)

// writeError is the one place where failures become responses. Domain
// errors carry their safe message; anything else is an internal error,
// logged in full and shown as a bare 500.
func (a *API) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	var se *social.Error
	var mbe *http.MaxBytesError
	status, msg := http.StatusInternalServerError, "Internal server error"
	switch {
	case errors.As(err, &ae):
		status, msg = ae.Status, ae.Msg
	case errors.As(err, &se):
		msg = se.Msg
		switch {
		case errors.Is(se.Kind, social.ErrInvalid):
			status = http.StatusUnprocessableEntity
		case errors.Is(se.Kind, social.ErrForbidden):
			status = http.StatusForbidden
		default:
			status = http.StatusNotFound
		}
	case errors.As(err, &mbe):
		status, msg = http.StatusRequestEntityTooLarge, "Request body too large"
	case errors.Is(err, store.ErrNotFound):
		status, msg = http.StatusNotFound, "Record not found"
	}
	if status >= 500 {
		a.Log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		slog.Debug("write response", "err", err) // the client went away
	}
}
