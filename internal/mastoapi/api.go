// Package mastoapi serves the Mastodon client API, so that existing apps
// and libraries work with sada unchanged. Routes are in routes.go; each
// resource has its own file; entities.go has the JSON shapes.
package mastoapi

import (
	"log/slog"
	"net/url"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// Version is what /api/v1/instance reports. Clients compare the Mastodon
// version at the front to decide which features to use.
const Version = "4.2.0 (compatible; sada 0.1.0)"

// API holds what the handlers need.
type API struct {
	Store   store.Store
	Social  *social.Service
	Config  config.Config
	Log     *slog.Logger
	BaseURL string // scheme://domain, no trailing slash
	Domain  string
}

// New wires an API.
func New(cfg config.Config, st store.Store, svc *social.Service, log *slog.Logger) *API {
	return &API{Store: st, Social: svc, Config: cfg, Log: log, BaseURL: cfg.BaseURL(), Domain: cfg.Domain}
}

func pathEscape(s string) string { return url.PathEscape(s) }
