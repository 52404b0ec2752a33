package mastoapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/stream"
)

// streamWait bounds how long a test waits for an event that must come: a
// guard against hanging, not a measure of speed.
const streamWait = 10 * time.Second

// streamReadTimeout is the test server's ReadTimeout, far shorter than
// cmd/sada's: streams must outlive it.
const streamReadTimeout = 300 * time.Millisecond

// newStreamServer is a server like newServer's, wired as cmd/sada wires it
// (the hub is the social service's publisher), and with a ReadTimeout. It
// does not go through recordRoutes, whose ResponseWriter can neither flush
// nor hijack; the routes served here are not in routes.go anyway.
func newStreamServer(t *testing.T, opts stream.Options) (*testServer, *stream.Hub) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Sync = "NORMAL"
	st, err := sqlite.Open(context.Background(), filepath.Join(cfg.DataDir, "sada.db"), sqlite.Options{Synchronous: cfg.Sync})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ts := &testServer{st: st}
	ts.Server = httptest.NewUnstartedServer(mux)
	ts.Config.ReadTimeout = streamReadTimeout
	ts.Config.IdleTimeout = time.Minute
	ts.Start()
	cfg.Addr = ts.Listener.Addr().String()
	cfg.Domain = cfg.Addr
	ts.svc = social.New(st, cfg.Domain)
	hub := stream.New(st, stream.NewLocal(), opts)
	ts.svc.Events = hub
	mastoapi.New(cfg, st, ts.svc, slog.New(slog.NewTextHandler(io.Discard, nil))).Routes(mux)
	ts.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hub.Run(ctx); err != nil {
			t.Errorf("hub: %v", err)
		}
	}()
	// Stopping the hub ends every stream, so closing the server does not
	// wait for them.
	t.Cleanup(func() {
		cancel()
		<-done
		ts.Close()
		st.Close()
	})
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	ts.call(t, "POST", "/api/v1/apps", "", map[string]any{
		"client_name": "tests", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": "read write follow push",
	}).want(t, 200).decode(t, &app)
	ts.app = appCreds{app.ClientID, app.ClientSecret}
	return ts, hub
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	ID, Event, Data string
}

// sseClient reads an event stream in the background.
type sseClient struct {
	res    *http.Response
	events chan sseEvent
	ended  chan struct{} // closed when the stream ends
}

// openSSE opens path with the token in the Authorization header (or in the
// URL when path carries access_token) and extra headers.
func (ts *testServer) openSSE(t *testing.T, path, token string, header ...string) *sseClient {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		t.Fatalf("GET %s: status %d: %s", path, res.StatusCode, b)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type %q", ct)
	}
	c := &sseClient{res: res, events: make(chan sseEvent, 1000), ended: make(chan struct{})}
	go c.read()
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() { c.res.Body.Close() }

func (c *sseClient) read() {
	defer close(c.ended)
	sc := bufio.NewScanner(c.res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Event != "" {
				c.events <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, ":"): // a comment: the greeting or a heartbeat
		case strings.HasPrefix(line, "id: "):
			ev.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			ev.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.Data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// next returns the next event.
func (c *sseClient) next(t *testing.T) sseEvent {
	t.Helper()
	select {
	case ev := <-c.events:
		return ev
	case <-c.ended:
		select {
		case ev := <-c.events:
			return ev
		default:
		}
		t.Fatal("the stream ended")
	case <-time.After(streamWait):
		t.Fatal("no event")
	}
	return sseEvent{}
}

// statusID is the id an event is about: a status id for update and delete,
// the notification's id for notification.
func (ev sseEvent) statusID(t *testing.T) string {
	t.Helper()
	if ev.Event == "delete" {
		return ev.Data
	}
	var v struct{ ID string }
	if err := json.Unmarshal([]byte(ev.Data), &v); err != nil {
		t.Fatalf("%s data %q: %v", ev.Event, ev.Data, err)
	}
	return v.ID
}

// expect checks that the next events are exactly want (as "event id"),
// then marker. Each stream gets events in the order they happened, so an
// event that should not be there would show up before the marker.
func (c *sseClient) expect(t *testing.T, marker string, want ...string) {
	t.Helper()
	for _, w := range append(want, marker) {
		ev := c.next(t)
		if got := ev.Event + " " + ev.statusID(t); got != w {
			t.Fatalf("got %q, want %q (expecting %v then %q)", got, w, want, marker)
		}
	}
}

func upd(st map[string]any) string { return "update " + st["id"].(string) }

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return m
}

func TestStreamingUserUpdate(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	ts.follow(t, bob, alice)
	header := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	query := ts.openSSE(t, "/api/v1/streaming/user?access_token="+bob.Token, "")

	st := ts.postStatus(t, alice, "hello #world @bob", map[string]any{"language": "en"})
	for _, c := range []*sseClient{header, query} {
		ev := c.next(t)
		if ev.Event != "update" || ev.ID == "" {
			t.Fatalf("event %q with id %q, want update with an id", ev.Event, ev.ID)
		}
		// The payload is the status as the REST API shows it to bob.
		rest := ts.get(t, "/api/v1/statuses/"+st["id"].(string), bob.Token).want(t, 200).obj(t)
		if diff := cmp.Diff(rest, decodeJSON(t, ev.Data)); diff != "" {
			t.Errorf("streamed status differs from GET /api/v1/statuses/:id (-rest +stream):\n%s", diff)
		}
		// Bob is mentioned, and his token may read notifications.
		if ev := c.next(t); ev.Event != "notification" || str(t, decodeJSON(t, ev.Data), "status", "id") != st["id"] {
			t.Errorf("got %s %s, want the mention", ev.Event, ev.Data)
		}
	}

	// A repost by someone bob follows carries bob's own flags on the
	// original: he favourited it.
	carol := ts.signUp(t, "carol")
	ts.follow(t, bob, carol)
	ts.call(t, "POST", "/api/v1/statuses/"+st["id"].(string)+"/favourite", bob.Token, nil).want(t, 200)
	rb := ts.call(t, "POST", "/api/v1/statuses/"+st["id"].(string)+"/reblog", carol.Token, nil).want(t, 200).obj(t)
	ev := header.next(t)
	if ev.Event != "update" || ev.statusID(t) != rb["id"] {
		t.Fatalf("got %s %s, want the reblog %s", ev.Event, ev.statusID(t), rb["id"])
	}
	got := decodeJSON(t, ev.Data)
	if !boolean(t, got, "reblog", "favourited") || boolean(t, got, "favourited") {
		t.Errorf("reblog flags: outer favourited %v, original favourited %v; want false, true",
			got["favourited"], field(t, got, "reblog", "favourited"))
	}
	rest := ts.get(t, "/api/v1/statuses/"+rb["id"].(string), bob.Token).want(t, 200).obj(t)
	if diff := cmp.Diff(rest, got); diff != "" {
		t.Errorf("streamed reblog differs from REST (-rest +stream):\n%s", diff)
	}
}

func TestStreamingVisibility(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")     // follows alice
	carol := ts.signUp(t, "carol") // does not
	dave := ts.signUp(t, "dave")   // is mentioned
	ts.follow(t, bob, alice)
	bobUser := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	bobPublic := ts.openSSE(t, "/api/v1/streaming/public", bob.Token)
	carolUser := ts.openSSE(t, "/api/v1/streaming/user", carol.Token)
	carolPublic := ts.openSSE(t, "/api/v1/streaming/public/local", carol.Token)
	daveUser := ts.openSSE(t, "/api/v1/streaming/user", dave.Token)

	private := ts.postStatus(t, alice, "for followers only", map[string]any{"visibility": "private"})
	unlisted := ts.postStatus(t, alice, "quietly", map[string]any{"visibility": "unlisted"})
	direct := ts.postStatus(t, alice, "@dave between us", map[string]any{"visibility": "direct"})
	privateMention := ts.postStatus(t, alice, "@dave you too", map[string]any{"visibility": "private"})
	// The markers: public posts by carol, whom only carol herself follows,
	// and by alice.
	carols := ts.postStatus(t, carol, "a public post")
	alices := ts.postStatus(t, alice, "a public post")
	daves := ts.postStatus(t, dave, "a public post")

	t.Run("a follower gets private and unlisted posts in home, not direct ones", func(t *testing.T) {
		bobUser.expect(t, upd(alices), upd(private), upd(unlisted), upd(privateMention))
	})
	t.Run("the public stream carries public posts only", func(t *testing.T) {
		bobPublic.expect(t, upd(alices), upd(carols))
		carolPublic.expect(t, upd(alices), upd(carols))
	})
	t.Run("a non-follower's home gets none of it", func(t *testing.T) {
		carolUser.expect(t, upd(carols))
	})
	t.Run("the mentioned get the direct post, and the private mention as a notification", func(t *testing.T) {
		// Dave follows nobody: his home holds the direct post, and his
		// notifications (his token may read them) both mentions.
		daveUser.expect(t, upd(daves), upd(direct),
			"notification "+notificationIDAbout(t, ts, dave, direct),
			"notification "+notificationIDAbout(t, ts, dave, privateMention))
	})
}

// notificationIDAbout returns the id of u's notification about a status.
func notificationIDAbout(t *testing.T, ts *testServer, u user, st map[string]any) string {
	t.Helper()
	for _, n := range ts.get(t, "/api/v1/notifications", u.Token).want(t, 200).list(t) {
		if s, ok := n["status"].(map[string]any); ok && s["id"] == st["id"] {
			return n["id"].(string)
		}
	}
	t.Fatalf("%s has no notification about %s", u.Name, st["id"])
	return ""
}

func TestStreamingDelete(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	ts.follow(t, bob, alice)
	bobUser := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	public := ts.openSSE(t, "/api/v1/streaming/public", bob.Token)

	st := ts.postStatus(t, alice, "soon gone")
	private := ts.postStatus(t, alice, "also gone", map[string]any{"visibility": "private"})
	ts.call(t, "DELETE", "/api/v1/statuses/"+st["id"].(string), alice.Token, nil).want(t, 200)
	ts.call(t, "DELETE", "/api/v1/statuses/"+private["id"].(string), alice.Token, nil).want(t, 200)
	marker := ts.postStatus(t, alice, "still here")

	bobUser.expect(t, upd(marker), upd(st), upd(private), "delete "+st["id"].(string), "delete "+private["id"].(string))
	// The public stream never saw the private post, nor hears it went.
	public.expect(t, upd(marker), upd(st), "delete "+st["id"].(string))
}

func TestStreamingNotifications(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	aliceUser := ts.openSSE(t, "/api/v1/streaming/user", alice.Token)
	aliceNotes := ts.openSSE(t, "/api/v1/streaming/user/notification", alice.Token)
	// A token that may read statuses but not notifications gets none.
	statusesOnly := ts.openSSE(t, "/api/v1/streaming/user", ts.token(t, alice, "read:statuses"))

	var mine map[string]any
	steps := []struct {
		typ string
		do  func()
	}{
		{"follow", func() { ts.follow(t, bob, alice) }},
		{"mention", func() {
			mine = ts.postStatus(t, alice, "my post")
			ts.postStatus(t, bob, "hi @alice")
		}},
		{"favourite", func() {
			ts.call(t, "POST", "/api/v1/statuses/"+mine["id"].(string)+"/favourite", bob.Token, nil).want(t, 200)
		}},
		{"reblog", func() {
			ts.call(t, "POST", "/api/v1/statuses/"+mine["id"].(string)+"/reblog", bob.Token, nil).want(t, 200)
		}},
	}
	var notes []string
	for _, step := range steps {
		step.do()
		ev := aliceNotes.next(t)
		got := decodeJSON(t, ev.Data)
		if ev.Event != "notification" || got["type"] != step.typ {
			t.Fatalf("after a %s: %s %s", step.typ, ev.Event, ev.Data)
		}
		// It is the notification as GET /api/v1/notifications/:id shows
		// it, at the time it happened.
		rest := ts.get(t, "/api/v1/notifications/"+ev.statusID(t), alice.Token).want(t, 200).obj(t)
		if diff := cmp.Diff(rest, got); diff != "" {
			t.Errorf("%s notification differs from REST (-rest +stream):\n%s", step.typ, diff)
		}
		notes = append(notes, "notification "+ev.statusID(t))
	}
	marker := ts.postStatus(t, alice, "marker")
	aliceUser.expect(t, upd(marker), notes[0], upd(mine), notes[1], notes[2], notes[3])
	statusesOnly.expect(t, upd(marker), upd(mine))
}

// TestStreamingStatusUpdate publishes an edit as the service will once
// posts can be edited (no endpoint edits them yet): readers get
// status.update with the status as it now is.
func TestStreamingStatusUpdate(t *testing.T) {
	ts, hub := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	ts.follow(t, bob, alice)
	user := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	public := ts.openSSE(t, "/api/v1/streaming/public", bob.Token)
	st := ts.postStatus(t, alice, "first version")
	ts.call(t, "POST", "/api/v1/statuses/"+st["id"].(string)+"/favourite", bob.Token, nil).want(t, 200)
	stored, err := ts.st.StatusByID(t.Context(), mustID(t, st["id"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	hub.Publish(social.Event{Kind: social.EventStatusUpdate, Status: stored})
	for _, c := range []*sseClient{user, public} {
		c.expect(t, "status.update "+st["id"].(string), upd(st))
	}
	// Unlike a new post, an edited one may have been favourited: the
	// reader's flags are looked up.
	rest := ts.get(t, "/api/v1/statuses/"+st["id"].(string), bob.Token).want(t, 200).obj(t)
	if !boolean(t, rest, "favourited") {
		t.Fatal("bob's favourite is not shown over REST")
	}
	hub.Publish(social.Event{Kind: social.EventStatusUpdate, Status: stored})
	if ev := user.next(t); ev.Event != "status.update" || !boolean(t, decodeJSON(t, ev.Data), "favourited") {
		t.Errorf("got %s %s, want status.update favourited by bob", ev.Event, ev.Data)
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStreamingHashtag(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	tag := ts.openSSE(t, "/api/v1/streaming/hashtag?tag=Iran", bob.Token)
	local := ts.openSSE(t, "/api/v1/streaming/hashtag/local?tag=iran", bob.Token)
	persian := ts.openSSE(t, "/api/v1/streaming/hashtag?tag="+url.QueryEscape("آزادی"), bob.Token)

	tagged := ts.postStatus(t, alice, "news #IRAN #آزادی")
	ts.postStatus(t, alice, "no tag here, just Iran")
	ts.postStatus(t, alice, "#iran but unlisted", map[string]any{"visibility": "unlisted"})
	ts.postStatus(t, alice, "#iran but private", map[string]any{"visibility": "private"})
	marker := ts.postStatus(t, bob, "#Iran #آزادی again")
	tag.expect(t, upd(marker), upd(tagged))
	local.expect(t, upd(marker), upd(tagged))
	persian.expect(t, upd(marker), upd(tagged))
}

func TestStreamingResume(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	ts.follow(t, bob, alice)
	first := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	p1 := ts.postStatus(t, alice, "one")
	seen := first.next(t)
	first.close()

	// While bob is away: two posts, one of them private, and a deletion.
	p2 := ts.postStatus(t, alice, "two")
	p3 := ts.postStatus(t, alice, "three", map[string]any{"visibility": "private"})
	ts.call(t, "DELETE", "/api/v1/statuses/"+p1["id"].(string), alice.Token, nil).want(t, 200)

	again := ts.openSSE(t, "/api/v1/streaming/user", bob.Token, "Last-Event-ID", seen.ID)
	p4 := ts.postStatus(t, alice, "four")
	again.expect(t, upd(p4), upd(p2), upd(p3), "delete "+p1["id"].(string))

	// Without Last-Event-ID a stream starts with what happens next.
	fresh := ts.openSSE(t, "/api/v1/streaming/user", bob.Token)
	p5 := ts.postStatus(t, alice, "five")
	fresh.expect(t, upd(p5))
	// A Last-Event-ID that is not a number is ignored.
	garbled := ts.openSSE(t, "/api/v1/streaming/user", bob.Token, "Last-Event-ID", "yesterday")
	p6 := ts.postStatus(t, alice, "six")
	garbled.expect(t, upd(p6))
}

// TestStreamingSlowReader opens a stream that never reads, with a tiny
// socket buffer, next to one that does. The hub drops the slow one once
// its buffer is full; the fast one gets every post, and posting never
// waits for either.
func TestStreamingSlowReader(t *testing.T) {
	ts, hub := newStreamServer(t, stream.Options{Buffer: 4})
	alice := ts.signUp(t, "alice")
	fast := ts.openSSE(t, "/api/v1/streaming/public", alice.Token)

	dialer := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024) })
		if err != nil {
			return err
		}
		return serr
	}}
	slow, err := dialer.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fmt.Fprintf(slow, "GET /api/v1/streaming/public HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n",
		ts.Listener.Addr(), alice.Token)

	// Big payloads fill the slow socket sooner: a long post by an author
	// with a bio of characters that HTML and then JSON escape.
	ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", alice.Token,
		map[string]any{"note": strings.Repeat("<", 500)}).want(t, 200)
	text := strings.Repeat("&", 130)
	posts := 0
	for ; posts < 2000 && hub.Stats().Dropped == 0; posts++ {
		id := ts.postStatus(t, alice, text)["id"].(string)
		// Once the fast reader has it, the hub has offered it to both.
		if got := fast.next(t).statusID(t); got != id {
			t.Fatalf("fast reader: post %d is %s, want %s", posts, got, id)
		}
	}
	if s := hub.Stats(); s.Dropped != 1 || s.Subscriptions != 1 {
		t.Fatalf("after %d posts: %+v, want the slow reader dropped and the fast one left", posts, s)
	}
	t.Logf("the slow reader was dropped after %d posts", posts)
	// The fast reader goes on.
	id := ts.postStatus(t, alice, text)["id"].(string)
	if got := fast.next(t).statusID(t); got != id {
		t.Fatalf("fast reader: %s, want %s", got, id)
	}
	// The slow reader's connection is closed: what was sent can still be
	// read, then the stream ends.
	if err := slow.SetReadDeadline(time.Now().Add(streamWait)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, slow); err != nil && !isClosed(err) {
		t.Errorf("reading the dropped stream: %v, want it to end", err)
	}
}

// isClosed reports whether err means the peer closed the connection
// (rather than the read timing out).
func isClosed(err error) bool {
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestStreamingErrors(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	tests := []struct {
		name, path, token string
		want              int
	}{
		{"no token", "/api/v1/streaming/public", "", 401},
		{"bad token", "/api/v1/streaming/user", "not-a-token", 401},
		{"app token", "/api/v1/streaming/public", ts.clientToken(t, "read"), 401},
		{"bad token in the URL", "/api/v1/streaming/user?access_token=nope", "", 401},
		{"scope", "/api/v1/streaming/user", ts.token(t, alice, "read:accounts"), 401},
		{"notification scope", "/api/v1/streaming/user/notification", ts.token(t, alice, "read:statuses"), 401},
		{"unknown stream", "/api/v1/streaming/everything", alice.Token, 400},
		{"lists are unknown", "/api/v1/streaming/list?list=1", alice.Token, 400},
		{"unknown stream, no token", "/api/v1/streaming/nope", "", 400},
		{"hashtag without tag", "/api/v1/streaming/hashtag", alice.Token, 400},
		{"bad only_media", "/api/v1/streaming/public?only_media=perhaps", alice.Token, 422},
		{"no upgrade on the WebSocket path", "/api/v1/streaming", alice.Token, 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts.get(t, tc.path, tc.token).wantError(t, tc.want)
		})
	}
	res := ts.get(t, "/api/v1/streaming/health", "").want(t, 200)
	if string(res.Body) != "OK" {
		t.Errorf("health: %q, want OK", res.Body)
	}
	// Public scopes are enough for public streams; media and remote
	// streams exist and stay silent.
	ts.openSSE(t, "/api/v1/streaming/public?only_media=true", ts.token(t, alice, "read:accounts"))
	ts.openSSE(t, "/api/v1/streaming/public/remote", alice.Token)
	ts.openSSE(t, "/api/v1/streaming/direct", alice.Token)
}

// wsURL is the WebSocket address of path on ts.
func wsURL(ts *testServer, path string) string {
	return "ws" + strings.TrimPrefix(ts.URL, "http") + path
}

func dialWS(t *testing.T, ts *testServer, path string, opts *websocket.DialOptions) *websocket.Conn {
	t.Helper()
	c, res, err := websocket.Dial(t.Context(), wsURL(ts, path), opts)
	if err != nil {
		status := 0
		if res != nil {
			status = res.StatusCode
		}
		t.Fatalf("dial %s: %v (status %d)", path, err, status)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

func bearerHeader(token string) *websocket.DialOptions {
	return &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}}
}

type wsMsg struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
	Error   string   `json:"error"`
	Status  int      `json:"status"`
}

func readWS(t *testing.T, c *websocket.Conn) wsMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), streamWait)
	defer cancel()
	typ, b, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if typ != websocket.MessageText {
		t.Fatalf("message type %v, want text", typ)
	}
	var m wsMsg
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

func sendWS(t *testing.T, c *websocket.Conn, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Write(t.Context(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// payloadID decodes the status id in an update's payload.
func payloadID(t *testing.T, m wsMsg) string {
	t.Helper()
	return str(t, decodeJSON(t, m.Payload), "id")
}

func TestStreamingWebSocket(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")
	ts.follow(t, bob, alice)
	c := dialWS(t, ts, "/api/v1/streaming", bearerHeader(bob.Token))

	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "public"})
	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "hashtag", "tag": "Iran"})
	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "user"})
	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "user"}) // twice is once
	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "nonsense"})
	if m := readWS(t, c); m.Error != "Unknown stream type" || m.Status != 400 {
		t.Errorf("unknown stream: %+v", m)
	}
	// The server handles messages in order: by the time it answered the
	// last one, the others took effect.
	st := ts.postStatus(t, alice, "#iran news")
	for _, want := range [][]string{{"public"}, {"hashtag", "Iran"}, {"user"}} {
		m := readWS(t, c)
		if diff := cmp.Diff(want, m.Stream); diff != "" || m.Event != "update" || payloadID(t, m) != st["id"] {
			t.Fatalf("message %+v, want an update of %s on %v", m, st["id"], want)
		}
		rest := ts.get(t, "/api/v1/statuses/"+st["id"].(string), bob.Token).want(t, 200).obj(t)
		if diff := cmp.Diff(rest, decodeJSON(t, m.Payload)); diff != "" {
			t.Errorf("payload differs from REST (-rest +stream):\n%s", diff)
		}
	}

	sendWS(t, c, map[string]string{"type": "unsubscribe", "stream": "public"})
	sendWS(t, c, map[string]string{"type": "unsubscribe", "stream": "hashtag", "tag": "Iran"})
	sendWS(t, c, map[string]string{"type": "subscribe", "stream": "hashtag"})
	if m := readWS(t, c); m.Error != "No tag for stream provided" {
		t.Errorf("hashtag without tag: %+v", m)
	}
	ts.call(t, "DELETE", "/api/v1/statuses/"+st["id"].(string), alice.Token, nil).want(t, 200)
	// Only the user stream is left: had public stayed, its copy would come
	// first.
	if m := readWS(t, c); !cmp.Equal(m.Stream, []string{"user"}) || m.Event != "delete" || m.Payload != st["id"] {
		t.Errorf("after unsubscribing: %+v, want a delete on [user]", m)
	}
}

func TestStreamingWebSocketConnect(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")

	t.Run("token as subprotocol, stream in the URL", func(t *testing.T) {
		c := dialWS(t, ts, "/api/v1/streaming?stream=hashtag&tag=sada", &websocket.DialOptions{Subprotocols: []string{alice.Token}})
		if c.Subprotocol() != alice.Token {
			t.Errorf("subprotocol %q, want the token echoed", c.Subprotocol())
		}
		st := ts.postStatus(t, alice, "#sada")
		if m := readWS(t, c); !cmp.Equal(m.Stream, []string{"hashtag", "sada"}) || payloadID(t, m) != st["id"] {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("token in the URL, on the path with a slash", func(t *testing.T) {
		c := dialWS(t, ts, "/api/v1/streaming/?stream=user&access_token="+alice.Token, nil)
		st := ts.postStatus(t, alice, "mine")
		if m := readWS(t, c); !cmp.Equal(m.Stream, []string{"user"}) || payloadID(t, m) != st["id"] {
			t.Errorf("got %+v", m)
		}
	})
	for _, tc := range []struct {
		name string
		opts *websocket.DialOptions
	}{
		{"no token", nil},
		{"bad token", bearerHeader("wrong")},
		{"bad subprotocol token", &websocket.DialOptions{Subprotocols: []string{"wrong"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, res, err := websocket.Dial(t.Context(), wsURL(ts, "/api/v1/streaming"), tc.opts)
			if err == nil || res == nil || res.StatusCode != http.StatusUnauthorized {
				t.Errorf("dial: %v, %v; want 401", err, res)
			}
		})
	}
	t.Run("at most 64 streams", func(t *testing.T) {
		c := dialWS(t, ts, "/api/v1/streaming", bearerHeader(alice.Token))
		for i := range stream.MaxStreams + 1 {
			sendWS(t, c, map[string]string{"type": "subscribe", "stream": "hashtag", "tag": fmt.Sprint("t", i)})
		}
		if m := readWS(t, c); m.Error != "Too many streams" || m.Status != 400 {
			t.Errorf("got %+v", m)
		}
	})
	t.Run("binary messages close the connection", func(t *testing.T) {
		c := dialWS(t, ts, "/api/v1/streaming", bearerHeader(alice.Token))
		if err := c.Write(t.Context(), websocket.MessageBinary, []byte{1}); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), streamWait)
		defer cancel()
		_, _, err := c.Read(ctx)
		if websocket.CloseStatus(err) != websocket.StatusUnsupportedData {
			t.Errorf("read after a binary message: %v, want close 1003", err)
		}
	})
}

// TestStreamingOutlivesReadTimeout checks that streams clear the server's
// ReadTimeout (cmd/sada sets one), which would otherwise end them.
func TestStreamingOutlivesReadTimeout(t *testing.T) {
	ts, _ := newStreamServer(t, stream.Options{})
	alice := ts.signUp(t, "alice")
	sse := ts.openSSE(t, "/api/v1/streaming/user", alice.Token)
	ws := dialWS(t, ts, "/api/v1/streaming?stream=user", bearerHeader(alice.Token))
	time.Sleep(3 * streamReadTimeout)
	st := ts.postStatus(t, alice, "still listening?")
	sse.expect(t, upd(st))
	if m := readWS(t, ws); payloadID(t, m) != st["id"] {
		t.Errorf("WebSocket: %+v", m)
	}
}
