package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Workload names.
const (
	WorkHome   = "home"
	WorkPost   = "post"
	WorkMix    = "mix"
	WorkStream = "stream"
	WorkSearch = "search"
	WorkSurge  = "surge"
)

// AllWorkloads run by default, in this order. The surge is not among them:
// it deliberately overloads the server, so it is asked for by name.
var AllWorkloads = []string{WorkHome, WorkPost, WorkMix, WorkStream, WorkSearch}

// Config is a bench run.
type Config struct {
	Workloads   []string
	Concurrency int
	Duration    time.Duration // of each workload (each surge phase)
	// Rate, when positive, runs home, post, mix and search open-loop.
	Rate float64
	// ReadFraction is the share of home reads in the mix (0.9).
	ReadFraction float64
	// AuthorFollowers picks the post workload's authors by follower count.
	AuthorFollowers int
	Streams         int // streams to open in the stream workload
	StreamPosts     int // posts made while they are open
	// SurgeRate is the surge's sustainable rate of posts per second, which
	// it sends for one phase, then ten times it, then it again; zero takes
	// the post workload's measured rate (or 100 without one).
	SurgeRate        float64
	SurgeConcurrency int
	// Baseline measures a trivial handler first, with the same client.
	Baseline bool
	// MetricsURL is where the server's Prometheus metrics are read for
	// its memory; "" skips that. MetricsToken is sent as a bearer token.
	MetricsURL, MetricsToken string
	Seed                     uint64
	Progress                 func(Snapshot)
}

// Bench runs the configured workloads against the population and reports.
func Bench(ctx context.Context, c *Client, pop *Population, cfg Config) (*Report, error) {
	rep := &Report{
		Target: c.Base.String(), Started: time.Now().UTC(), Concurrency: cfg.Concurrency,
		DurationSeconds: cfg.Duration.Seconds(), Population: summarise(pop),
	}
	names := make([]string, len(pop.Accounts))
	for i, a := range pop.Accounts {
		names[i] = a.Username
	}
	run := func(name string, rate float64, conc int, op Op) *WorkloadReport {
		r := Run(ctx, RunConfig{Name: name, Concurrency: conc, Duration: cfg.Duration, Rate: rate,
			Progress: cfg.Progress, Usernames: names, Seed: cfg.Seed}, op)
		return workloadReport(r)
	}
	if cfg.MetricsURL != "" {
		if m, err := ServerMemory(ctx, c, cfg.MetricsURL, cfg.MetricsToken); err == nil {
			rep.IdleMemory = &m
		} else {
			rep.Notes = append(rep.Notes, "server memory not available: "+err.Error())
		}
	}
	if cfg.Baseline {
		b, err := baseline(ctx, c, cfg)
		if err != nil {
			return nil, err
		}
		rep.Baseline = b
	}
	memory := func() *Memory {
		if cfg.MetricsURL == "" {
			return nil
		}
		m, err := ServerMemory(ctx, c, cfg.MetricsURL, cfg.MetricsToken)
		if err != nil {
			return nil
		}
		return &m
	}
	authors := pop.Authors(cfg.AuthorFollowers)
	posted := &idLog{}
	for _, w := range cfg.Workloads {
		if ctx.Err() != nil {
			break
		}
		var wr *WorkloadReport
		switch w {
		case WorkHome:
			wr = run(w, cfg.Rate, cfg.Concurrency, homeOp(c, pop))
		case WorkPost:
			wr = run(w, cfg.Rate, cfg.Concurrency, postOp(c, pop, authors, nil))
			wr.Note = fmt.Sprintf("authors: %d accounts with about %d followers (%s)", len(authors), cfg.AuthorFollowers, followerRange(pop, authors))
		case WorkMix:
			home, post := homeOp(c, pop), postOp(c, pop, authors, nil)
			wr = run(w, cfg.Rate, cfg.Concurrency, func(ctx context.Context, wk *Worker) (Response, error) {
				if wk.Rng.Float64() < cfg.ReadFraction {
					return home(ctx, wk)
				}
				return post(ctx, wk)
			})
			wr.Note = fmt.Sprintf("%.0f%% home reads, %.0f%% posts", cfg.ReadFraction*100, (1-cfg.ReadFraction)*100)
		case WorkSearch:
			if ok, note := probeSearch(ctx, c, pop); !ok {
				wr = &WorkloadReport{Name: w, Note: note}
				break
			}
			wr = run(w, cfg.Rate, cfg.Concurrency, searchOp(c, pop))
		case WorkStream:
			wr = streamReport(RunStreams(ctx, c, pop, StreamConfig{
				Streams: cfg.Streams, Posts: cfg.StreamPosts, Interval: 100 * time.Millisecond, Opening: cfg.Concurrency, Seed: cfg.Seed,
			}))
		case WorkSurge:
			rate := cfg.SurgeRate
			if rate <= 0 {
				rate = 100
				for _, prev := range rep.Workloads {
					if prev.Name == WorkPost && prev.OKPerSecond > 0 {
						rate = prev.OKPerSecond
					}
				}
			}
			conc := max(cfg.SurgeConcurrency, cfg.Concurrency)
			for _, ph := range []struct {
				name string
				mult float64
			}{{"surge 1x", 1}, {"surge 10x", 10}, {"surge after", 1}} {
				pr := run(ph.name, rate*ph.mult, conc, postOp(c, pop, authors, posted))
				pr.Note = fmt.Sprintf("posts offered at %.0f/s", rate*ph.mult)
				pr.ServerMemory = memory()
				rep.Workloads = append(rep.Workloads, *pr)
			}
			v := verify(ctx, c, posted.ids, cfg.Concurrency)
			wr = &WorkloadReport{Name: "surge verify", Available: true, Verify: &v,
				Note: "every acknowledged post of the surge, read back"}
		default:
			return nil, fmt.Errorf("unknown workload %q", w)
		}
		wr.ServerMemory = memory()
		if rep.Baseline != nil && rep.Baseline.RequestsPerSecond > 0 && wr.RequestsPerSecond > 0 {
			wr.OfBaseline = wr.RequestsPerSecond / rep.Baseline.RequestsPerSecond
		}
		rep.Workloads = append(rep.Workloads, *wr)
	}
	return rep, ctx.Err()
}

// homeOp reads a random account's home timeline, a page of 20.
func homeOp(c *Client, pop *Population) Op {
	return func(ctx context.Context, w *Worker) (Response, error) {
		a := pop.Accounts[w.Rng.IntN(len(pop.Accounts))]
		return c.Do(ctx, "GET", "/api/v1/timelines/home?limit=20", a.Token, nil, false)
	}
}

// postOp posts as one of authors; with log set, it records what was
// acknowledged, for reading back.
func postOp(c *Client, pop *Population, authors []int, log *idLog) Op {
	return func(ctx context.Context, w *Worker) (Response, error) {
		a := pop.Accounts[authors[w.Rng.IntN(len(authors))]]
		text, lang := w.Texts.Next()
		resp, err := c.Do(ctx, "POST", "/api/v1/statuses", a.Token,
			url.Values{"status": {text}, "language": {lang}}, log != nil)
		if err == nil && log != nil && resp.Status == http.StatusOK {
			var st struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(resp.Body, &st) == nil && st.ID != "" {
				log.add(st.ID)
			}
		}
		return resp, err
	}
}

// searchOp searches statuses for a common word.
func searchOp(c *Client, pop *Population) Op {
	return func(ctx context.Context, w *Worker) (Response, error) {
		a := pop.Accounts[w.Rng.IntN(len(pop.Accounts))]
		q := url.Values{"q": {w.Texts.SearchTerm()}, "type": {"statuses"}, "limit": {"20"}}
		return c.Do(ctx, "GET", "/api/v2/search?"+q.Encode(), a.Token, nil, false)
	}
}

// probeSearch says whether the server has /api/v2/search.
func probeSearch(ctx context.Context, c *Client, pop *Population) (bool, string) {
	resp, err := c.Do(ctx, "GET", "/api/v2/search?q=internet&type=statuses", pop.Accounts[0].Token, nil, false)
	if err != nil {
		return false, "search API not available: " + err.Error()
	}
	if resp.Status/100 != 2 {
		return false, fmt.Sprintf("search API not available: GET /api/v2/search answered %d", resp.Status)
	}
	return true, ""
}

// idLog collects acknowledged post ids from many workers.
type idLog struct {
	mu  sync.Mutex
	ids []string
}

func (l *idLog) add(id string) {
	l.mu.Lock()
	l.ids = append(l.ids, id)
	l.mu.Unlock()
}

// Verify is the outcome of reading acknowledged posts back.
type Verify struct {
	Acknowledged int      `json:"acknowledged"`
	Found        int      `json:"found"`
	Missing      []string `json:"missing,omitempty"`
	Unchecked    int      `json:"unchecked,omitempty"` // reads that failed for another reason
}

// verify reads every id back; a 404 is a lost post.
func verify(ctx context.Context, c *Client, ids []string, conc int) Verify {
	v := Verify{Acknowledged: len(ids)}
	var mu sync.Mutex
	_ = parallel(ctx, len(ids), max(conc, 1), func(ctx context.Context, i int) error {
		var st struct{}
		err := retry(ctx, func() error { return c.JSON(ctx, "GET", "/api/v1/statuses/"+ids[i], "", nil, &st) })
		mu.Lock()
		defer mu.Unlock()
		var se *StatusError
		switch {
		case err == nil:
			v.Found++
		case errors.As(err, &se) && se.Status == http.StatusNotFound:
			v.Missing = append(v.Missing, ids[i])
		default:
			v.Unchecked++
		}
		return nil
	})
	return v
}

// baseline serves a trivial handler on a loopback port of its own and
// drives it with the same client settings, for a reference throughput.
func baseline(ctx context.Context, c *Client, cfg Config) (*WorkloadReport, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	body := []byte(`{"ok":true}` + "\n")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	bc := *c
	bc.Base = &url.URL{Scheme: "http", Host: ln.Addr().String()}
	r := Run(ctx, RunConfig{Name: "baseline", Concurrency: cfg.Concurrency, Duration: cfg.Duration, Progress: cfg.Progress},
		func(ctx context.Context, w *Worker) (Response, error) {
			return bc.Do(ctx, "GET", "/", "token-for-the-same-headers", nil, false)
		})
	wr := workloadReport(r)
	wr.Note = "a trivial handler in the bench process, same client and concurrency"
	return wr, nil
}

// ServerMemory reads the server's memory from its Prometheus metrics.
func ServerMemory(ctx context.Context, c *Client, metricsURL, token string) (Memory, error) {
	u, err := url.Parse(metricsURL)
	if err != nil {
		return Memory{}, err
	}
	mc := *c
	mc.Base = &url.URL{Scheme: u.Scheme, Host: u.Host}
	resp, err := mc.Do(ctx, "GET", u.RequestURI(), token, nil, true)
	if err != nil {
		return Memory{}, err
	}
	if resp.Status != http.StatusOK {
		return Memory{}, fmt.Errorf("GET %s: status %d", metricsURL, resp.Status)
	}
	vals := parseMetrics(resp.Body, "process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "go_goroutines")
	m := Memory{RSSBytes: uint64(vals["process_resident_memory_bytes"]), HeapInuseBytes: uint64(vals["go_memstats_heap_inuse_bytes"]),
		Goroutines: int(vals["go_goroutines"])}
	if m.RSSBytes == 0 && m.HeapInuseBytes == 0 {
		return Memory{}, fmt.Errorf("GET %s: no memory metrics", metricsURL)
	}
	return m, nil
}

// parseMetrics picks unlabelled samples out of the Prometheus text format.
func parseMetrics(b []byte, names ...string) map[string]float64 {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]float64{}
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		sp := bytes.IndexByte(line, ' ')
		if sp <= 0 || line[0] == '#' || !want[string(line[:sp])] {
			continue
		}
		if v, err := strconv.ParseFloat(string(line[sp+1:]), 64); err == nil {
			out[string(line[:sp])] = v
		}
	}
	return out
}
