package mastoapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/stream"
)

// BenchmarkStreamingFanout measures live delivery end to end, over real
// HTTP on loopback: SADA_BENCH_STREAMS follower streams (1,000) on
// /api/v1/streaming/user, and one account they all follow posting through
// POST /api/v1/statuses at SADA_BENCH_RATE posts a second (200) for
// SADA_BENCH_SECONDS (10). It reports the time from the API's answer to the
// poster to each follower's stream receiving the post (p50, p99, max),
// and the server's memory per idle open stream. Client and server share
// the machine. Run it with:
//
//	go test -run '^$' -bench StreamingFanout -benchtime 1x ./internal/mastoapi/
//
// SADA_BENCH_SYNC=NORMAL measures without an fsync per post.
func BenchmarkStreamingFanout(b *testing.B) {
	streams := envInt(b, "SADA_BENCH_STREAMS", 1000)
	rate := envInt(b, "SADA_BENCH_RATE", 200)
	seconds := envInt(b, "SADA_BENCH_SECONDS", 10)
	mode := os.Getenv("SADA_BENCH_SYNC")
	if mode == "" {
		mode = "FULL"
	}
	for b.Loop() {
		f := newFanout(b, streams, mode)
		perStream := f.idleMemory(b)
		lat, delivered, early := f.run(b, rate, time.Duration(seconds)*time.Second)
		expected := float64(f.posts) * float64(streams)
		p := func(q float64) time.Duration { return lat[min(int(q*float64(len(lat))), len(lat)-1)] }
		fmt.Printf("streaming: %d streams, %d posts at %d/s (synchronous=%s), %d of %.0f deliveries (%d before the answer)\n"+
			"  answer → stream: p50 %v  p90 %v  p99 %v  max %v\n"+
			"  idle stream: %.1f KiB of server heap and stacks each\n",
			streams, f.posts, rate, mode, delivered, expected, early,
			p(0.5).Round(10*time.Microsecond), p(0.9).Round(10*time.Microsecond), p(0.99).Round(10*time.Microsecond),
			lat[len(lat)-1].Round(10*time.Microsecond), perStream/1024)
		b.ReportMetric(float64(p(0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(perStream/1024, "KiB/idle-stream")
		b.ReportMetric(float64(delivered)/expected, "delivered")
	}
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

type fanout struct {
	srv     *httptest.Server
	hub     *stream.Hub
	author  string   // token
	readers []string // tokens
	posts   int
}

// newFanout starts a server like cmd/sada's and seeds, straight into the
// store, an author followed by n readers with tokens.
func newFanout(b *testing.B, n int, sync string) *fanout {
	b.Helper()
	ctx := context.Background()
	cfg := config.Default()
	cfg.DataDir = b.TempDir()
	cfg.Sync = sync
	st, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "sada.db"), sqlite.Options{Synchronous: sync})
	if err != nil {
		b.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ReadTimeout = 30 * time.Second
	srv.Config.IdleTimeout = 2 * time.Minute
	srv.Start()
	cfg.Addr, cfg.Domain = srv.Listener.Addr().String(), srv.Listener.Addr().String()
	svc := social.New(st, cfg.Domain)
	hub := stream.New(st, stream.NewLocal(), stream.Options{})
	svc.Events = hub
	mastoapi.New(cfg, st, svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Routes(mux)
	hctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = hub.Run(hctx) }()
	b.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
		st.Close()
	})

	app := &store.App{ID: id.New(), Name: "bench", ClientID: "bench", ClientSecret: "bench", Scopes: []string{"read", "write"}, CreatedAt: time.Now()}
	if err := st.CreateApp(ctx, app); err != nil {
		b.Fatal(err)
	}
	account := func(name string) (*store.Account, string) {
		a := &store.Account{ID: id.New(), Username: name, CreatedAt: time.Now()}
		if err := st.CreateAccount(ctx, a); err != nil {
			b.Fatal(err)
		}
		tok := "bench-" + name
		err := st.CreateToken(ctx, &store.Token{ID: id.New(), TokenHash: mastoapi.HashToken(tok), AppID: app.ID,
			AccountID: a.ID, Scopes: []string{"read", "write"}, CreatedAt: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		return a, tok
	}
	f := &fanout{srv: srv, hub: hub}
	author, tok := account("author")
	f.author = tok
	for i := range n {
		r, tok := account(fmt.Sprintf("reader%d", i))
		if err := st.Follow(ctx, r.ID, author.ID, 0); err != nil {
			b.Fatal(err)
		}
		f.readers = append(f.readers, tok)
	}
	return f
}

// idleMemory opens a stream per reader with a bare TCP connection (no
// client goroutine or buffers to speak of), waits until the hub has them
// all, and returns the growth of heap and stacks per stream.
func (f *fanout) idleMemory(b *testing.B) float64 {
	b.Helper()
	measure := func() uint64 {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if os.Getenv("SADA_BENCH_DEBUG") != "" {
			fmt.Printf("heap %d KiB stack %d KiB goroutines %d\n", m.HeapInuse>>10, m.StackInuse>>10, runtime.NumGoroutine())
		}
		return m.HeapInuse + m.StackInuse
	}
	before := measure()
	conns := make([]net.Conn, 0, len(f.readers))
	for _, tok := range f.readers {
		c, err := net.Dial("tcp", f.srv.Listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(c, "GET /api/v1/streaming/user HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", tok)
		conns = append(conns, c)
	}
	for f.hub.Stats().Subscriptions < len(f.readers) {
		time.Sleep(10 * time.Millisecond)
	}
	after := measure()
	for _, c := range conns {
		c.Close()
	}
	for f.hub.Stats().Subscriptions > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	return float64(after-before) / float64(len(conns))
}

// run opens the streams with real readers, posts at rate for d, and
// returns the sorted delays from each answer to each arrival.
func (f *fanout) run(b *testing.B, rate int, d time.Duration) (lat []time.Duration, delivered, early int) {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 0, DisableCompression: true}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()

	type arrival struct {
		id string
		at time.Time
	}
	arrivals := make([][]arrival, len(f.readers))
	var arrived atomic.Int64
	var wg sync.WaitGroup
	for i, tok := range f.readers {
		req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/streaming/user", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil || res.StatusCode != 200 {
			b.Fatalf("stream %d: %v %v", i, err, res)
		}
		wg.Go(func() {
			defer res.Body.Close()
			br := bufio.NewReaderSize(res.Body, 16<<10)
			for {
				line, err := br.ReadSlice('\n')
				if err != nil {
					return
				}
				// The payload starts with the status id: {"id":"…
				if rest, ok := bytes.CutPrefix(line, []byte(`data: {"id":"`)); ok {
					now := time.Now()
					if end := bytes.IndexByte(rest, '"'); end > 0 {
						arrivals[i] = append(arrivals[i], arrival{string(rest[:end]), now})
						arrived.Add(1)
					}
				}
			}
		})
	}
	for f.hub.Stats().Subscriptions < len(f.readers) {
		time.Sleep(10 * time.Millisecond)
	}

	// Open loop: post i is due at start + i/rate, whatever the previous
	// ones took, each on its own goroutine.
	var mu sync.Mutex
	answers := map[string]time.Time{}
	var posters sync.WaitGroup
	start := time.Now()
	total := rate * int(d/time.Second)
	for i := range total {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
		posters.Go(func() {
			form := url.Values{"status": {fmt.Sprintf("post %d of the benchmark #bench", i)}}
			req, _ := http.NewRequest("POST", f.srv.URL+"/api/v1/statuses", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Authorization", "Bearer "+f.author)
			res, err := client.Do(req)
			if err != nil {
				b.Errorf("post: %v", err)
				return
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			now := time.Now()
			if res.StatusCode != 200 {
				b.Errorf("post: %d %s", res.StatusCode, body)
				return
			}
			sid, _, _ := strings.Cut(strings.TrimPrefix(string(body), `{"id":"`), `"`)
			mu.Lock()
			answers[sid] = now
			mu.Unlock()
		})
	}
	posters.Wait()
	f.posts = len(answers)
	// Let the last posts arrive everywhere, then stop the readers.
	want := int64(f.posts * len(f.readers))
	for deadline := time.Now().Add(10 * time.Second); arrived.Load() < want && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()

	for _, as := range arrivals {
		for _, a := range as {
			ans, ok := answers[a.id]
			if !ok {
				continue
			}
			delivered++
			dl := a.at.Sub(ans)
			if dl < 0 {
				early++
				dl = 0
			}
			lat = append(lat, dl)
		}
	}
	if len(lat) == 0 {
		b.Fatal("nothing was delivered")
	}
	slices.Sort(lat)
	return lat, delivered, early
}
