package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a bench run's outcome, printed for people by WriteText and for
// programs by WriteJSON.
type Report struct {
	Target          string            `json:"target"`
	Started         time.Time         `json:"started"`
	Concurrency     int               `json:"concurrency"`
	DurationSeconds float64           `json:"duration_seconds"`
	Population      PopulationSummary `json:"population"`
	// IdleMemory is the server's before any workload ran.
	IdleMemory *Memory          `json:"idle_memory,omitempty"`
	Baseline   *WorkloadReport  `json:"baseline,omitempty"`
	Workloads  []WorkloadReport `json:"workloads"`
	Notes      []string         `json:"notes,omitempty"`
}

// PopulationSummary describes what the workloads ran against.
type PopulationSummary struct {
	Accounts     int `json:"accounts"`
	Posts        int `json:"posts"`
	Follows      int `json:"follows"`
	MaxFollowers int `json:"max_followers"`
	// MedianFollowers shows the power law: far below MaxFollowers.
	MedianFollowers int `json:"median_followers"`
}

// Memory is the server's memory as its metrics report it.
type Memory struct {
	RSSBytes       uint64 `json:"rss_bytes"`
	HeapInuseBytes uint64 `json:"heap_inuse_bytes"`
	Goroutines     int    `json:"goroutines"`
}

// Percentiles are latencies in milliseconds.
type Percentiles struct {
	P50 float64 `json:"p50_ms"`
	P90 float64 `json:"p90_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// Delivery is the streams workload's measure.
type Delivery struct {
	Streams   int         `json:"streams"`
	Posts     int         `json:"posts"`
	Expected  uint64      `json:"expected"`
	Delivered uint64      `json:"delivered"`
	Early     uint64      `json:"arrived_before_ack"`
	Latency   Percentiles `json:"latency"`
}

// WorkloadReport is one workload's figures.
type WorkloadReport struct {
	Name      string `json:"name"`
	Available bool   `json:"available"`
	Note      string `json:"note,omitempty"`

	Concurrency int     `json:"concurrency,omitempty"`
	OfferedRate float64 `json:"offered_rate,omitempty"` // open-loop arrivals per second
	Seconds     float64 `json:"seconds,omitempty"`
	Requests    uint64  `json:"requests,omitempty"`
	// RequestsPerSecond counts every answer; OKPerSecond only 2xx.
	RequestsPerSecond float64 `json:"rps,omitempty"`
	OKPerSecond       float64 `json:"ok_rps,omitempty"`
	// OfBaseline is RequestsPerSecond as a fraction of the baseline's.
	OfBaseline float64           `json:"of_baseline,omitempty"`
	Statuses   map[string]uint64 `json:"statuses,omitempty"`
	Errors     map[string]uint64 `json:"errors,omitempty"`
	Missed     uint64            `json:"missed_arrivals,omitempty"`
	Latency    *Percentiles      `json:"latency,omitempty"`
	// Refused is the latency of 429 and 503 answers.
	Refused                  *Percentiles `json:"refused_latency,omitempty"`
	RefusedWithoutRetryAfter uint64       `json:"refused_without_retry_after,omitempty"`
	Delivery                 *Delivery    `json:"delivery,omitempty"`
	Verify                   *Verify      `json:"verify,omitempty"`
	ServerMemory             *Memory      `json:"server_memory_after,omitempty"`
}

func percentiles(h *Histogram) *Percentiles {
	if h.Count() == 0 {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return &Percentiles{P50: ms(h.Quantile(0.50)), P90: ms(h.Quantile(0.90)), P99: ms(h.Quantile(0.99)), Max: ms(h.Max())}
}

func workloadReport(r *Result) *WorkloadReport {
	secs := r.Duration.Seconds()
	wr := &WorkloadReport{
		Name: r.Name, Available: true, Concurrency: r.Concurrency, OfferedRate: r.Rate, Seconds: secs,
		Requests: r.Requests, Missed: r.Missed, Latency: percentiles(&r.Latency), Refused: percentiles(&r.Refused),
		RefusedWithoutRetryAfter: r.RefusedWithoutRetryAfter,
	}
	if secs > 0 {
		wr.RequestsPerSecond = float64(r.Requests) / secs
		wr.OKPerSecond = float64(r.OK) / secs
	}
	if len(r.Statuses) > 0 {
		wr.Statuses = map[string]uint64{}
		for k, v := range r.Statuses {
			wr.Statuses[strconv.Itoa(k)] = v
		}
	}
	if len(r.Errors) > 0 {
		wr.Errors = maps.Clone(r.Errors)
	}
	return wr
}

func streamReport(s *StreamResult) *WorkloadReport {
	wr := &WorkloadReport{Name: WorkStream, Available: s.Available, Note: s.Note}
	if s.Available {
		wr.Delivery = &Delivery{Streams: s.Streams, Posts: s.Posts, Expected: s.Expected, Delivered: s.Delivered, Early: s.Early}
		if p := percentiles(&s.Delivery); p != nil {
			wr.Delivery.Latency = *p
		}
	}
	return wr
}

func summarise(pop *Population) PopulationSummary {
	s := PopulationSummary{Accounts: len(pop.Accounts), Posts: pop.Posts}
	fs := make([]int, 0, len(pop.Accounts))
	for _, a := range pop.Accounts {
		s.Follows += a.Following
		fs = append(fs, a.Followers)
	}
	if len(fs) > 0 {
		slices.Sort(fs)
		s.MaxFollowers = fs[len(fs)-1]
		s.MedianFollowers = fs[len(fs)/2]
	}
	return s
}

func followerRange(pop *Population, idx []int) string {
	if len(idx) == 0 {
		return "none"
	}
	lo, hi := pop.Accounts[idx[0]].Followers, pop.Accounts[idx[0]].Followers
	for _, i := range idx {
		lo, hi = min(lo, pop.Accounts[i].Followers), max(hi, pop.Accounts[i].Followers)
	}
	return fmt.Sprintf("%d to %d followers", lo, hi)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as aligned tables for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "sada bench: %s, concurrency %d, %s per workload\n", r.Target, r.Concurrency,
		time.Duration(r.DurationSeconds*float64(time.Second)))
	p := r.Population
	fmt.Fprintf(&b, "population: %d accounts, %d follows (followers: median %d, max %d), %d seeded posts\n",
		p.Accounts, p.Follows, p.MedianFollowers, p.MaxFollowers, p.Posts)
	if r.IdleMemory != nil {
		fmt.Fprintf(&b, "server memory before: %s\n", r.IdleMemory)
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	rows := r.Workloads
	if r.Baseline != nil {
		rows = append([]WorkloadReport{*r.Baseline}, rows...)
	}
	header := false
	for _, wl := range rows {
		if !wl.Available || wl.Delivery != nil || wl.Verify != nil {
			continue
		}
		if !header {
			fmt.Fprintln(tw, "workload\trequests\treq/s\tok/s\tof baseline\tp50 ms\tp90 ms\tp99 ms\tmax ms\t")
			header = true
		}
		of := "-"
		if wl.OfBaseline > 0 {
			of = fmt.Sprintf("%.0f%%", wl.OfBaseline*100)
		}
		l := wl.Latency
		if l == nil {
			l = &Percentiles{}
		}
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.0f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t\n",
			wl.Name, wl.Requests, wl.RequestsPerSecond, wl.OKPerSecond, of, l.P50, l.P90, l.P99, l.Max)
	}
	tw.Flush()
	b.WriteString("\n")
	for _, wl := range rows {
		var details []string
		if !wl.Available {
			details = append(details, "not run: "+wl.Note)
		} else if wl.Note != "" {
			details = append(details, wl.Note)
		}
		if len(wl.Statuses) > 0 {
			details = append(details, "statuses "+formatCounts(wl.Statuses))
		}
		if len(wl.Errors) > 0 {
			details = append(details, "no answer "+formatCounts(wl.Errors))
		}
		if wl.Missed > 0 {
			details = append(details, fmt.Sprintf("%d arrivals found every client worker busy", wl.Missed))
		}
		if wl.Refused != nil {
			details = append(details, fmt.Sprintf("429/503 answered (from sending) in p50 %.2f ms, p99 %.2f ms; %d without Retry-After",
				wl.Refused.P50, wl.Refused.P99, wl.RefusedWithoutRetryAfter))
		}
		if d := wl.Delivery; d != nil {
			details = append(details, fmt.Sprintf("%d streams, %d posts: %d of %d deliveries, p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d before the ack)",
				d.Streams, d.Posts, d.Delivered, d.Expected, d.Latency.P50, d.Latency.P99, d.Latency.Max, d.Early))
		}
		if v := wl.Verify; v != nil {
			details = append(details, fmt.Sprintf("%d acknowledged posts: %d found, %d missing, %d unchecked",
				v.Acknowledged, v.Found, len(v.Missing), v.Unchecked))
		}
		if wl.ServerMemory != nil {
			details = append(details, "server memory after: "+wl.ServerMemory.String())
		}
		if len(details) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", wl.Name, strings.Join(details, "; "))
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (m *Memory) String() string {
	return fmt.Sprintf("RSS %.1f MiB, heap in use %.1f MiB, %d goroutines",
		float64(m.RSSBytes)/(1<<20), float64(m.HeapInuseBytes)/(1<<20), m.Goroutines)
}

func formatCounts(m map[string]uint64) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// ProgressLine returns a Progress function that writes a one-line status to
// w: rewritten in place on a terminal, a line every five seconds otherwise
// (so logs stay short).
func ProgressLine(w io.Writer, terminal bool) func(Snapshot) {
	n := 0
	return func(s Snapshot) {
		n++
		line := fmt.Sprintf("%-12s %3.0fs/%-3.0fs %9d answers %8.0f/s %7d errors",
			s.Name, s.Elapsed.Seconds(), s.Duration.Seconds(), s.Requests, float64(s.Requests)/s.Elapsed.Seconds(), s.Errors)
		switch {
		case terminal:
			fmt.Fprintf(w, "\r%s ", line)
		case n%5 == 0:
			fmt.Fprintln(w, line)
		}
	}
}
