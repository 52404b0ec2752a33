// Package limit protects the server from one abusive client and from more
// load than it can serve.
//
// Rate limits count requests per account and per client address in fixed
// windows, as Mastodon does, and tell clients where they stand with
// Mastodon's X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset
// headers; a client over its limit gets 429 with Retry-After.
//
// The Shedder bounds the work in progress: a fixed number of requests run at
// once, a bounded number wait a bounded time for a turn, and the rest are
// answered 503 with Retry-After at once. Under a surge the server therefore
// answers quickly and honestly instead of letting queues, memory and latency
// grow until clients time out, and it serves normally again as soon as the
// surge has passed, since nothing is left queued.
package limit

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Limiter counts events per key in fixed windows of Per, allowing N in each.
// All keys share the window boundaries, so when a window ends the whole
// count table is dropped at once: memory never holds more than one window,
// and at most MaxKeys keys of it. It is safe for concurrent use.
type Limiter struct {
	n       int
	per     time.Duration
	maxKeys int
	now     func() time.Time

	mu     sync.Mutex
	window int64 // index of the current window: unix nanoseconds / per
	counts map[string]int
}

// DefaultMaxKeys bounds the keys one window tracks (about 100 bytes each).
// Past it, new keys go uncounted: a flood from more addresses than this is
// the Shedder's to absorb, and the limiter's memory stays bounded.
const DefaultMaxKeys = 1 << 20

// NewLimiter allows n events per key in each window of per.
func NewLimiter(n int, per time.Duration) *Limiter {
	return &Limiter{n: n, per: per, maxKeys: DefaultMaxKeys, now: time.Now, counts: map[string]int{}}
}

// Decision is the outcome of one Allow and what the headers report.
type Decision struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time // when the current window ends
}

// Allow counts one event for key and says whether it is within the limit.
func (l *Limiter) Allow(key string) Decision {
	now := l.now()
	w := now.UnixNano() / int64(l.per)
	reset := time.Unix(0, (w+1)*int64(l.per))
	l.mu.Lock()
	if w != l.window {
		l.window = w
		clear(l.counts)
	}
	c, ok := l.counts[key]
	if !ok && len(l.counts) >= l.maxKeys {
		l.mu.Unlock()
		return Decision{Allowed: true, Limit: l.n, Remaining: l.n, Reset: reset}
	}
	if c < l.n {
		c++
		l.counts[key] = c
	} else {
		c = l.n + 1
	}
	l.mu.Unlock()
	return Decision{Allowed: c <= l.n, Limit: l.n, Remaining: max(l.n-c, 0), Reset: reset}
}

// Limits is the rate-limiting middleware: a per-account and a per-address
// limit, either of which may be nil (no limit).
type Limits struct {
	Account *Limiter
	Address *Limiter
	// AccountKey names the account a request acts for, "" when none.
	AccountKey func(*http.Request) string
	// Skip exempts requests, such as long-lived streams.
	Skip func(*http.Request) bool
	// OnLimited, when set, hears each refusal: "account" or "address".
	OnLimited func(limit string)
}

// Middleware applies the limits. A request counts against both its address
// and its account; the headers report the limit closer to running out, and
// a request over either is answered 429.
func (l *Limits) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.Skip != nil && l.Skip(r) {
			next.ServeHTTP(w, r)
			return
		}
		var shown Decision
		var refused string
		have := false
		check := func(kind string, lim *Limiter, key string) {
			if lim == nil || key == "" {
				return
			}
			d := lim.Allow(kind + ":" + key)
			if !have || !d.Allowed || (shown.Allowed && d.Remaining < shown.Remaining) {
				shown, have = d, true
			}
			if !d.Allowed && refused == "" {
				refused = kind
			}
		}
		check("address", l.Address, AddressKey(r))
		if l.AccountKey != nil && l.Account != nil {
			check("account", l.Account, l.AccountKey(r))
		}
		if have {
			h := w.Header()
			h.Set("X-RateLimit-Limit", strconv.Itoa(shown.Limit))
			h.Set("X-RateLimit-Remaining", strconv.Itoa(shown.Remaining))
			// Mastodon's format: an ISO 8601 time with fractional seconds.
			h.Set("X-RateLimit-Reset", shown.Reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
		}
		if refused != "" {
			if l.OnLimited != nil {
				l.OnLimited(refused)
			}
			retry := int(time.Until(shown.Reset).Seconds() + 1)
			refuse(w, http.StatusTooManyRequests, max(retry, 1), "Too many requests")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// AddressKey is the client address a request is counted under: the IP of
// the connection, or for IPv6 its /64, since one host is usually given a
// whole /64 and could otherwise step around the limit.
func AddressKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if ip.To4() == nil {
		return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return ip.String()
}

// refuse answers early with Retry-After and a Mastodon-style JSON error.
func refuse(w http.ResponseWriter, status, retryAfter int, msg string) {
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(retryAfter))
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"` + msg + `"}` + "\n"))
}
