// Package web is sada's interface for people: HTML pages served by the same
// process and port as the API, at "/". Every page works without JavaScript
// on a slow phone: each action is a plain form POST answered with a redirect
// back (post/redirect/get), and the small script in static/ only enhances
// (a live character counter, local times). Pages are translated into
// English, Arabic and Persian and mirror for right-to-left; see i18n.go.
//
// Routes are in routes.go, one file per page or action. Rules about who may
// post, see or follow what live in package social; this package parses the
// request, calls social and renders. Errors become pages in one function,
// fail in errors.go.
package web

import (
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/trends"
)

// Web holds what the pages need. Make one with New.
type Web struct {
	store   store.Store
	social  *social.Service
	log     *slog.Logger
	baseURL string // scheme://domain, no trailing slash; links in posts and feeds
	domain  string
	site    string // instance title
	about   string // instance description
	signup  bool   // registrations are open
	// sms links phone numbers on the settings page; nil when SMS is off,
	// and then the page has no phone section. smsNumber is the number
	// or short code people text, where a link code can be texted back.
	sms       *sms.Service
	smsNumber string
	// secure marks cookies Secure (and __Host-) when the public URL is
	// https; a request that arrived over TLS gets them regardless.
	secure  bool
	now     func() time.Time
	trends  *trends.Ranker // the home page's sidebar
	pages   map[string]*template.Template
	assets  *assets
	handler http.Handler
}

// New wires the web interface; texts is nil when SMS is off. It fails
// only if an embedded template or catalogue is broken, which the tests
// catch first.
func New(cfg config.Config, st store.Store, svc *social.Service, texts *sms.Service, log *slog.Logger) (*Web, error) {
	h := &Web{
		store: st, social: svc, log: log, sms: texts, smsNumber: cfg.SMSSettings().Number,
		baseURL: cfg.BaseURL(), domain: cfg.Domain, site: cfg.Title, about: cfg.Description,
		signup: cfg.Registrations == config.RegistrationsOpen,
		now:    time.Now, trends: trends.New(st),
	}
	h.secure = strings.HasPrefix(h.baseURL, "https://")
	var err error
	if h.assets, err = loadAssets(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if h.pages, err = loadTemplates(); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	h.handler = h.middleware(h.mux())
	return h, nil
}

// Routes mounts the web interface on mux at "/": the least specific
// pattern, so the API's /api/, /oauth/ and /.well-known/ routes keep
// answering themselves and everything else is a page.
func (h *Web) Routes(mux *http.ServeMux) {
	mux.Handle("/", h.handler)
}

// ServeHTTP serves the web interface alone (tests, or a mux of one's own).
func (h *Web) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.handler.ServeHTTP(w, r)
}
