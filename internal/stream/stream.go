// Package stream delivers what happens on sada to the people watching, as
// it happens: the hub behind Mastodon's streaming API (Server-Sent Events
// and WebSocket, served by package mastoapi) and the web interface's live
// updates.
//
// Events flow in one direction:
//
//	social.Service ──Publish──▶ Hub ──▶ Feed ──Listen──▶ Hub.dispatch ──▶ Subscriptions
//
// The Feed is the seam between a hub and its event source. Local is the
// in-process feed of a single node; a feed over NATS (publish on the node
// where the action happened, deliver on every node, numbered by the NATS
// stream's sequence) can replace it without touching the hub or the
// transports.
//
// The hub decides who gets what with the same rules as the REST API: the
// user stream carries what belongs in the reader's home timeline
// (social.InHome) and the reader's notifications, public and hashtag
// streams carry public posts only, never reblogs. Rendering is left to the
// transport, which renders each event for each reader and can memoise the
// result on the Event, so that a post delivered to a thousand readers is
// encoded once per distinct shape, not a thousand times.
//
// Bounds: every subscription has a buffer of Options.Buffer deliveries; a
// subscription that falls that far behind is dropped (its Done channel
// closes) and the hub never waits for it. The hub keeps the last
// Options.Replay events, so a reader that reconnects with the id of the
// last event it saw (SSE's Last-Event-ID) gets what it missed, then live
// events.
package stream

import (
	"errors"
	"sync"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
)

// Stream names, as Mastodon's streaming API documents them. Every account
// on sada is local, so the :local variants carry the same as their
// counterparts; streams for things sada does not have (media, remote
// posts, direct conversations) are accepted and stay silent.
const (
	User              = "user"
	UserNotification  = "user:notification"
	Public            = "public"
	PublicLocal       = "public:local"
	PublicMedia       = "public:media"
	PublicLocalMedia  = "public:local:media"
	PublicRemote      = "public:remote"
	PublicRemoteMedia = "public:remote:media"
	Hashtag           = "hashtag"
	HashtagLocal      = "hashtag:local"
	Direct            = "direct"
)

// Errors from ParseStream and Subscribe.
var (
	ErrUnknownStream = errors.New("unknown stream type")
	ErrNoTag         = errors.New("no tag for stream provided")
	ErrClosed        = errors.New("the streaming hub has stopped")
)

// Stream is one stream a reader watches.
type Stream struct {
	Name string
	// Tag is the hashtag of a hashtag stream as the client wrote it (it is
	// echoed back in WebSocket messages); key is its post.TagKey.
	Tag string
	key string
}

// ParseStream checks a stream name (and, for hashtag streams, its tag) as
// a client sends it.
func ParseStream(name, tag string) (Stream, error) {
	switch name {
	case User, UserNotification, Public, PublicLocal, PublicMedia, PublicLocalMedia,
		PublicRemote, PublicRemoteMedia, Direct:
		return Stream{Name: name}, nil
	case Hashtag, HashtagLocal:
		if tag == "" {
			return Stream{}, ErrNoTag
		}
		return Stream{Name: name, Tag: tag, key: post.TagKey(tag)}, nil
	}
	return Stream{}, ErrUnknownStream
}

// Names is the stream as Mastodon's WebSocket messages name it: the name,
// and the tag for a hashtag stream.
func (s Stream) Names() []string {
	if s.Tag != "" {
		return []string{s.Name, s.Tag}
	}
	return []string{s.Name}
}

// Event is one social.Event as the hub numbers and shares it. Events are
// read-only once dispatched, except for the memo.
type Event struct {
	// ID increases with every event; SSE sends it as the event id, and a
	// reconnecting client sends it back to resume.
	ID uint64
	social.Event

	tagKeys []string // of Status, computed once by the dispatcher

	mu    sync.Mutex
	memos map[string]*memo
}

type memo struct {
	ready chan struct{} // closed once v and err are set
	v     any
	err   error
}

// Memo returns what fn returns for key, calling fn once per event and key
// however many readers ask at once; the others wait for it. Transports use
// it to render an event once per distinct shape (per set of viewer flags,
// say).
func (e *Event) Memo(key string, fn func() (any, error)) (any, error) {
	e.mu.Lock()
	m, found := e.memos[key]
	if !found {
		if e.memos == nil {
			e.memos = map[string]*memo{}
		}
		m = &memo{ready: make(chan struct{})}
		e.memos[key] = m
	}
	e.mu.Unlock()
	if found {
		<-m.ready
		return m.v, m.err
	}
	defer close(m.ready)
	m.v, m.err = fn()
	return m.v, m.err
}

// Cached returns what Memo made for key, if it has: a fast path for the
// many readers after the first, which spares them building the function
// Memo takes.
func (e *Event) Cached(key string) (v any, ok bool, err error) {
	e.mu.Lock()
	m := e.memos[key]
	e.mu.Unlock()
	if m == nil {
		return nil, false, nil
	}
	<-m.ready
	return m.v, true, m.err
}

// Delivery is an event on its way to a subscription, with the stream it
// matched (a WebSocket subscription may watch several). Both are shared:
// read them, do not change them.
type Delivery struct {
	Event  *Event
	Stream *Stream
}
