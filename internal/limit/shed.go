package limit

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Lane names, as metrics label them.
const (
	LaneRead  = "read"
	LaneWrite = "write"
)

// Reasons a request is shed.
const (
	// ShedQueueFull: the queue holds its maximum already.
	ShedQueueFull = "queue_full"
	// ShedTooLong: at the rate the lane is finishing requests, this one
	// would wait longer than the wait allowed, so it is refused now rather
	// than after waiting in vain.
	ShedTooLong = "expected_wait"
	// ShedQueueTimeout: it waited the whole wait without a slot.
	ShedQueueTimeout = "queue_timeout"
)

// lane is one class of work: Slots requests at once, Queue more waiting.
type lane struct {
	name    string
	slots   chan struct{}
	maxWait int64
	waiting atomic.Int64
	wait    time.Duration
	// avg is a moving average of how long a request holds a slot, in
	// nanoseconds: with n slots, the k-th in the queue waits about
	// k·avg/n.
	avg atomic.Int64
}

func newLane(name string, slots, queue int, wait time.Duration) *lane {
	return &lane{name: name, slots: make(chan struct{}, max(slots, 1)), maxWait: int64(max(queue, 0)), wait: wait}
}

// acquire takes a slot, waiting in the queue if there is room in it; it
// returns the reason for refusing otherwise.
func (l *lane) acquire(r *http.Request) (ok bool, reason string) {
	select {
	case l.slots <- struct{}{}:
		return true, ""
	default:
	}
	k := l.waiting.Add(1)
	if k > l.maxWait {
		l.waiting.Add(-1)
		return false, ShedQueueFull
	}
	if time.Duration(k*l.avg.Load()/int64(cap(l.slots))) > l.wait {
		l.waiting.Add(-1)
		return false, ShedTooLong
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return true, ""
	case <-t.C:
		return false, ShedQueueTimeout
	case <-r.Context().Done(): // the client left; nobody reads the answer
		return false, ShedQueueTimeout
	}
}

// release frees the slot taken at start and folds the time it was held
// into the average (weight 1/8).
func (l *lane) release(start time.Time) {
	d := int64(time.Since(start))
	for {
		old := l.avg.Load()
		next := old + (d-old)/8
		if old == 0 {
			next = d
		}
		if l.avg.CompareAndSwap(old, next) {
			break
		}
	}
	<-l.slots
}

// Shedder bounds the requests in progress, with separate lanes for reads
// (GET, HEAD, OPTIONS) and writes (everything else). Writes get a lane of
// their own because SQLite runs one write at a time: were they to share
// slots with reads, a burst of posts would fill every slot waiting for the
// writer and starve the reads that could have run alongside.
type Shedder struct {
	read, write *lane
	// RetryAfter is the Retry-After of a shed request, in seconds.
	RetryAfter int
	// Skip exempts requests, such as long-lived streams, which would
	// otherwise hold a slot for as long as they are open.
	Skip func(*http.Request) bool
	// OnShed, when set, hears each request shed, with its lane and reason.
	OnShed func(lane, reason string)
}

// ShedderConfig sizes a Shedder.
type ShedderConfig struct {
	Reads, Writes int           // requests served at once in each lane
	Queue         int           // requests that may wait for a slot, per lane
	Wait          time.Duration // longest wait for a slot before a 503
}

// NewShedder returns a Shedder sized by c.
func NewShedder(c ShedderConfig) *Shedder {
	return &Shedder{
		read:       newLane(LaneRead, c.Reads, c.Queue, c.Wait),
		write:      newLane(LaneWrite, c.Writes, c.Queue, c.Wait),
		RetryAfter: 1,
	}
}

// Depth reports the requests running and waiting in a lane, for metrics.
func (s *Shedder) Depth(laneName string) (running, waiting int) {
	l := s.read
	if laneName == LaneWrite {
		l = s.write
	}
	return len(l.slots), int(l.waiting.Load())
}

// Middleware serves a request when a slot is free or frees up within the
// wait, and answers 503 with Retry-After otherwise: at once when the queue
// is full or the lane's recent pace says the wait would be too long, so
// that under a surge refusals are fast and the queue never holds more than
// about one wait's worth of work.
func (s *Shedder) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Skip != nil && s.Skip(r) {
			next.ServeHTTP(w, r)
			return
		}
		l := s.write
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			l = s.read
		}
		ok, reason := l.acquire(r)
		if !ok {
			if s.OnShed != nil {
				s.OnShed(l.name, reason)
			}
			refuse(w, http.StatusServiceUnavailable, s.RetryAfter, "The server is busy; please retry")
			return
		}
		defer l.release(time.Now())
		next.ServeHTTP(w, r)
	})
}
