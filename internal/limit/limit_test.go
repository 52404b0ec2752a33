package limit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source for the limiter.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestLimiter(n int, per time.Duration) (*Limiter, *clock) {
	c := &clock{t: time.Date(2026, 1, 1, 12, 0, 1, 0, time.UTC)}
	l := NewLimiter(n, per)
	l.now = c.now
	return l, c
}

func TestLimiterWindow(t *testing.T) {
	l, c := newTestLimiter(3, time.Minute)
	wantReset := time.Date(2026, 1, 1, 12, 1, 0, 0, time.UTC)
	for i, want := range []struct {
		allowed   bool
		remaining int
	}{{true, 2}, {true, 1}, {true, 0}, {false, 0}, {false, 0}} {
		d := l.Allow("a")
		if d.Allowed != want.allowed || d.Remaining != want.remaining || d.Limit != 3 || !d.Reset.Equal(wantReset) {
			t.Fatalf("request %d: got %+v, want allowed=%v remaining=%d limit 3 reset %v", i+1, d, want.allowed, want.remaining, wantReset)
		}
	}
	if d := l.Allow("b"); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("another key: got %+v, want its own count", d)
	}
	c.add(time.Minute)
	if d := l.Allow("a"); !d.Allowed || d.Remaining != 2 {
		t.Fatalf("next window: got %+v, want a fresh count", d)
	}
}

func TestLimiterMaxKeys(t *testing.T) {
	l, _ := newTestLimiter(1, time.Minute)
	l.maxKeys = 2
	l.Allow("a")
	l.Allow("b")
	for range 3 {
		if d := l.Allow("c"); !d.Allowed {
			t.Fatalf("key past the table's bound: got %+v, want it let through uncounted", d)
		}
	}
	if got := len(l.counts); got != 2 {
		t.Fatalf("table holds %d keys, want at most 2", got)
	}
	if d := l.Allow("a"); d.Allowed {
		t.Fatalf("tracked key over its limit: got %+v, want refused", d)
	}
}

func okHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
}

func TestLimitsMiddleware(t *testing.T) {
	addr, _ := newTestLimiter(5, time.Minute)
	acct, _ := newTestLimiter(2, time.Minute)
	var refused []string
	l := &Limits{
		Address:    addr,
		Account:    acct,
		AccountKey: func(r *http.Request) string { return r.Header.Get("X-Test-Account") },
		Skip:       func(r *http.Request) bool { return r.URL.Path == "/stream" },
		OnLimited:  func(kind string) { refused = append(refused, kind) },
	}
	h := l.Middleware(okHandler())
	do := func(path, account, remote string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = remote
		if account != "" {
			r.Header.Set("X-Test-Account", account)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	tests := []struct {
		name, path, account, remote string
		code                        int
		remaining                   string // "" when no headers are expected
	}{
		{"anonymous counts against the address", "/", "", "192.0.2.1:1000", 200, "4"},
		{"account limit is the tighter one", "/", "alice", "192.0.2.1:1001", 200, "1"},
		{"account's last request", "/", "alice", "192.0.2.2:1000", 200, "0"},
		{"account over its limit from any address", "/", "alice", "192.0.2.3:1000", 429, "0"},
		{"another account is unaffected", "/", "bob", "192.0.2.1:1002", 200, "1"},
		{"skipped paths are not counted", "/stream", "alice", "192.0.2.1:1003", 200, ""},
		{"address keeps counting", "/", "", "192.0.2.1:1004", 200, "1"},
		{"address's last request", "/", "", "192.0.2.1:1005", 200, "0"},
		{"address over its limit", "/", "", "192.0.2.1:1006", 429, "0"},
		{"IPv6 counted by /64: first", "/", "", "[2001:db8::1]:1", 200, "4"},
		{"IPv6 counted by /64: same /64", "/", "", "[2001:db8::2]:1", 200, "3"},
		{"IPv6 counted by /64: other /64", "/", "", "[2001:db8:0:1::1]:1", 200, "4"},
	}
	for _, tt := range tests {
		w := do(tt.path, tt.account, tt.remote)
		if w.Code != tt.code {
			t.Errorf("%s: status %d, want %d", tt.name, w.Code, tt.code)
		}
		if got := w.Header().Get("X-RateLimit-Remaining"); got != tt.remaining {
			t.Errorf("%s: X-RateLimit-Remaining %q, want %q", tt.name, got, tt.remaining)
		}
		if tt.remaining != "" {
			if _, err := time.Parse(time.RFC3339Nano, w.Header().Get("X-RateLimit-Reset")); err != nil {
				t.Errorf("%s: X-RateLimit-Reset: %v", tt.name, err)
			}
			if w.Header().Get("X-RateLimit-Limit") == "" {
				t.Errorf("%s: no X-RateLimit-Limit", tt.name)
			}
		}
		if tt.code == 429 {
			if n, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || n < 1 {
				t.Errorf("%s: Retry-After %q, want a positive number of seconds", tt.name, w.Header().Get("Retry-After"))
			}
		}
	}
	if len(refused) != 2 || refused[0] != "account" || refused[1] != "address" {
		t.Errorf("refusals reported: %v, want [account address]", refused)
	}
}

func TestAccountKeysCache(t *testing.T) {
	lookups := 0
	a := &AccountKeys{
		Lookup: func(_ context.Context, tok string) (string, error) {
			lookups++
			if tok == "good" || tok == "other" {
				return "account:" + tok, nil
			}
			return "", nil
		},
		TTL: time.Hour, Max: 1,
	}
	key := func(h string) string {
		r := httptest.NewRequest("GET", "/", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		return a.Key(r)
	}
	if got := key("Bearer good"); got != "account:good" {
		t.Fatalf("Key = %q", got)
	}
	key("Bearer good")
	if lookups != 1 {
		t.Fatalf("%d lookups for one token asked twice, want 1", lookups)
	}
	if got := key("Bearer bad"); got != "" {
		t.Fatalf("invalid token: Key = %q, want none", got)
	}
	if got := key(""); got != "" || lookups != 2 {
		t.Fatalf("no token: Key = %q after %d lookups, want none without a lookup", got, lookups)
	}
	key("Bearer other") // evicts "good": Max is 1
	if len(a.cache) != 1 {
		t.Fatalf("cache holds %d, want at most 1", len(a.cache))
	}
}

// TestShedderShedsAndRecovers fills the write lane, shows that one more
// request waits, that the next is refused at once with 503 and Retry-After,
// that reads are not held up by writes, and that once the surge drains the
// lane serves normally again. It asserts outcomes, never durations.
func TestShedderShedsAndRecovers(t *testing.T) {
	s := NewShedder(ShedderConfig{Reads: 1, Writes: 1, Queue: 1, Wait: time.Hour})
	var shed []string
	var shedMu sync.Mutex
	s.OnShed = func(lane, reason string) {
		shedMu.Lock()
		shed = append(shed, lane+"/"+reason)
		shedMu.Unlock()
	}
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			entered <- struct{}{}
			<-release
		}
		w.WriteHeader(http.StatusOK)
	}))
	do := func(method string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, "/", nil))
		return w
	}

	results := make(chan int, 2)
	go func() { results <- do("POST").Code }() // takes the slot
	<-entered
	go func() { results <- do("POST").Code }() // waits in the queue
	for {
		if _, waiting := s.Depth(LaneWrite); waiting == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}

	w := do("POST") // no slot, no room to wait: refused now
	if w.Code != http.StatusServiceUnavailable {
		t.Fatalf("write past the queue: status %d, want 503", w.Code)
	}
	if w.Header().Get("Retry-After") != "1" {
		t.Fatalf("503 without Retry-After: %v", w.Header())
	}
	if got := do("GET").Code; got != http.StatusOK {
		t.Fatalf("read while writes are full: status %d, want 200", got)
	}

	close(release) // the surge passes
	for range 2 {
		if code := <-results; code != http.StatusOK {
			t.Fatalf("admitted write: status %d, want 200", code)
		}
	}
	if got := do("POST").Code; got != http.StatusOK {
		t.Fatalf("write after the surge: status %d, want 200", got)
	}
	if running, waiting := s.Depth(LaneWrite); running != 0 || waiting != 0 {
		t.Fatalf("after the surge: %d running, %d waiting; want an empty lane", running, waiting)
	}
	if len(shed) != 1 || shed[0] != "write/queue_full" {
		t.Fatalf("shed %v, want [write/queue_full]", shed)
	}
}

func TestShedderQueueTimeout(t *testing.T) {
	s := NewShedder(ShedderConfig{Reads: 1, Writes: 1, Queue: 5, Wait: time.Millisecond})
	release := make(chan struct{})
	entered := make(chan struct{})
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/slow", nil))
	<-entered
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("read that waited past the limit: status %d, headers %v; want 503 with Retry-After", w.Code, w.Header())
	}
	close(release)
}

func TestShedderSkip(t *testing.T) {
	s := NewShedder(ShedderConfig{Reads: 1, Writes: 1, Queue: 0, Wait: time.Hour})
	s.Skip = func(r *http.Request) bool { return r.URL.Path == "/stream" }
	hold := make(chan struct{})
	entered := make(chan struct{})
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/stream" {
			entered <- struct{}{}
			<-hold
		}
	}))
	for range 3 { // more open streams than read slots
		go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/stream", nil))
		<-entered
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("read while streams are open: status %d, want 200", w.Code)
	}
	close(hold)
}

// TestShedderRefusesHopelessWaits checks that a request which, at the
// lane's recent pace, could not get a slot within the wait is refused at
// once instead of waiting in vain.
func TestShedderRefusesHopelessWaits(t *testing.T) {
	s := NewShedder(ShedderConfig{Reads: 2, Writes: 2, Queue: 100, Wait: time.Hour})
	var reasons []string
	s.OnShed = func(_, reason string) { reasons = append(reasons, reason) }
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	h := s.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hold" {
			entered <- struct{}{}
			<-release
		}
	}))
	for range 2 { // both slots held
		go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/hold", nil))
		<-entered
	}
	// Requests have lately held a slot for 3h: one waiting would be
	// served in about 1.5h, past the hour allowed.
	s.write.avg.Store(int64(3 * time.Hour))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
		t.Fatalf("hopeless wait: status %d, headers %v; want 503 with Retry-After at once", w.Code, w.Header())
	}
	if len(reasons) != 1 || reasons[0] != ShedTooLong {
		t.Fatalf("reasons %v, want [%s]", reasons, ShedTooLong)
	}
	close(release)
}
