package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/stream"
)

// Timings of the live stream, as the streaming API's (mastoapi/streaming.go).
const (
	// liveHeartbeat keeps an idle stream open through proxies and mobile
	// networks with a comment line.
	liveHeartbeat = 15 * time.Second
	// liveWriteTimeout bounds each write, so a browser that stopped
	// reading is let go; the hub drops it once its buffer fills.
	liveWriteTimeout = 10 * time.Second
)

// liveURL is where a page's script follows timeline ("home", "public" or
// "tag") as it grows.
func liveURL(timeline, tag string) string {
	u := "/web/stream?timeline=" + timeline
	if tag != "" {
		u += "&tag=" + url.QueryEscape(tag)
	}
	return u
}

// live is GET /web/stream?timeline=home|public|tag&tag=NAME: a page's
// timeline as server-sent events, for the "N new posts" bar. The streaming
// API wants an OAuth token, which a page does not have; this route takes
// the web session instead, and sends only what the bar needs: an "update"
// event whose data is the new timeline entry's id (the page's "p-ID"), with
// the hub's event id so a reconnecting EventSource resumes (Last-Event-ID).
// The hub applies the same visibility rules as the API's streams.
func (h *Web) live(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r)
	q := r.URL.Query()
	var s stream.Stream
	var err error
	switch q.Get("timeline") {
	case "home":
		if v.viewer == nil {
			h.fail(w, r, errForbidden)
			return
		}
		s, err = stream.ParseStream(stream.User, "")
	case "public":
		s, err = stream.ParseStream(stream.Public, "")
	case "tag":
		s, err = stream.ParseStream(stream.Hashtag, q.Get("tag"))
	default:
		err = errBadRequest
	}
	if err != nil {
		h.fail(w, r, errBadRequest)
		return
	}
	hub := stream.HubOf(h.social.Events)
	if hub == nil {
		http.Error(w, "no streaming", http.StatusServiceUnavailable)
		return
	}
	// A malformed Last-Event-ID is taken as none: the stream starts live.
	after, _ := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64)
	sub, err := hub.Subscribe(r.Context(), stream.Reader{Account: v.viewer}, []stream.Stream{s}, after)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer sub.Close()

	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{}) // the request lasts as long as the page is open
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	sub.OnDrop(func() { _ = rc.SetWriteDeadline(time.Now()) })

	buf := []byte(":)\n")
	add := func(d stream.Delivery) {
		if d.Event.Kind == social.EventUpdate && d.Event.Status != nil {
			buf = strconv.AppendUint(append(buf, "id: "...), d.Event.ID, 10)
			buf = strconv.AppendInt(append(buf, "\nevent: update\ndata: "...), d.Event.Status.ID, 10)
			buf = append(buf, "\n\n"...)
		}
	}
	for _, d := range sub.Replay() {
		add(d)
	}
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		if len(buf) > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
			if _, err := w.Write(buf); err != nil || rc.Flush() != nil {
				return
			}
			buf = buf[:0]
		}
		select {
		case d := <-sub.C():
			add(d)
		case <-beat.C:
			buf = append(buf, ":thump\n"...)
		case <-sub.Done():
			return
		case <-r.Context().Done():
			return
		}
	}
}
