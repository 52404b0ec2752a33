package mastoapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	// The one WebSocket library: it works on net/http's own handlers
	// (Accept on a ResponseWriter), takes contexts for deadlines, handles
	// pings and close frames, and has no dependencies of its own.
	"github.com/coder/websocket"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/stream"
	"github.com/sada-project/sada/internal/trends"
)

// Timings of live connections.
const (
	// heartbeat is how often an idle SSE stream gets a comment line, so
	// that proxies and mobile networks keep it open (Mastodon: 15 s).
	heartbeat = 15 * time.Second
	// pingEvery is how often a WebSocket is pinged (Mastodon: 30 s); a
	// client that does not answer within writeTimeout is disconnected.
	pingEvery = 30 * time.Second
	// writeTimeout bounds each write to a live connection. A reader that
	// stops reading is dropped by the hub once its buffer fills; this makes
	// sure its connection is closed too.
	writeTimeout = 10 * time.Second
	// renderTimeout bounds rendering an event, which is shared by all its
	// readers and so not tied to any one connection.
	renderTimeout = 10 * time.Second
	// maxBatch is how many waiting events an SSE stream writes before it
	// flushes.
	maxBatch = 64
)

// realtime serves what changes by the second: the streaming API, search
// and trends. Its handlers need the hub and the trend ranker, which the
// API struct does not carry, so they live here.
type realtime struct {
	*API
	trends *trends.Ranker
}

// realtimeRoutes registers streaming, search and trends. The streaming hub
// is one of the social service's publishers (cmd/sada wires it); without
// one the streaming endpoints answer 503.
func (a *API) realtimeRoutes(mux *http.ServeMux) {
	rt := &realtime{API: a, trends: trends.New(a.Store)}
	mux.HandleFunc("GET /api/v1/streaming", rt.websocket)
	mux.HandleFunc("GET /api/v1/streaming/health", rt.health)
	mux.HandleFunc("GET /api/v1/streaming/{path...}", rt.sse)
	mux.HandleFunc("GET /api/v2/search", a.open("read:search", a.search))
	mux.HandleFunc("GET /api/v1/trends", a.open("", rt.trendTags))
	mux.HandleFunc("GET /api/v1/trends/tags", a.open("", rt.trendTags))
}

var (
	errUnknownChannel = errorf(http.StatusBadRequest, "Unknown channel requested")
	errNoToken        = errorf(http.StatusUnauthorized, "Missing access token")
	errStreamScope    = errorf(http.StatusUnauthorized, "Access token does not cover required scopes")
	errNoStreaming    = errorf(http.StatusServiceUnavailable, "Streaming is not available")
)

// hub returns the streaming hub, found among the service's publishers at
// each request so that the order of wiring does not matter.
func (rt *realtime) hub() *stream.Hub {
	if rt.Social == nil {
		return nil
	}
	return stream.HubOf(rt.Social.Events)
}

// health is GET /api/v1/streaming/health.
func (rt *realtime) health(w http.ResponseWriter, r *http.Request) {
	if rt.hub() == nil {
		rt.writeError(w, r, errNoStreaming)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("OK"))
}

// ssePaths maps the paths below /api/v1/streaming/ to stream names, with
// the names only_media=true selects.
var ssePaths = map[string][2]string{
	"user":              {stream.User, stream.User},
	"user/notification": {stream.UserNotification, stream.UserNotification},
	"public":            {stream.Public, stream.PublicMedia},
	"public/local":      {stream.PublicLocal, stream.PublicLocalMedia},
	"public/remote":     {stream.PublicRemote, stream.PublicRemoteMedia},
	"hashtag":           {stream.Hashtag, stream.Hashtag},
	"hashtag/local":     {stream.HashtagLocal, stream.HashtagLocal},
	"direct":            {stream.Direct, stream.Direct},
}

// streamAuth resolves the token of a streaming request: the Authorization
// header, the access_token parameter or, as Mastodon allows for browsers'
// WebSockets, the Sec-WebSocket-Protocol header, which is then returned to
// be echoed. Every stream needs a token acting for an account (Mastodon
// 4.2 and later).
func (rt *realtime) streamAuth(r *http.Request) (au auth, protocol string, err error) {
	if r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
		if p, _, _ := strings.Cut(r.Header.Get("Sec-WebSocket-Protocol"), ","); strings.TrimSpace(p) != "" {
			protocol = strings.TrimSpace(p)
			r = r.Clone(r.Context())
			r.Header.Set("Authorization", "Bearer "+protocol)
		}
	}
	if au, err = rt.authenticate(r); err != nil {
		return auth{}, "", err
	}
	switch {
	case au.Token == nil:
		return auth{}, "", errNoToken
	case au.Account == nil:
		return auth{}, "", errUnauthorized
	}
	return au, protocol, nil
}

// streamScope checks that au may read stream name: the user streams need
// read:statuses or read:notifications (or read); public ones only a user.
func streamScope(au auth, name string) error {
	need := ""
	switch name {
	case stream.User:
		need = "read:statuses"
	case stream.UserNotification:
		need = "read:notifications"
	}
	if need != "" && !grants(au.Token.Scopes, need) {
		return errStreamScope
	}
	return nil
}

func streamReader(au auth) stream.Reader {
	return stream.Reader{Account: au.Account, Notifications: grants(au.Token.Scopes, "read:notifications")}
}

// streamError is the API error for a stream a client asked for wrongly.
func streamError(err error) error {
	switch {
	case errors.Is(err, stream.ErrNoTag):
		return errorf(http.StatusBadRequest, "No tag for stream provided")
	case errors.Is(err, stream.ErrUnknownStream):
		return errUnknownChannel
	case errors.Is(err, stream.ErrClosed):
		return errNoStreaming
	}
	return err
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// sse is GET /api/v1/streaming/{stream}: Server-Sent Events. Each event
// carries its id; a client that reconnects with Last-Event-ID first gets
// the events it missed (as long as the hub still holds them).
func (rt *realtime) sse(w http.ResponseWriter, r *http.Request) {
	if isWebSocket(r) { // some clients open their socket on a longer path
		rt.websocket(w, r)
		return
	}
	names, ok := ssePaths[strings.TrimSuffix(r.PathValue("path"), "/")]
	if !ok {
		rt.writeError(w, r, errUnknownChannel)
		return
	}
	p := params(r.URL.Query())
	media, err := p.boolean("only_media", false)
	if err != nil {
		rt.writeError(w, r, err)
		return
	}
	name := names[0]
	if media {
		name = names[1]
	}
	au, _, err := rt.streamAuth(r)
	if err == nil {
		err = streamScope(au, name)
	}
	if err != nil {
		rt.writeError(w, r, err)
		return
	}
	s, err := stream.ParseStream(name, p.str("tag"))
	hub := rt.hub()
	if err == nil && hub == nil {
		err = stream.ErrClosed
	}
	if err != nil {
		rt.writeError(w, r, streamError(err))
		return
	}
	// A malformed Last-Event-ID is treated as none: the stream starts live.
	after, _ := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64)
	sub, err := hub.Subscribe(r.Context(), streamReader(au), []stream.Stream{s}, after)
	if err != nil {
		rt.writeError(w, r, streamError(err))
		return
	}
	defer sub.Close()
	rt.serveSSE(w, r, au, sub)
}

// serveSSE writes a subscription's events until the client leaves or the
// hub drops it.
func (rt *realtime) serveSSE(w http.ResponseWriter, r *http.Request, au auth, sub *stream.Subscription) {
	rc := http.NewResponseController(w)
	// The server's ReadTimeout would otherwise end the stream: it is the
	// deadline of the whole request, and this one lasts for hours.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // tell nginx not to hold events back
	w.WriteHeader(http.StatusOK)

	ctx := r.Context()
	// When the hub drops a reader that stopped reading, its writes may be
	// blocked on a full socket; an expired deadline unblocks them.
	sub.OnDrop(func() { _ = rc.SetWriteDeadline(time.Now()) })

	buf := []byte(":)\n") // as Mastodon starts its streams
	var deadline time.Time
	flush := func() bool {
		// Moved forward only when half used up: setting it costs more than
		// many small writes on a busy stream.
		if now := time.Now(); deadline.Sub(now) < writeTimeout/2 {
			deadline = now.Add(writeTimeout)
			_ = rc.SetWriteDeadline(deadline)
		}
		if _, err := w.Write(buf); err != nil {
			return false
		}
		buf = buf[:0]
		return rc.Flush() == nil
	}
	add := func(d stream.Delivery) {
		data, ok := rt.payload(ctx, r, au, d)
		if !ok {
			return
		}
		buf = append(buf, "id: "...)
		buf = strconv.AppendUint(buf, d.Event.ID, 10)
		buf = append(buf, "\nevent: "...)
		buf = append(buf, d.Event.Kind...)
		buf = append(buf, "\ndata: "...)
		buf = append(buf, data...)
		buf = append(buf, "\n\n"...)
	}
	for _, d := range sub.Replay() {
		add(d)
	}
	if !flush() {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		select {
		case d := <-sub.C():
			add(d)
		more:
			for range maxBatch - 1 {
				select {
				case d := <-sub.C():
					add(d)
				default:
					break more
				}
			}
		case <-beat.C:
			buf = append(buf, ":thump\n"...)
		case <-sub.Done():
			return
		case <-ctx.Done():
			return
		}
		if len(buf) > 0 && !flush() {
			return
		}
	}
}

// payload renders an event for one reader, as the REST API would show it
// to them: statuses with the reader's favourited and reblogged flags,
// notifications as GET /api/v1/notifications/:id. Renderings are shared
// through the event's memo by every reader who would see the same bytes.
// ok is false when there is nothing to send (the post has gone since).
func (rt *realtime) payload(ctx context.Context, r *http.Request, au auth, d stream.Delivery) (data []byte, ok bool) {
	ev := d.Event
	var v any
	var err error
	switch ev.Kind {
	case social.EventDelete:
		sid := ev.StatusID
		if sid == 0 && ev.Status != nil {
			sid = ev.Status.ID
		}
		return []byte(idStr(sid)), true
	case social.EventNotification:
		v, err = ev.Memo("notification", func() (any, error) {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renderTimeout)
			defer cancel()
			out, err := rt.renderNotifications(r.WithContext(rctx), au, []*store.Notification{ev.Notification})
			if err != nil {
				return nil, err
			}
			if len(out) == 0 {
				return nil, errNotFound // its status is gone
			}
			return json.Marshal(out[0])
		})
	case social.EventUpdate, social.EventStatusUpdate:
		v, err = rt.statusPayload(ctx, au.Account, ev)
	default:
		return nil, false
	}
	if err != nil {
		if !errors.Is(err, errNotFound) {
			rt.Log.WarnContext(ctx, "streaming: render event", "kind", ev.Kind, "event", ev.ID, "err", err)
		}
		return nil, false
	}
	return v.([]byte), true
}

// statusPayload renders a status event for viewer. The entity is built once
// per event without viewer; each reader then only adds their flags, and the
// JSON is encoded once per distinct set of flags. A post that has just
// been made cannot have been favourited or reposted yet, so for those no
// reader costs a query.
func (rt *realtime) statusPayload(ctx context.Context, viewer *store.Account, ev *stream.Event) (any, error) {
	base, ok, err := ev.Cached("status")
	if !ok {
		base, err = ev.Memo("status", func() (any, error) {
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), renderTimeout)
			defer cancel()
			return rt.renderStatus(rctx, nil, ev.Status)
		})
	}
	if err != nil {
		return nil, err
	}
	st := ev.Status
	var own, orig store.Flags
	if ev.Kind != social.EventUpdate || st.ReblogOfID != 0 {
		flags, err := rt.Store.Flags(ctx, viewer.ID, []int64{st.ID, st.ReblogOfID})
		if err != nil {
			return nil, fmt.Errorf("flags: %w", err)
		}
		own, orig = flags[st.ID], flags[st.ReblogOfID]
	}
	key := flagsKey(own, orig)
	if v, ok, err := ev.Cached(key); ok {
		return v, err
	}
	return ev.Memo(key, func() (any, error) {
		e := withFlags(base.(Status), own)
		if e.Reblog != nil {
			inner := withFlags(*e.Reblog, orig)
			e.Reblog = &inner
		}
		return json.Marshal(e)
	})
}

// flagKeys name the 16 combinations of a status's and its original's
// flags, as memo keys; made once, not per reader and event.
var flagKeys = func() (keys [16]string) {
	for i := range keys {
		keys[i] = fmt.Sprintf("status:%04b", i)
	}
	return keys
}()

func flagsKey(own, orig store.Flags) string {
	bit := func(b bool, n uint) int {
		if b {
			return 1 << n
		}
		return 0
	}
	return flagKeys[bit(own.Favourited, 3)|bit(own.Reblogged, 2)|bit(orig.Favourited, 1)|bit(orig.Reblogged, 0)]
}

// withFlags adds a viewer's flags to a status rendered without one, as
// the renderer does for a signed-in viewer.
func withFlags(e Status, f store.Flags) Status {
	no := false
	e.Favourited, e.Reblogged = &f.Favourited, &f.Reblogged
	e.Muted, e.Bookmarked, e.Pinned = &no, &no, &no
	return e
}

// wsMessage is what Mastodon's WebSocket sends: the event's payload as a
// JSON string inside a JSON object.
type wsMessage struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

// wsError is how a WebSocket reports a bad request without closing.
type wsError struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// websocket is GET /api/v1/streaming upgraded to a WebSocket: one
// connection, many streams, chosen with {"type":"subscribe","stream":...}
// messages (or ?stream= when connecting).
func (rt *realtime) websocket(w http.ResponseWriter, r *http.Request) {
	if !isWebSocket(r) {
		// Mastodon clients ask this path to find the streaming server: not
		// found means "the same host".
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Not found"})
		return
	}
	au, protocol, err := rt.streamAuth(r)
	hub := rt.hub()
	if err == nil && hub == nil {
		err = errNoStreaming
	}
	if err != nil {
		rt.writeError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	// The hijacked connection keeps the server's deadlines otherwise.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	opts := &websocket.AcceptOptions{
		// Clients authenticate with a token, never a cookie, so a page on
		// another origin gains nothing it did not already hold; Mastodon
		// accepts every origin too, which web clients hosted elsewhere need.
		InsecureSkipVerify: true,
	}
	if protocol != "" {
		opts.Subprotocols = []string{protocol}
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		return // Accept has answered
	}
	defer conn.CloseNow()
	conn.SetReadLimit(16 << 10)

	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	sub, err := hub.Subscribe(ctx, streamReader(au), nil, 0)
	if err != nil {
		conn.Close(websocket.StatusTryAgainLater, "streaming is not available")
		return
	}
	defer sub.Close()
	ws := &wsSession{rt: rt, conn: conn, r: r, au: au, sub: sub}
	if q := r.URL.Query(); q.Get("stream") != "" {
		ws.subscribe(ctx, q.Get("stream"), q.Get("tag"))
	}
	go func() {
		defer cancel()
		ws.read(ctx)
	}()
	go func() {
		defer cancel()
		ws.ping(ctx)
	}()
	for {
		select {
		case d := <-sub.C():
			if !ws.send(ctx, d) {
				return
			}
		case <-sub.Done():
			if errors.Is(sub.Err(), stream.ErrTooSlow) {
				conn.Close(websocket.StatusTryAgainLater, "too far behind; reconnect")
			} else {
				conn.Close(websocket.StatusGoingAway, "server shutting down")
			}
			return
		case <-ctx.Done():
			return
		}
	}
}

// wsSession is one WebSocket connection.
type wsSession struct {
	rt   *realtime
	conn *websocket.Conn
	r    *http.Request
	au   auth
	sub  *stream.Subscription
}

// read handles subscribe and unsubscribe messages until the client leaves.
func (ws *wsSession) read(ctx context.Context) {
	for {
		typ, data, err := ws.conn.Read(ctx)
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			ws.conn.Close(websocket.StatusUnsupportedData, "binary messages are not supported")
			return
		}
		var m struct {
			Type   string `json:"type"`
			Stream string `json:"stream"`
			Tag    string `json:"tag"`
		}
		if json.Unmarshal(data, &m) != nil {
			continue // as Mastodon: a message that is not JSON is ignored
		}
		switch m.Type {
		case "subscribe":
			ws.subscribe(ctx, m.Stream, m.Tag)
		case "unsubscribe":
			if s, err := stream.ParseStream(m.Stream, m.Tag); err == nil {
				ws.sub.Unwatch(s)
			} else {
				ws.writeJSON(ctx, wsError{Error: "Error unsubscribing from channel", Status: http.StatusBadRequest})
			}
		}
	}
}

// subscribe adds a stream, or tells the client why not.
func (ws *wsSession) subscribe(ctx context.Context, name, tag string) {
	s, err := stream.ParseStream(name, tag)
	switch {
	case errors.Is(err, stream.ErrNoTag):
		ws.writeJSON(ctx, wsError{Error: "No tag for stream provided", Status: http.StatusBadRequest})
	case err != nil:
		ws.writeJSON(ctx, wsError{Error: "Unknown stream type", Status: http.StatusBadRequest})
	case streamScope(ws.au, name) != nil:
		ws.writeJSON(ctx, wsError{Error: errStreamScope.Error(), Status: http.StatusUnauthorized})
	default:
		if ws.sub.Watch(s) != nil {
			ws.writeJSON(ctx, wsError{Error: "Too many streams", Status: http.StatusBadRequest})
		}
	}
}

// send writes one event; false when the connection is unusable.
func (ws *wsSession) send(ctx context.Context, d stream.Delivery) bool {
	data, ok := ws.rt.payload(ctx, ws.r, ws.au, d)
	if !ok {
		return true
	}
	return ws.writeJSON(ctx, wsMessage{Stream: d.Stream.Names(), Event: d.Event.Kind, Payload: string(data)})
}

func (ws *wsSession) writeJSON(ctx context.Context, v any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	wctx, cancel := context.WithTimeout(ctx, writeTimeout)
	defer cancel()
	return ws.conn.Write(wctx, websocket.MessageText, b) == nil
}

// ping keeps the connection alive through proxies and notices a client
// that has gone without closing.
func (ws *wsSession) ping(ctx context.Context) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, writeTimeout)
			err := ws.conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		}
	}
}
