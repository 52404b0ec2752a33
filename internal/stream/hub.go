package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// Defaults for Options.
const (
	// DefaultReplay events are kept for readers that reconnect: at 200
	// posts a second about 40 seconds, at a few posts a second the better
	// part of an hour. Each costs its post and its rendered payloads,
	// typically 3-5 KiB, so the window is worth some 30-40 MiB at most.
	DefaultReplay = 8192
	// DefaultBuffer deliveries may wait for a reader before it is dropped:
	// about a second of a busy instance's public stream. 16 bytes each.
	DefaultBuffer = 256
)

// audienceTimeout bounds the one query that finds which live readers
// follow a post's author; if the database cannot answer in that time, the
// post reaches only its author and mentioned readers live.
const audienceTimeout = 5 * time.Second

// ErrTooSlow is why a subscription that fell Options.Buffer deliveries
// behind was dropped. Its reader can reconnect and resume.
var ErrTooSlow = errors.New("reader fell too far behind")

// Options tune a Hub; zero values take the defaults.
type Options struct {
	Replay int // events kept for resuming readers
	Buffer int // deliveries waiting per subscription before it is dropped
	Log    *slog.Logger
}

// Hub routes events to subscriptions. It implements social.Publisher, so a
// social.Service publishes to it directly. Create one with New and run it
// with Run.
type Hub struct {
	st   store.Store
	feed Feed
	opts Options

	mu      sync.Mutex
	ring    []*Event // the last opts.Replay events, oldest at ring[start]
	start   int
	subs    map[*Subscription]struct{}
	closed  bool
	events  uint64
	dropped uint64
}

var _ social.Publisher = (*Hub)(nil)

// New returns a hub that learns about events from feed and looks up
// followers in st.
func New(st store.Store, feed Feed, opts Options) *Hub {
	if opts.Replay <= 0 {
		opts.Replay = DefaultReplay
	}
	if opts.Buffer <= 0 {
		opts.Buffer = DefaultBuffer
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Hub{st: st, feed: feed, opts: opts, subs: map[*Subscription]struct{}{}}
}

// HubOf finds the hub among a service's publishers (social.Service.Events,
// which may hold several, combined with social.With), or returns nil. It is
// how the surfaces that serve streams find the hub cmd/sada wired.
func HubOf(p social.Publisher) *Hub {
	switch p := p.(type) {
	case *Hub:
		return p
	case social.Publishers:
		for _, q := range p {
			if h := HubOf(q); h != nil {
				return h
			}
		}
	}
	return nil
}

// Publish hands e to the feed; it never blocks.
func (h *Hub) Publish(e social.Event) { h.feed.Publish(e) }

// Run dispatches events from the feed until ctx ends, then closes every
// subscription (so that streaming responses end and a graceful shutdown
// does not wait for them) and refuses new ones.
func (h *Hub) Run(ctx context.Context) error {
	err := h.feed.Listen(ctx, h.dispatch)
	h.mu.Lock()
	h.closed = true
	for sub := range h.subs {
		h.dropLocked(sub, ErrClosed)
	}
	h.mu.Unlock()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Stats describe a hub at one moment.
type Stats struct {
	Subscriptions int
	Events        uint64 // dispatched since the start
	Dropped       uint64 // subscriptions dropped for falling behind
}

// Stats returns the hub's current figures.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Stats{Subscriptions: len(h.subs), Events: h.events, Dropped: h.dropped}
}

// Reader is who a subscription delivers to.
type Reader struct {
	Account *store.Account
	// Notifications says whether the user stream carries the reader's
	// notifications (the user:notification stream always does); Mastodon
	// includes them when the token may read notifications.
	Notifications bool
}

// Subscription is one reader's connection: the streams it watches and the
// deliveries waiting for it.
type Subscription struct {
	hub    *Hub
	reader Reader
	c      chan Delivery
	done   chan struct{}
	replay []Delivery
	// Guarded by hub.mu.
	streams []*Stream
	err     error
	onDrop  func()
}

// Subscribe starts delivering to reader what streams carry. When after is
// not 0 (the id of the last event the reader saw), the events since then
// that the hub still holds come first, in Replay, then live ones in C:
// nothing is delivered twice and nothing in between is missed.
func (h *Hub) Subscribe(ctx context.Context, reader Reader, streams []Stream, after uint64) (*Subscription, error) {
	sub := &Subscription{hub: h, reader: reader, c: make(chan Delivery, h.opts.Buffer), done: make(chan struct{})}
	for _, s := range streams {
		sub.streams = append(sub.streams, &s)
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrClosed
	}
	var missed []*Event
	fromStore := false
	if after != 0 {
		if h.holdsLocked(after) {
			missed = h.sinceLocked(after)
		} else {
			fromStore = true
		}
	}
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	if fromStore {
		var err error
		if missed, err = h.fromStore(ctx, reader, sub.streams, after); err != nil {
			sub.Close()
			return nil, err
		}
	}
	if len(missed) == 0 {
		return sub, nil
	}
	follows, err := h.followees(ctx, reader, sub.streams, missed)
	if err != nil {
		sub.Close()
		return nil, err
	}
	// sub.streams is not shared yet: only Watch and Unwatch change it,
	// and the caller has not got sub.
	for _, ev := range missed {
		for _, s := range sub.streams {
			if sub.matches(ev, s, follows[author(ev)]) {
				sub.replay = append(sub.replay, Delivery{Event: ev, Stream: s})
			}
		}
	}
	return sub, nil
}

// Replay returns the missed events to send before those in C.
func (s *Subscription) Replay() []Delivery { return s.replay }

// C delivers live events.
func (s *Subscription) C() <-chan Delivery { return s.c }

// Done is closed when the hub stops delivering: after Close, when the
// reader fell too far behind, or when the hub stopped.
func (s *Subscription) Done() <-chan struct{} { return s.done }

// Err says why Done is closed: ErrTooSlow, ErrClosed, or nil after Close.
func (s *Subscription) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// OnDrop sets f to be called when the hub drops the subscription (its
// reader fell behind, or the hub stopped), though not after Close. It runs
// with the hub locked, so it must be quick and must not call the hub; a
// transport uses it to unblock a write stuck on a reader that stopped
// reading.
func (s *Subscription) OnDrop(f func()) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.onDrop = f
}

// Close stops the subscription; closing twice is fine.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if _, ok := s.hub.subs[s]; ok {
		s.hub.dropLocked(s, nil)
	}
}

// MaxStreams bounds the streams one subscription watches: every event is
// checked against each of them.
const MaxStreams = 64

// ErrTooManyStreams is Watch's answer past MaxStreams.
var ErrTooManyStreams = errors.New("too many streams on one connection")

// Watch adds a stream; watching one twice changes nothing.
func (s *Subscription) Watch(st Stream) error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if slices.ContainsFunc(s.streams, func(x *Stream) bool { return *x == st }) {
		return nil
	}
	if len(s.streams) >= MaxStreams {
		return ErrTooManyStreams
	}
	s.streams = append(s.streams, &st)
	return nil
}

// Unwatch removes a stream.
func (s *Subscription) Unwatch(st Stream) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.streams = slices.DeleteFunc(s.streams, func(x *Stream) bool { return *x == st })
}

// dropLocked ends sub; h.mu is held and sub is in h.subs.
func (h *Hub) dropLocked(sub *Subscription, err error) {
	delete(h.subs, sub)
	sub.err = err
	close(sub.done)
	if errors.Is(err, ErrTooSlow) {
		h.dropped++
	}
	if err != nil && sub.onDrop != nil {
		sub.onDrop()
	}
}

// dispatch numbers e, keeps it for replay and offers it to every
// subscription that should see it, without ever waiting for one.
func (h *Hub) dispatch(ctx context.Context, id uint64, e social.Event) {
	ev := newEvent(id, e)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	// Holding the lock through this one indexed read keeps the order of
	// events and subscriptions simple: a reader subscribing meanwhile waits
	// a fraction of a millisecond, and publishers never take this lock.
	followers := h.followersLocked(ctx, ev)
	h.pushLocked(ev)
	h.events++
next:
	for sub := range h.subs {
		for _, s := range sub.streams {
			if !sub.matches(ev, s, followers[sub.reader.id()]) {
				continue
			}
			select {
			case sub.c <- Delivery{Event: ev, Stream: s}:
			default:
				h.dropLocked(sub, ErrTooSlow)
				continue next
			}
		}
	}
}

func (r Reader) id() int64 {
	if r.Account == nil {
		return 0
	}
	return r.Account.ID
}

// statusEvent reports whether ev carries a status to route by.
func statusEvent(ev *Event) bool {
	switch ev.Kind {
	case social.EventUpdate, social.EventStatusUpdate, social.EventDelete:
		return ev.Status != nil
	}
	return false
}

func author(ev *Event) int64 {
	if ev.Status == nil {
		return 0
	}
	return ev.Status.AccountID
}

// followersLocked finds which readers watching their user stream follow
// the author of ev: one query for all of them.
func (h *Hub) followersLocked(ctx context.Context, ev *Event) map[int64]bool {
	if !statusEvent(ev) || ev.Status.Visibility == store.Direct {
		return nil
	}
	var candidates []int64
	seen := map[int64]bool{}
	for sub := range h.subs {
		id := sub.reader.id()
		if id == 0 || id == ev.Status.AccountID || seen[id] || !slices.ContainsFunc(sub.streams, isUser) {
			continue
		}
		seen[id] = true
		candidates = append(candidates, id)
	}
	if len(candidates) == 0 {
		return nil
	}
	qctx, cancel := context.WithTimeout(ctx, audienceTimeout)
	defer cancel()
	ids, err := h.st.FollowersAmong(qctx, ev.Status.AccountID, candidates)
	if err != nil {
		if ctx.Err() == nil { // not merely stopping
			h.opts.Log.Error("streaming: find followers", "status", ev.Status.ID, "err", err)
		}
		return nil
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

func isUser(s *Stream) bool { return s.Name == User }

// followees finds which authors of events reader follows, for replaying
// its user stream.
func (h *Hub) followees(ctx context.Context, reader Reader, streams []*Stream, evs []*Event) (map[int64]bool, error) {
	id := reader.id()
	if id == 0 || !slices.ContainsFunc(streams, isUser) {
		return nil, nil
	}
	var authors []int64
	for _, ev := range evs {
		if statusEvent(ev) && !slices.Contains(authors, ev.Status.AccountID) {
			authors = append(authors, ev.Status.AccountID)
		}
	}
	if len(authors) == 0 {
		return nil, nil
	}
	rels, err := h.st.Relationships(ctx, id, authors)
	if err != nil {
		return nil, fmt.Errorf("replay for %d: %w", id, err)
	}
	out := make(map[int64]bool, len(rels))
	for _, r := range rels {
		out[r.Target] = r.Following
	}
	return out, nil
}

// matches says whether ev belongs on stream s of sub; followsAuthor is
// whether the reader follows the author of ev's status.
func (sub *Subscription) matches(ev *Event, s *Stream, followsAuthor bool) bool {
	if ev.Kind == social.EventNotification {
		n := ev.Notification
		if n == nil || n.AccountID != sub.reader.id() {
			return false
		}
		return s.Name == UserNotification || (s.Name == User && sub.reader.Notifications)
	}
	if !statusEvent(ev) {
		return false
	}
	st := ev.Status
	listed := st.Visibility == store.Public && st.ReblogOfID == 0
	switch s.Name {
	case User:
		return sub.reader.id() != 0 && social.InHome(st, sub.reader.id(), followsAuthor)
	case Public, PublicLocal:
		return listed
	case Hashtag, HashtagLocal:
		return listed && slices.Contains(ev.tagKeys, s.key)
	}
	return false
}

// pushLocked keeps ev in the replay ring.
func (h *Hub) pushLocked(ev *Event) {
	if len(h.ring) < h.opts.Replay {
		h.ring = append(h.ring, ev)
		return
	}
	h.ring[h.start] = ev
	h.start = (h.start + 1) % len(h.ring)
}

// holdsLocked says whether after is an event this hub still keeps: only
// then can the ring say what came after it. An id from another process
// (before a hot upgrade or a restart) or one pushed out of the ring is not.
func (h *Hub) holdsLocked(after uint64) bool {
	return slices.ContainsFunc(h.ring, func(ev *Event) bool { return ev.ID == after })
}

// resumeSlack reaches back before a resume point: a post's id is made when
// its request starts, some milliseconds before its event, so posts just
// before the point are read again rather than missed. A client may see such
// a post twice; clients keep statuses by id.
const resumeSlack = 2 * time.Second

// storeResumeMax bounds what one resume reads back from the store, per
// stream; a reader gone longer than that reloads its timeline anyway.
const storeResumeMax = 10000

// fromStore rebuilds what a reader missed since after (an event id from
// any process, which is a time in microseconds) from the store, for a
// resume this hub's ring cannot serve. The rebuilt events carry after as
// their id, so the reader's resume point stays put until a live event.
func (h *Hub) fromStore(ctx context.Context, reader Reader, streams []*Stream, after uint64) ([]*Event, error) {
	since := id.FromTime(time.UnixMicro(int64(after)).Add(-resumeSlack))
	seen := map[int64]bool{}
	var evs []*Event
	for _, s := range streams {
		var page func(store.Page) ([]*store.Status, error)
		switch s.Name {
		case User:
			if reader.id() != 0 {
				page = func(p store.Page) ([]*store.Status, error) { return h.st.HomeTimeline(ctx, reader.id(), p) }
			}
		case Public, PublicLocal:
			page = func(p store.Page) ([]*store.Status, error) { return h.st.PublicTimeline(ctx, p) }
		case Hashtag, HashtagLocal:
			key := s.key
			page = func(p store.Page) ([]*store.Status, error) { return h.st.TagTimeline(ctx, key, p) }
		}
		if page != nil {
			sts, err := pageForward(since, func(st *store.Status) int64 { return st.ID }, page)
			if err != nil {
				return nil, fmt.Errorf("resume from the store: %w", err)
			}
			for _, st := range sts {
				if !seen[st.ID] {
					seen[st.ID] = true
					evs = append(evs, newEvent(after, social.Event{Kind: social.EventUpdate, Status: st}))
				}
			}
		}
		if (s.Name == User || s.Name == UserNotification) && reader.id() != 0 {
			ns, err := pageForward(since, func(n *store.Notification) int64 { return n.ID }, func(p store.Page) ([]*store.Notification, error) {
				return h.st.Notifications(ctx, reader.id(), nil, nil, p)
			})
			if err != nil {
				return nil, fmt.Errorf("resume from the store: %w", err)
			}
			for _, n := range ns {
				evs = append(evs, newEvent(after, social.Event{Kind: social.EventNotification, Notification: n}))
			}
		}
	}
	return evs, nil
}

// pageForward reads a newest-first list from just above since up to the
// present, oldest first, at most storeResumeMax items.
func pageForward[T any](since int64, idOf func(T) int64, page func(store.Page) ([]T, error)) ([]T, error) {
	const size = 200
	var out []T
	for len(out) < storeResumeMax {
		items, err := page(store.Page{MinID: since, Limit: size})
		if err != nil {
			return nil, err
		}
		for i := len(items) - 1; i >= 0; i-- {
			out = append(out, items[i])
		}
		if len(items) < size {
			break
		}
		since = idOf(items[0])
	}
	return out, nil
}

// newEvent numbers e and notes its tags' keys once for every reader.
func newEvent(id uint64, e social.Event) *Event {
	ev := &Event{ID: id, Event: e}
	if e.Status != nil {
		for _, t := range e.Status.Tags {
			ev.tagKeys = append(ev.tagKeys, post.TagKey(t))
		}
	}
	return ev
}

// sinceLocked returns the kept events with ids above after, oldest first.
func (h *Hub) sinceLocked(after uint64) []*Event {
	var out []*Event
	for i := range h.ring {
		if ev := h.ring[(h.start+i)%len(h.ring)]; ev.ID > after {
			out = append(out, ev)
		}
	}
	return out
}
