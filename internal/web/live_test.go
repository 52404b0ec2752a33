package web_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// liveStream is an open GET /web/stream, read line by line.
type liveStream struct {
	t     *testing.T
	lines chan string
}

// openStream opens path as b's EventSource would and waits until the
// server has subscribed (its first line).
func (b *browser) openStream(t *testing.T, path string) *liveStream {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", b.s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("%s: status %d, %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	ls := &liveStream{t: t, lines: make(chan string, 100)}
	go func() {
		defer res.Body.Close()
		defer close(ls.lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			ls.lines <- sc.Text()
		}
	}()
	if first := ls.line(); first != ":)" {
		t.Fatalf("%s: first line %q, want the greeting", path, first)
	}
	return ls
}

func (ls *liveStream) line() string {
	ls.t.Helper()
	select {
	case l, ok := <-ls.lines:
		if !ok {
			ls.t.Fatal("the stream ended")
		}
		return l
	case <-time.After(5 * time.Second):
		ls.t.Fatal("no line from the stream within 5 s")
	}
	return ""
}

// update returns the data of the next update event.
func (ls *liveStream) update() string {
	ls.t.Helper()
	for {
		if ls.line() == "event: update" {
			return strings.TrimPrefix(ls.line(), "data: ")
		}
	}
}

func TestLiveStream(t *testing.T) {
	s := newSite(t)
	reader := s.signUp(t, "reader")
	s.signUp(t, "alice")
	s.signUp(t, "stranger")
	reader.submit(t, "/@alice", "/accounts/"+itoa(s.account(t, "alice").ID)+"/follow", nil)
	visitor := s.browser()

	home := reader.openStream(t, "/web/stream?timeline=home")
	public := visitor.openStream(t, "/web/stream?timeline=public")
	tag := visitor.openStream(t, "/web/stream?timeline=tag&tag=%D8%A8%D9%87%D8%A7%D8%B1") // بهار

	// Each stream must carry exactly what its reader may see, in order.
	hidden := s.postAs(t, "stranger", "for my followers #بهار", store.Private) // nobody here
	shown := s.postAs(t, "stranger", "for everyone #بهار", store.Public)       // public, tag
	followers := s.postAs(t, "alice", "for my followers", store.Private)       // home
	both := s.postAs(t, "alice", "باران بهاری #بهار", store.Public)            // everywhere
	for _, c := range []struct {
		name string
		ls   *liveStream
		want []int64
	}{
		{"home", home, []int64{followers.ID, both.ID}},
		{"public", public, []int64{shown.ID, both.ID}},
		{"tag", tag, []int64{shown.ID, both.ID}},
	} {
		for _, id := range c.want {
			if got := c.ls.update(); got != itoa(id) {
				t.Errorf("%s stream: update %s, want %d (the hidden post is %d)", c.name, got, id, hidden.ID)
			}
		}
	}

	// Streams that cannot be had.
	visitor.get(t, "/web/stream?timeline=home").want(t, http.StatusForbidden)
	visitor.get(t, "/web/stream?timeline=mentions").want(t, http.StatusBadRequest)
	reader.get(t, "/web/stream?timeline=tag").want(t, http.StatusBadRequest)

	// Pages name their stream for the script; older pages have none.
	reader.get(t, "/").has(t, `data-stream="/web/stream?timeline=home"`)
	reader.get(t, "/tags/%D8%A8%D9%87%D8%A7%D8%B1").has(t, `data-stream="/web/stream?timeline=tag&amp;tag=%D8%A8%D9%87%D8%A7%D8%B1"`)
	reader.get(t, "/public?max_id="+itoa(both.ID)).want(t, http.StatusOK).lacks(t, "data-stream")
}
