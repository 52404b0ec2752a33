package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/loadgen"
	"github.com/sada-project/sada/internal/metrics"
)

// benchServer starts sada serve as a child process (one process can hold
// only one server: the upgrade machinery is process-wide) on a free
// loopback port, and returns its URL.
func benchServer(t *testing.T, extra ...string) string {
	t.Helper()
	return startServer(t, t.TempDir(), extra...).URL
}

// TestBenchReport runs sada bench briefly against a real server with a
// small population and checks the report's shape (never its speed).
func TestBenchReport(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds through the API")
	}
	base := benchServer(t)
	save := t.TempDir() + "/pop.json"
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"bench", "--target", base, "--accounts", "8", "--follows", "3",
		"--posts", "20", "--duration", "300ms", "--concurrency", "4", "--streams", "4", "--stream-posts", "3",
		"--workloads", "home,post,mix,stream,search,surge", "--surge-rate", "20", "--surge-concurrency", "8",
		"--save", save, "--json", "--quiet"}, &stdout, &stderr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("sada bench: %v\nstderr:\n%s", err, stderr.String())
	}
	var rep loadgen.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, stdout.String())
	}
	if rep.Target != base || rep.Concurrency != 4 || rep.Population.Accounts != 8 || rep.Population.Posts != 20 {
		t.Errorf("report header: target %q, concurrency %d, population %+v", rep.Target, rep.Concurrency, rep.Population)
	}
	if rep.Baseline == nil || rep.Baseline.Requests == 0 || rep.Baseline.Latency == nil {
		t.Errorf("baseline missing or empty: %+v", rep.Baseline)
	}
	if rep.IdleMemory == nil || rep.IdleMemory.RSSBytes == 0 {
		t.Errorf("no server memory from /metrics: %+v (notes %v)", rep.IdleMemory, rep.Notes)
	}
	got := map[string]loadgen.WorkloadReport{}
	var names []string
	for _, w := range rep.Workloads {
		got[w.Name] = w
		names = append(names, w.Name)
	}
	want := []string{"home", "post", "mix", "stream", "search", "surge 1x", "surge 10x", "surge after", "surge verify"}
	if strings.Join(names, ",") != strings.Join(want, ",") {
		t.Fatalf("workloads %v, want %v", names, want)
	}
	for _, name := range []string{"home", "post", "mix", "surge 1x", "surge after"} {
		w := got[name]
		if !w.Available || w.Requests == 0 || w.Statuses["200"] == 0 || w.Latency == nil || w.Latency.P99 < w.Latency.P50 {
			t.Errorf("%s: want answered requests with 200s and latency percentiles, got %+v", name, w)
		}
		if w.ServerMemory == nil {
			t.Errorf("%s: no server memory after the workload", name)
		}
	}
	if w := got["home"]; w.OfBaseline <= 0 {
		t.Errorf("home: no fraction of the baseline: %+v", w)
	}
	// Streaming and search are reported as unavailable when the server
	// lacks them, and measured when it has them.
	for _, name := range []string{"stream", "search"} {
		w := got[name]
		switch {
		case !w.Available && !strings.Contains(w.Note, "not available"):
			t.Errorf("%s: unavailable without saying why: %+v", name, w)
		case w.Available && name == "stream" && (w.Delivery == nil || w.Delivery.Streams == 0):
			t.Errorf("stream: available but no delivery figures: %+v", w)
		case w.Available && name == "search" && w.Requests == 0:
			t.Errorf("search: available but no requests: %+v", w)
		}
	}
	v := got["surge verify"].Verify
	if v == nil || v.Acknowledged == 0 || v.Found != v.Acknowledged || len(v.Missing) != 0 {
		t.Errorf("surge verify: want every acknowledged post found, got %+v", v)
	}

	// The saved population runs again without seeding, and prints text.
	stdout.Reset()
	err = run(context.Background(), []string{"bench", "--target", base, "--population", save, "--workloads", "home",
		"--duration", "200ms", "--concurrency", "2", "--no-baseline", "--quiet"}, &stdout, &stderr,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("sada bench --population: %v", err)
	}
	for _, want := range []string{"workload", "home", "p99 ms", "statuses 200:"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestBenchRefusesRemoteTargets keeps load on this machine.
func TestBenchRefusesRemoteTargets(t *testing.T) {
	for _, target := range []string{"http://192.0.2.10:8080", "http://10.0.0.1", "https://[2001:db8::1]/"} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"bench", "--target", target, "--quiet"}, &stdout, &stderr,
			slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("bench --target %s: error %v, want a refusal naming loopback", target, err)
		}
	}
}

// TestSurgeShedsAndRecovers floods a server whose write lane holds one
// request with one waiting, and checks the promise of issue 7: the excess
// is answered 503 with Retry-After (not left to time out), every post that
// was acknowledged is stored, and once the surge passes posting works
// again. It asserts status codes and headers, never durations.
func TestSurgeShedsAndRecovers(t *testing.T) {
	base := benchServer(t, "--max-writes", "1", "--max-queue", "1", "--queue-wait", "10ms")
	c, err := loadgen.NewClient(base, 64, false)
	if err != nil {
		t.Fatal(err)
	}
	pop, err := loadgen.Seed(context.Background(), c, loadgen.SeedConfig{Accounts: 2, MeanFollows: 1, Posts: 0, Concurrency: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tok := pop.Accounts[0].Token
	post := func(i int) (int, string, string) {
		resp, err := c.Do(context.Background(), "POST", "/api/v1/statuses", tok,
			url.Values{"status": {fmt.Sprintf("خبر %d #surge", i)}}, true)
		if err != nil {
			t.Errorf("post %d: no answer: %v", i, err)
			return 0, "", ""
		}
		var st struct{ ID string }
		_ = json.Unmarshal(resp.Body, &st)
		return resp.Status, resp.Header.Get("Retry-After"), st.ID
	}

	var mu sync.Mutex
	var acked []string
	shed, other := 0, map[int]int{}
	for round := 0; round < 40 && shed == 0; round++ {
		var wg sync.WaitGroup
		for i := range 48 {
			wg.Go(func() {
				code, retry, id := post(round*100 + i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case code == http.StatusOK:
					acked = append(acked, id)
				case code == http.StatusServiceUnavailable:
					shed++
					if n, err := strconv.Atoi(retry); err != nil || n < 1 {
						t.Errorf("503 with Retry-After %q, want seconds", retry)
					}
				default:
					other[code]++
				}
			})
		}
		wg.Wait()
	}
	if shed == 0 {
		t.Fatal("48 posts at once on a write lane of 1 + 1 waiting: none was shed")
	}
	if len(other) > 0 {
		t.Errorf("answers other than 200 and 503 during the surge: %v", other)
	}
	t.Logf("surge: %d acknowledged, %d shed", len(acked), shed)

	// The surge is over: posting works at once, every time.
	for i := range 5 {
		code, _, id := post(10_000 + i)
		if code != http.StatusOK {
			t.Fatalf("post %d after the surge: status %d, want 200", i, code)
		}
		acked = append(acked, id)
	}
	// No acknowledged post was lost.
	for _, id := range acked {
		resp, err := c.Do(context.Background(), "GET", "/api/v1/statuses/"+id, tok, nil, false)
		if err != nil || resp.Status != http.StatusOK {
			t.Errorf("acknowledged post %s: status %d, err %v; want 200", id, resp.Status, err)
		}
	}
	// And the refusals were counted where operators look.
	resp, err := c.Do(context.Background(), "GET", "/metrics", "", nil, true)
	if err != nil || !bytes.Contains(resp.Body, []byte(`sada_shed_total{lane="write"`)) {
		t.Errorf("/metrics does not count the shed writes (err %v)", err)
	}
}

// TestRateLimitHeaders checks Mastodon's rate-limit headers and the 429 of
// a per-account limit, through the real server.
func TestRateLimitHeaders(t *testing.T) {
	base := benchServer(t, "--rate-limit-account", "3/1h")
	c, err := loadgen.NewClient(base, 4, false)
	if err != nil {
		t.Fatal(err)
	}
	pop, err := loadgen.Seed(context.Background(), c, loadgen.SeedConfig{Accounts: 1, MeanFollows: 1, Concurrency: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tok := pop.Accounts[0].Token // the seed's verify_credentials used one of the 3
	var codes []int
	var last http.Header
	for range 3 {
		resp, err := c.Do(context.Background(), "GET", "/api/v1/timelines/home", tok, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.Status)
		last = resp.Header
	}
	if fmt.Sprint(codes) != "[200 200 429]" {
		t.Fatalf("statuses %v, want [200 200 429]", codes)
	}
	if last.Get("X-RateLimit-Limit") != "3" || last.Get("X-RateLimit-Remaining") != "0" ||
		last.Get("X-RateLimit-Reset") == "" || last.Get("Retry-After") == "" {
		t.Fatalf("429 headers: %v", last)
	}
	// Anonymous requests are not counted against the account.
	resp, err := c.Do(context.Background(), "GET", "/api/v1/instance", "", nil, false)
	if err != nil || resp.Status != http.StatusOK {
		t.Fatalf("anonymous request: %d, %v", resp.Status, err)
	}
}

// TestBenchStartup checks sada bench startup's report shape.
func TestBenchStartup(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"bench", "startup", "--binary", sadaBinary(t), "--runs", "2",
		"--settle", "10ms", "--json"}, &stdout, &stderr, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("bench startup: %v\n%s", err, stderr.String())
	}
	var res startupResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("%v: %s", err, stdout.String())
	}
	if len(res.FirstAnswerMillis) != 2 || res.FirstAnswerMillis[0] <= 0 || res.IdleRSSBytes == 0 {
		t.Fatalf("startup result %+v, want two timings and a memory figure", res)
	}
}

// TestAdminEndpoints checks who reaches /metrics and /debug/pprof on the
// main port: metrics are open unless an admin address or token says
// otherwise, pprof only with the token; and the admin mux serves both.
func TestAdminEndpoints(t *testing.T) {
	tests := []struct {
		name, addr, token, auth string
		metrics, pprof          int
	}{
		{"defaults", "", "", "", 200, 404},
		{"token set, not sent", "", "s3cret", "", 404, 404},
		{"token set and sent", "", "s3cret", "Bearer s3cret", 200, 200},
		{"wrong token", "", "s3cret", "Bearer nope", 404, 404},
		{"admin address", "127.0.0.1:9", "", "", 404, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.AdminAddr, cfg.AdminToken = tt.addr, tt.token
			h := frontDoor(cfg, nil, http.NewServeMux(), metrics.New())
			for path, want := range map[string]int{"/metrics": tt.metrics, "/debug/pprof/": tt.pprof} {
				r := httptest.NewRequest("GET", path, nil)
				if tt.auth != "" {
					r.Header.Set("Authorization", tt.auth)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != want {
					t.Errorf("GET %s: %d, want %d", path, w.Code, want)
				}
			}
		})
	}
	m := metrics.New()
	admin := adminMux(m)
	for _, path := range []string{"/metrics", "/debug/pprof/"} {
		w := httptest.NewRecorder()
		admin.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != 200 {
			t.Errorf("admin address GET %s: %d, want 200", path, w.Code)
		}
	}
}
