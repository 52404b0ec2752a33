package metrics

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// fakeStore answers CreateStatus and nothing else.
type fakeStore struct{ store.Store }

func (fakeStore) CreateStatus(_ context.Context, n store.NewStatus) (*store.Status, bool, error) {
	return n.Status, false, nil
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q, want the text format", ct)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExposition(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/timelines/home", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /api/v1/statuses", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusUnprocessableEntity)
	})
	h := m.Middleware(mux)
	for _, r := range []*http.Request{
		httptest.NewRequest("GET", "/api/v1/timelines/home?limit=5", nil),
		httptest.NewRequest("GET", "/api/v1/timelines/home", nil),
		httptest.NewRequest("POST", "/api/v1/statuses", nil),
		httptest.NewRequest("GET", "/nowhere/12345", nil),
	} {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	st := m.WrapStore(fakeStore{})
	for _, n := range []store.NewStatus{
		{Status: &store.Status{ID: 1, Visibility: store.Public}, FanOutToFollowers: true},
		{Status: &store.Status{ID: 2, Visibility: store.Public}, MarkPull: true},
		{Status: &store.Status{ID: 3, Visibility: store.Direct}},
	} {
		if _, _, err := st.CreateStatus(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	m.Gauge("sada_test_depth", "A test gauge.", func() float64 { return 7 })
	m.Counter("sada_test_events_total", "A test counter.", func() float64 { return 3 })
	m.Shed.WithLabelValues("write", "queue_full").Inc()

	out := scrape(t, m)
	for _, want := range []string{
		`sada_http_requests_total{code="200",method="GET",route="GET /api/v1/timelines/home"} 2`,
		`sada_http_requests_total{code="422",method="POST",route="POST /api/v1/statuses"} 1`,
		`sada_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`sada_http_request_duration_seconds_count{route="GET /api/v1/timelines/home"} 2`,
		`sada_http_request_duration_seconds_bucket{route="POST /api/v1/statuses",le="+Inf"} 1`,
		`sada_posts_total{delivery="fanout"} 1`,
		`sada_posts_total{delivery="pull"} 1`,
		`sada_posts_total{delivery="direct"} 1`,
		`sada_store_operation_seconds_count{op="CreateStatus"} 3`,
		`sada_shed_total{lane="write",reason="queue_full"} 1`,
		`sada_test_depth 7`,
		`sada_test_events_total 3`,
		`sada_http_requests_in_flight 0`,
		"go_memstats_heap_inuse_bytes ",
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(out, "/nowhere/12345") {
		t.Error("/metrics has a raw path as a label; labels must stay bounded")
	}
}

// TestRecorderFlushes checks that a stream written through the middleware
// still reaches the client as it is written.
func TestRecorderFlushes(t *testing.T) {
	m := New()
	flushed := false
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := w.(http.Flusher)
		if !ok {
			t.Error("the middleware's writer is not an http.Flusher")
			return
		}
		_, _ = w.Write([]byte("event: update\n\n"))
		f.Flush()
		flushed = true
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/streaming/user", nil))
	if !flushed || !rec.Flushed {
		t.Fatalf("flushed=%v, recorder flushed=%v; want both", flushed, rec.Flushed)
	}
}
