package loadgen

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/post"
)

func TestHistogramQuantiles(t *testing.T) {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Millisecond}, {0.9, 900 * time.Millisecond}, {0.99, 990 * time.Millisecond}, {1, time.Second}}
	for _, tt := range tests {
		got := h.Quantile(tt.q)
		if diff := float64(got-tt.want) / float64(tt.want); diff < 0 || diff > 0.02 {
			t.Errorf("Quantile(%v) = %v, want %v to 2%% above", tt.q, got, tt.want)
		}
	}
	if h.Max() != time.Second || h.Count() != 1000 {
		t.Errorf("Max %v, Count %d", h.Max(), h.Count())
	}
	var o Histogram
	o.Record(5 * time.Second)
	h.Merge(&o)
	if h.Max() != 5*time.Second || h.Count() != 1001 || h.Quantile(1) != 5*time.Second {
		t.Errorf("after merge: Max %v, Count %d, Quantile(1) %v", h.Max(), h.Count(), h.Quantile(1))
	}
	var empty Histogram
	if empty.Quantile(0.99) != 0 {
		t.Error("empty histogram has a quantile")
	}
}

func TestHistogramBuckets(t *testing.T) {
	for _, us := range []uint64{0, 1, 63, 64, 65, 127, 128, 129, 1000, 1 << 20, 1<<40 + 12345} {
		b := bucketOf(us)
		if lo, hi := lowerBound(b), lowerBound(b+1); us < lo || us >= hi {
			t.Errorf("%d µs in bucket %d = [%d, %d)", us, b, lo, hi)
		}
	}
}

// TestPowerLawGraph checks the graph's shape: no self-follows or repeats,
// about the asked mean, and a long tail (the most followed account has
// many times the median's followers).
func TestPowerLawGraph(t *testing.T) {
	g := PowerLawGraph(1, 2000, 30, 1)
	edges := 0
	for i, fs := range g.Follows {
		if slices.Contains(fs, i) {
			t.Fatalf("account %d follows itself", i)
		}
		s := slices.Clone(fs)
		slices.Sort(s)
		if len(slices.Compact(s)) != len(fs) {
			t.Fatalf("account %d follows someone twice", i)
		}
		edges += len(fs)
	}
	if mean := float64(edges) / 2000; mean < 20 || mean > 40 {
		t.Errorf("mean follows %.1f, want about 30", mean)
	}
	f := slices.Clone(g.Followers)
	slices.Sort(f)
	if median, top := f[len(f)/2], f[len(f)-1]; top < 20*max(median, 1) {
		t.Errorf("followers: median %d, max %d; want a long tail", median, top)
	}
	if again := PowerLawGraph(1, 2000, 30, 1); !slices.Equal(again.Followers, g.Followers) {
		t.Error("the same seed made a different graph")
	}
}

// TestTexts checks that every generated post passes sada's text rules,
// and that the mix has what real posts have.
func TestTexts(t *testing.T) {
	tx := NewTexts(3, []string{"alice", "bob"})
	langs := map[string]int{}
	var mentions, links, tags int
	for range 2000 {
		text, lang := tx.Next()
		if _, err := post.Check(text); err != nil {
			t.Fatalf("generated %q: %v", text, err)
		}
		langs[lang]++
		e := post.Parse(text)
		mentions += len(e.Mentions)
		tags += len(e.Tags)
		if len(e.URLs) > 0 {
			links++
		}
	}
	if langs["ar"] == 0 || langs["fa"] == 0 || langs["en"] == 0 || mentions == 0 || links == 0 || tags == 0 {
		t.Errorf("languages %v, %d mentions, %d links, %d tags: want some of each", langs, mentions, links, tags)
	}
}

func TestParseMetrics(t *testing.T) {
	in := []byte(`# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 2.5165824e+07
go_memstats_heap_inuse_bytes 4.194304e+06
go_goroutines 17
sada_http_requests_total{code="200",method="GET",route="GET /"} 3
`)
	got := parseMetrics(in, "process_resident_memory_bytes", "go_memstats_heap_inuse_bytes", "go_goroutines", "sada_http_requests_total")
	if got["process_resident_memory_bytes"] != 25165824 || got["go_memstats_heap_inuse_bytes"] != 4194304 || got["go_goroutines"] != 17 {
		t.Errorf("parseMetrics = %v", got)
	}
	if _, ok := got["sada_http_requests_total"]; ok {
		t.Error("a labelled sample was taken for an unlabelled one")
	}
}

func TestClientRefusesRemoteTargets(t *testing.T) {
	tests := []struct {
		target string
		remote bool // refused as not loopback
		bad    bool // refused as not a URL
	}{
		{"http://127.0.0.1:8080", false, false},
		{"http://127.8.9.10", false, false},
		{"http://localhost:3000/", false, false},
		{"http://[::1]:8080", false, false},
		{"http://192.0.2.1:8080", true, false},
		{"https://10.1.2.3", true, false},
		{"http://[2001:db8::1]", true, false},
		{"ftp://127.0.0.1", false, true},
		{"127.0.0.1:8080", false, true},
	}
	for _, tt := range tests {
		_, err := NewClient(tt.target, 4, false)
		switch {
		case tt.remote && !errors.Is(err, ErrRemote):
			t.Errorf("NewClient(%q): %v, want ErrRemote", tt.target, err)
		case tt.bad && err == nil:
			t.Errorf("NewClient(%q): accepted", tt.target)
		case !tt.remote && !tt.bad && err != nil:
			t.Errorf("NewClient(%q): %v", tt.target, err)
		}
	}
	if _, err := NewClient("http://192.0.2.1:8080", 4, true); err != nil {
		t.Errorf("with allowRemote: %v", err)
	}
}
