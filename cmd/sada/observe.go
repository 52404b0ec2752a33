package main

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"net/http"
	"net/http/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/limit"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/metrics"
	"github.com/sada-project/sada/internal/store"
)

// isStream says whether a request opens a long-lived stream: those are not
// rate limited per request nor held to a slot of the shedder, or a few
// hundred open streams would take every slot.
func isStream(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/v1/streaming") || strings.HasPrefix(r.URL.Path, "/web/stream")
}

// isOperator says whether a request is for /metrics, /debug/pprof or the
// health checks, which must keep answering during a surge: that is when
// one looks at them, and a load balancer must not take a busy node for a
// dead one.
func isOperator(r *http.Request) bool {
	switch r.URL.Path {
	case "/metrics", "/livez", "/readyz":
		return true
	}
	return strings.HasPrefix(r.URL.Path, "/debug/pprof")
}

// frontDoor wraps the mux in what every request passes first, outermost
// first: metrics (so refusals are counted too), rate limits, load shedding.
// It also puts /metrics and /debug/pprof on mux as cfg allows.
func frontDoor(cfg config.Config, st store.Store, mux *http.ServeMux, m *metrics.Metrics) http.Handler {
	lim := cfg.Limits()
	gate := adminGate(cfg)
	mux.Handle("GET /metrics", gate(m.Handler()))
	mux.Handle("/debug/pprof/", gate(pprofHandler()))

	shed := limit.NewShedder(limit.ShedderConfig{Reads: lim.Reads, Writes: lim.Writes, Queue: lim.Queue, Wait: lim.Wait})
	shed.Skip = func(r *http.Request) bool { return isStream(r) || isOperator(r) }
	shed.OnShed = func(lane, reason string) { m.Shed.WithLabelValues(lane, reason).Inc() }
	for _, lane := range []string{limit.LaneRead, limit.LaneWrite} {
		m.Gauge("sada_"+lane+"_lane_running", "Requests running now in the "+lane+" lane.",
			func() float64 { n, _ := shed.Depth(lane); return float64(n) })
		m.Gauge("sada_"+lane+"_lane_waiting", "Requests waiting for a turn in the "+lane+" lane.",
			func() float64 { _, n := shed.Depth(lane); return float64(n) })
	}
	if db, ok := st.(interface{ DBStats() (w, r sql.DBStats) }); ok {
		m.Counter("sada_db_writer_waits_total", "Times a write waited for SQLite's single writer connection.",
			func() float64 { w, _ := db.DBStats(); return float64(w.WaitCount) })
		m.Counter("sada_db_writer_wait_seconds_total", "Time writes spent waiting for the writer connection.",
			func() float64 { w, _ := db.DBStats(); return w.WaitDuration.Seconds() })
		m.Counter("sada_db_reader_waits_total", "Times a read waited for a free reader connection.",
			func() float64 { _, r := db.DBStats(); return float64(r.WaitCount) })
	}

	rl := &limit.Limits{
		Skip:      func(r *http.Request) bool { return isStream(r) || isOperator(r) },
		OnLimited: func(kind string) { m.RateLimited.WithLabelValues(kind).Inc() },
	}
	if !lim.Address.Off() {
		rl.Address = limit.NewLimiter(lim.Address.N, lim.Address.Per)
	}
	if !lim.Account.Off() {
		rl.Account = limit.NewLimiter(lim.Account.N, lim.Account.Per)
		keys := &limit.AccountKeys{Lookup: accountKey(st), TTL: time.Minute, Max: 100_000}
		rl.AccountKey = keys.Key
	}
	return m.Middleware(rl.Middleware(shed.Middleware(mux)))
}

// accountKey finds the account a bearer token acts for; an app's own token
// (client_credentials) is counted as the app.
func accountKey(st store.Store) func(ctx context.Context, tok string) (string, error) {
	return func(ctx context.Context, tok string) (string, error) {
		t, err := st.TokenByHash(ctx, mastoapi.HashToken(tok))
		if errors.Is(err, store.ErrNotFound) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if t.AccountID == 0 {
			return "app:" + strconv.FormatInt(t.AppID, 10), nil
		}
		return strconv.FormatInt(t.AccountID, 10), nil
	}
}

// adminGate guards /metrics and /debug/pprof on the main port: a request
// bearing the admin token may reach both; without a token configured and
// without an admin address, /metrics is open (it tells counts, not
// contents) and pprof stays closed. Anything refused is a plain 404, so the
// endpoints are not advertised.
func adminGate(cfg config.Config) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if cfg.AdminToken != "" {
				got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				if subtle.ConstantTimeCompare([]byte(got), []byte(cfg.AdminToken)) == 1 {
					h.ServeHTTP(w, r)
					return
				}
			} else if cfg.AdminAddr == "" && r.URL.Path == "/metrics" {
				h.ServeHTTP(w, r)
				return
			}
			http.NotFound(w, r)
		})
	}
}

// adminMux serves /metrics and /debug/pprof on the admin address, which is
// for operators only and so needs no token.
func adminMux(m *metrics.Metrics) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.Handle("/debug/pprof/", pprofHandler())
	return mux
}

// pprofHandler serves the runtime profiles under /debug/pprof/.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
