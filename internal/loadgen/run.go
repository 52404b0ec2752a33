package loadgen

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Worker is one of a run's concurrent clients; an Op gets its own, so it
// needs no locks for its random choices.
type Worker struct {
	ID    int
	Rng   *rand.Rand
	Texts *Texts
}

// Op sends one request and returns what came back.
type Op func(ctx context.Context, w *Worker) (Response, error)

// RunConfig bounds a run.
type RunConfig struct {
	Name        string
	Concurrency int
	Duration    time.Duration
	// Rate, when positive, makes the run open-loop: requests are started at
	// this many per second whether or not earlier ones were answered (as
	// people arrive in a surge), by at most Concurrency at once; an arrival
	// finding every worker busy is counted as Missed. Zero makes each
	// worker send its next request when the last is answered.
	Rate float64
	// Progress, when set, is called about every second while the run goes.
	Progress func(Snapshot)
	// Usernames feed the post texts' mentions.
	Usernames []string
	Seed      uint64
}

// Snapshot is a run's progress so far.
type Snapshot struct {
	Name     string
	Elapsed  time.Duration
	Duration time.Duration
	Requests uint64
	Errors   uint64 // anything but 2xx, and transport failures
}

// Result is what a run measured.
type Result struct {
	Name        string
	Concurrency int
	Rate        float64
	Duration    time.Duration
	Requests    uint64            // answered, whatever the status
	OK          uint64            // answered 2xx
	Statuses    map[int]uint64    // answers by status code
	Errors      map[string]uint64 // requests that got no answer, by cause
	Missed      uint64            // open-loop arrivals with every worker busy
	// Latency is of 2xx answers, from when the request was due (open
	// loop) or sent; Refused is of 429 and 503 answers from when they were
	// sent, which a server shedding load honestly gives fast.
	Latency, Refused Histogram
	// RefusedWithoutRetryAfter counts 429 and 503 answers lacking one.
	RefusedWithoutRetryAfter uint64
}

// Run drives op for cfg.Duration and returns what it measured. It stops by
// itself: at the end of the duration, or when ctx ends.
func Run(ctx context.Context, cfg RunConfig, op Op) *Result {
	conc := max(cfg.Concurrency, 1)
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	start := time.Now()

	var answered, failed atomic.Uint64
	results := make([]*Result, conc)
	var jobs chan time.Time
	if cfg.Rate > 0 {
		// Buffered so that arrivals while workers are between requests
		// wait briefly (their latency counts from when they were due)
		// instead of being missed.
		jobs = make(chan time.Time, conc)
	}
	var wg sync.WaitGroup
	for i := range conc {
		r := &Result{Statuses: map[int]uint64{}, Errors: map[string]uint64{}}
		results[i] = r
		w := &Worker{ID: i, Rng: rand.New(rand.NewPCG(cfg.Seed+uint64(i), uint64(i)*0x9e37))}
		w.Texts = NewTexts(cfg.Seed+uint64(i)*31, cfg.Usernames)
		wg.Go(func() {
			for {
				sent := time.Now()
				if jobs != nil {
					select {
					case sent = <-jobs: // latency counts from when the request was due
					case <-ctx.Done():
						return
					}
				} else if ctx.Err() != nil {
					return
				}
				begun := time.Now()
				resp, err := op(ctx, w)
				took := time.Since(sent)
				if err != nil {
					if ctx.Err() != nil {
						return // the run ended mid-request; not the server's fault
					}
					r.Errors[errorKind(err)]++
					failed.Add(1)
					continue
				}
				r.Requests++
				r.Statuses[resp.Status]++
				answered.Add(1)
				switch {
				case resp.Status/100 == 2:
					r.OK++
					r.Latency.Record(took)
				case resp.Status == 429 || resp.Status == 503:
					r.Refused.Record(time.Since(begun)) // how fast the server said no
					if resp.Header.Get("Retry-After") == "" {
						r.RefusedWithoutRetryAfter++
					}
					failed.Add(1)
				default:
					failed.Add(1)
				}
			}
		})
	}

	var missed atomic.Uint64
	if jobs != nil {
		wg.Go(func() { dispatch(ctx, start, cfg.Rate, jobs, &missed) })
	}
	if cfg.Progress != nil {
		wg.Go(func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					cfg.Progress(Snapshot{Name: cfg.Name, Elapsed: time.Since(start), Duration: cfg.Duration,
						Requests: answered.Load(), Errors: failed.Load()})
				}
			}
		})
	}
	wg.Wait()

	out := &Result{Name: cfg.Name, Concurrency: conc, Rate: cfg.Rate, Duration: time.Since(start),
		Statuses: map[int]uint64{}, Errors: map[string]uint64{}, Missed: missed.Load()}
	for _, r := range results {
		out.merge(r)
	}
	return out
}

func (out *Result) merge(r *Result) {
	out.Requests += r.Requests
	out.OK += r.OK
	out.RefusedWithoutRetryAfter += r.RefusedWithoutRetryAfter
	for k, v := range r.Statuses {
		out.Statuses[k] += v
	}
	for k, v := range r.Errors {
		out.Errors[k] += v
	}
	out.Latency.Merge(&r.Latency)
	out.Refused.Merge(&r.Refused)
}

// dispatch hands out arrival times at rate per second until ctx ends,
// counting those no worker was free to take.
func dispatch(ctx context.Context, start time.Time, rate float64, jobs chan<- time.Time, missed *atomic.Uint64) {
	var sent int64
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		due := int64(time.Since(start).Seconds() * rate)
		for ; sent < due; sent++ {
			at := start.Add(time.Duration(float64(sent) / rate * float64(time.Second)))
			select {
			case jobs <- at:
			default:
				missed.Add(1)
			}
		}
	}
}

// errorKind names a transport failure for the report.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, ErrRemote):
		return "refused: not loopback"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed"
	}
	msg := err.Error()
	if len(msg) > 80 {
		msg = msg[:80]
	}
	return "other: " + msg
}
