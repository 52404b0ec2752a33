package web

import "net/http"

// follow is POST /accounts/ID/follow: follow, or ask to when the account
// is locked (social decides which).
func (h *Web) follow(w http.ResponseWriter, r *http.Request) { h.followAction(w, r, true) }

// unfollow is POST /accounts/ID/unfollow: unfollow, or withdraw a request.
func (h *Web) unfollow(w http.ResponseWriter, r *http.Request) { h.followAction(w, r, false) }

func (h *Web) followAction(w http.ResponseWriter, r *http.Request, follow bool) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if follow {
		_, err = h.social.Follow(r.Context(), v.viewer, id)
	} else {
		_, err = h.social.Unfollow(r.Context(), v.viewer, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	redirect(w, r, back(r, ""))
}

// answerRequest is POST /follow_requests/ID/authorize or /reject, from the
// notifications of a locked account.
func (h *Web) answerRequest(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.signedIn(w, r)
		if !ok {
			return
		}
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, err := h.social.AnswerRequest(r.Context(), v.viewer, id, accept); err != nil {
			h.fail(w, r, err)
			return
		}
		redirect(w, r, back(r, ""))
	}
}
