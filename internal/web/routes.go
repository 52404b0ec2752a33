package web

import "net/http"

// mux lists every page and action. Profiles and permalinks live at
// "/@name" and "/@name/ID"; the standard mux only matches whole segments,
// so those come in as "/{seg}" and "/{seg}/{id}" and are checked for the
// '@' in their handlers. Every POST has passed the CSRF check in the
// middleware before it gets here.
func (h *Web) mux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /public", h.public)
	mux.HandleFunc("GET /tags/{name}", h.tag) // also NAME.atom
	mux.HandleFunc("GET /{seg}", h.profile)   // /@name, /@name.atom
	mux.HandleFunc("GET /{seg}/{id}", h.permalink)
	mux.HandleFunc("GET /users/{name}", h.userURI)
	mux.HandleFunc("GET /notifications", h.notifications)
	mux.HandleFunc("GET /search", h.search)
	mux.HandleFunc("GET /web/stream", h.live) // the "N new posts" bar's events

	mux.HandleFunc("POST /statuses", h.compose)
	mux.HandleFunc("POST /p/{id}/favourite", h.statusAction(actFavourite))
	mux.HandleFunc("POST /p/{id}/unfavourite", h.statusAction(actUnfavourite))
	mux.HandleFunc("POST /p/{id}/reblog", h.statusAction(actReblog))
	mux.HandleFunc("POST /p/{id}/unreblog", h.statusAction(actUnreblog))
	mux.HandleFunc("GET /p/{id}/delete", h.confirmDelete)
	mux.HandleFunc("POST /p/{id}/delete", h.deleteStatus)
	mux.HandleFunc("POST /accounts/{id}/follow", h.follow)
	mux.HandleFunc("POST /accounts/{id}/unfollow", h.unfollow)
	mux.HandleFunc("POST /follow_requests/{id}/authorize", h.answerRequest(true))
	mux.HandleFunc("POST /follow_requests/{id}/reject", h.answerRequest(false))

	mux.HandleFunc("GET /login", h.loginForm)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /signup", h.signupForm)
	mux.HandleFunc("POST /signup", h.signupPost)
	mux.HandleFunc("GET /settings", h.settings)
	mux.HandleFunc("POST /settings", h.saveSettings)
	mux.HandleFunc("POST /settings/password", h.changePassword)
	mux.HandleFunc("POST /settings/phone", h.startPhone)
	mux.HandleFunc("POST /settings/phone/confirm", h.confirmPhone)
	mux.HandleFunc("POST /settings/phone/cancel", h.cancelPhone)
	mux.HandleFunc("POST /settings/phone/unlink", h.unlinkPhone)
	mux.HandleFunc("POST /settings/phone/updates", h.phoneUpdates)
	mux.HandleFunc("GET /lang/{code}", h.setLanguage)

	mux.HandleFunc("GET /static/{file}", h.static)
	mux.HandleFunc("GET /favicon.ico", h.favicon)
	mux.HandleFunc("/", h.notFound)
	return mux
}
