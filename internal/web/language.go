package web

import (
	"net/http"
	"time"
)

// setLanguage is GET /lang/CODE?back=PATH, the footer's language links: it
// remembers the choice in a cookie for this browser and goes back. It
// changes nothing but the interface language, so it is a plain link rather
// than a form.
func (h *Web) setLanguage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	if _, ok := locales[code]; !ok {
		h.notFound(w, r)
		return
	}
	h.setCookie(w, r, langCookie, code, 365*24*time.Hour)
	redirect(w, r, localPath(r.URL.Query().Get("back")))
}
