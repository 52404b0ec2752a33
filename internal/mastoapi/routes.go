package mastoapi

import "net/http"

// Routes registers every API route on mux.
func (a *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/apps", a.open("", a.createApp))
	mux.HandleFunc("GET /api/v1/apps/verify_credentials", a.app("", a.verifyApp))
	mux.HandleFunc("GET /oauth/authorize", a.authorizeForm)
	mux.HandleFunc("POST /oauth/authorize", a.authorize)
	mux.HandleFunc("POST /oauth/token", a.token)
	mux.HandleFunc("POST /oauth/revoke", a.revoke)
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", a.wellKnown)

	mux.HandleFunc("POST /api/v1/accounts", a.app("write:accounts", a.register))
	mux.HandleFunc("GET /api/v1/accounts/verify_credentials", a.user("read:accounts", a.verifyCredentials))
	mux.HandleFunc("PATCH /api/v1/accounts/update_credentials", a.user("write:accounts", a.updateCredentials))
	mux.HandleFunc("GET /api/v1/accounts/lookup", a.open("read:accounts", a.lookup))
	mux.HandleFunc("GET /api/v1/accounts/relationships", a.user("read:follows", a.relationships))
	mux.HandleFunc("GET /api/v1/accounts/{id}", a.open("read:accounts", a.getAccount))
	mux.HandleFunc("GET /api/v1/accounts/{id}/statuses", a.open("read:statuses", a.accountStatuses))
	mux.HandleFunc("GET /api/v1/accounts/{id}/followers", a.open("read:accounts", a.follows(followersOf)))
	mux.HandleFunc("GET /api/v1/accounts/{id}/following", a.open("read:accounts", a.follows(followingOf)))
	mux.HandleFunc("POST /api/v1/accounts/{id}/follow", a.user("write:follows", a.follow))
	mux.HandleFunc("POST /api/v1/accounts/{id}/unfollow", a.user("write:follows", a.unfollow))
	mux.HandleFunc("GET /api/v1/follow_requests", a.user("read:follows", a.followRequests))
	mux.HandleFunc("POST /api/v1/follow_requests/{id}/authorize", a.user("write:follows", a.answerRequest(true)))
	mux.HandleFunc("POST /api/v1/follow_requests/{id}/reject", a.user("write:follows", a.answerRequest(false)))

	mux.HandleFunc("POST /api/v1/statuses", a.user("write:statuses", a.createStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}", a.open("read:statuses", a.getStatus))
	mux.HandleFunc("DELETE /api/v1/statuses/{id}", a.user("write:statuses", a.deleteStatus))
	mux.HandleFunc("GET /api/v1/statuses/{id}/context", a.open("read:statuses", a.statusContext))
	mux.HandleFunc("POST /api/v1/statuses/{id}/reblog", a.user("write:statuses", a.statusAction(reblog)))
	mux.HandleFunc("POST /api/v1/statuses/{id}/unreblog", a.user("write:statuses", a.statusAction(unreblog)))
	mux.HandleFunc("POST /api/v1/statuses/{id}/favourite", a.user("write:favourites", a.statusAction(favourite)))
	mux.HandleFunc("POST /api/v1/statuses/{id}/unfavourite", a.user("write:favourites", a.statusAction(unfavourite)))
	mux.HandleFunc("GET /api/v1/statuses/{id}/reblogged_by", a.open("read:accounts", a.statusAccounts(rebloggedBy)))
	mux.HandleFunc("GET /api/v1/statuses/{id}/favourited_by", a.open("read:accounts", a.statusAccounts(favouritedBy)))
	mux.HandleFunc("GET /api/v1/favourites", a.user("read:favourites", a.favourites))

	mux.HandleFunc("GET /api/v1/timelines/home", a.user("read:statuses", a.homeTimeline))
	mux.HandleFunc("GET /api/v1/timelines/public", a.open("read:statuses", a.publicTimeline))
	mux.HandleFunc("GET /api/v1/timelines/tag/{hashtag}", a.open("read:statuses", a.tagTimeline))

	mux.HandleFunc("GET /api/v1/notifications", a.user("read:notifications", a.notifications))
	mux.HandleFunc("GET /api/v1/notifications/{id}", a.user("read:notifications", a.notification))
	mux.HandleFunc("POST /api/v1/notifications/clear", a.user("write:notifications", a.clearNotifications))
	mux.HandleFunc("POST /api/v1/notifications/{id}/dismiss", a.user("write:notifications", a.dismissNotification))

	// Some clients ask with a trailing slash; {$} keeps that one path from
	// matching everything below it.
	for _, p := range []string{"/api/v1/instance", "/api/v1/instance/{$}"} {
		mux.HandleFunc("GET "+p, a.open("", a.instanceV1))
	}
	for _, p := range []string{"/api/v2/instance", "/api/v2/instance/{$}"} {
		mux.HandleFunc("GET "+p, a.open("", a.instanceV2))
	}
	mux.HandleFunc("GET /api/v1/instance/peers", a.open("", a.emptyList))
	mux.HandleFunc("GET /api/v1/custom_emojis", a.open("", a.emptyList))
	mux.HandleFunc("GET "+avatarPath, servePNG(avatarPNG))
	mux.HandleFunc("GET "+headerPath, servePNG(headerPNG))
	a.realtimeRoutes(mux) // streaming, search, trends (streaming.go)
	// Anything else under /api answers in JSON, as clients expect.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
	})
}
