// Package metrics exposes what sada is doing in the Prometheus text format,
// through the official client: requests and their latency per route, posts by
// delivery, database time per operation, the load shedder's queues, and the
// Go runtime and process (memory, goroutines, CPU).
//
// Everything is registered on a Registry of its own, never the client's
// global one, so tests and several servers in one process do not collide.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// latencyBuckets cover 100 µs to 10 s: a home page read served from the
// page cache takes a few hundred microseconds, a post with fan-out a few
// milliseconds, and anything past a second is a problem to see.
var latencyBuckets = []float64{
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
}

// Metrics holds sada's collectors. Its fields are for the packages that
// update them; the zero value is not usable, call New.
type Metrics struct {
	Registry *prometheus.Registry

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge

	// Posts counts statuses created, by delivery ("fanout", "pull",
	// "direct") so that the cost of a surge can be read off.
	Posts *prometheus.CounterVec
	// StoreSeconds times store operations by name.
	StoreSeconds *prometheus.HistogramVec
	// Shed counts requests answered early, by lane and reason.
	Shed *prometheus.CounterVec
	// RateLimited counts requests refused by a rate limit, by kind.
	RateLimited *prometheus.CounterVec
	// BackgroundRows and BackgroundDone show the progress of background
	// migrations, by name.
	BackgroundRows *prometheus.GaugeVec
	BackgroundDone *prometheus.GaugeVec
}

// New registers sada's metrics and the Go and process collectors on a
// fresh registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sada_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sada_http_request_duration_seconds",
			Help:    "Time from reading a request's headers to the end of its handler, by route pattern.",
			Buckets: latencyBuckets,
		}, []string{"route"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "sada_http_requests_in_flight",
			Help: "Requests being handled now, streams included.",
		}),
		Posts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sada_posts_total",
			Help: "Statuses stored, by delivery: fanout (copied to followers' homes), pull (read at read time), direct.",
		}, []string{"delivery"}),
		StoreSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sada_store_operation_seconds",
			Help:    "Time spent in store (database) operations, by operation.",
			Buckets: latencyBuckets,
		}, []string{"op"}),
		Shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sada_shed_total",
			Help: "Requests answered 503 early because the server was full, by lane (read, write) and reason (queue_full, expected_wait, queue_timeout).",
		}, []string{"lane", "reason"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sada_rate_limited_total",
			Help: "Requests answered 429 by a rate limit, by limit (account, address).",
		}, []string{"limit"}),
		BackgroundRows: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sada_background_migration_rows",
			Help: "Rows a background migration has changed so far, by migration.",
		}, []string{"name"}),
		BackgroundDone: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sada_background_migration_done",
			Help: "1 once a background migration has finished, by migration.",
		}, []string{"name"}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight, m.Posts, m.StoreSeconds, m.Shed, m.RateLimited,
		m.BackgroundRows, m.BackgroundDone,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
}

// Gauge registers a gauge whose value is read from f at each scrape, for
// numbers another package already keeps (open streams, queue depths).
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// Counter registers a counter whose value is read from f at each scrape,
// for totals another package already keeps.
func (m *Metrics) Counter(name, help string, f func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
}

// Middleware counts and times every request by the ServeMux pattern that
// served it, such as "GET /api/v1/timelines/home": a bounded set of labels
// whatever paths clients send. It must wrap the ServeMux itself, because the
// mux records the pattern on the request it is given.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			m.inFlight.Dec()
			route := r.Pattern
			if route == "" {
				route = "unmatched" // shed or limited before routing, or a 404 of the mux
			}
			code := rec.code
			if code == 0 {
				code = http.StatusOK
			}
			m.requests.WithLabelValues(route, r.Method, strconv.Itoa(code)).Inc()
			m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status code. Unwrap lets http.ResponseController
// (and WebSocket libraries) reach the connection's writer, and Flush keeps
// Server-Sent Events streaming through it.
type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	_ = http.NewResponseController(r.ResponseWriter).Flush() // not every writer flushes; nothing to do then
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
