package stream

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sada-project/sada/internal/social"
)

// Feed carries events from the nodes where they happen to the hubs that
// deliver them. Publish is called by the service after each stored action;
// Listen hands every event to one hub, in order. A feed numbers events:
// each id is larger than every id before it, across restarts too, so that a
// client's Last-Event-ID never points into the future.
type Feed interface {
	// Publish sends e to every listening hub, this node's included. It
	// must not block.
	Publish(e social.Event)
	// Listen calls deliver for each event, one at a time and in order,
	// until ctx ends. It returns ctx's error.
	Listen(ctx context.Context, deliver func(ctx context.Context, id uint64, e social.Event)) error
}

// DefaultQueue is how many events Local holds for a hub that has not
// caught up. Dispatching takes well under a millisecond, so the queue only
// fills when something is badly wrong; it is bounded so that a stopped hub
// cannot take the process's memory with it.
const DefaultQueue = 100_000

// Local is the Feed of a single process: a queue between the goroutines
// that publish and the one hub that listens.
type Local struct {
	mu      sync.Mutex
	queue   []social.Event
	wake    chan struct{}
	max     int
	next    uint64
	dropped atomic.Uint64
}

// NewLocal returns an in-process feed holding at most DefaultQueue events.
// Ids are the dispatch time in microseconds (one more than the last when
// the clock has not moved), so ids after a restart or a hot upgrade are
// larger than those before it, and an id tells when its event happened.
func NewLocal() *Local {
	return &Local{wake: make(chan struct{}, 1), max: DefaultQueue, next: uint64(time.Now().UnixMicro())}
}

// Publish queues e; when the queue is full, e is dropped and counted.
func (l *Local) Publish(e social.Event) {
	l.mu.Lock()
	if len(l.queue) >= l.max {
		l.mu.Unlock()
		l.dropped.Add(1)
		return
	}
	l.queue = append(l.queue, e)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Dropped is how many events Publish dropped because the queue was full.
func (l *Local) Dropped() uint64 { return l.dropped.Load() }

// Listen delivers queued events in order until ctx ends.
func (l *Local) Listen(ctx context.Context, deliver func(ctx context.Context, id uint64, e social.Event)) error {
	for {
		l.mu.Lock()
		batch := l.queue
		l.queue = nil
		l.mu.Unlock()
		for _, e := range batch {
			// Ids follow the clock (microseconds) and never repeat, so an
			// id from any process says roughly when its event happened:
			// the store-backed resume relies on it.
			l.next = max(l.next+1, uint64(time.Now().UnixMicro()))
			deliver(ctx, l.next, e)
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-l.wake:
		}
	}
}
