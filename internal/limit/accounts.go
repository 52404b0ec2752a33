package limit

import (
	"context"
	"crypto/sha256"
	"net/http"
	"strings"
	"sync"
	"time"
)

// AccountKeys turns a request's bearer token into the key of the account it
// acts for, so that a client cannot step around the per-account limit by
// using several tokens. Answers are remembered for a while, so the lookup
// costs a database query only for a token not seen lately.
type AccountKeys struct {
	// Lookup returns the account key of a bearer token, "" for a token
	// that is not valid (the request then counts only against its address;
	// the API refuses it anyway).
	Lookup func(ctx context.Context, token string) (string, error)
	// TTL is how long an answer is remembered; Max bounds how many are.
	TTL time.Duration
	Max int

	mu    sync.Mutex
	cache map[[32]byte]cachedKey
}

type cachedKey struct {
	key     string
	expires time.Time
}

// Key is the AccountKey function for Limits.
func (a *AccountKeys) Key(r *http.Request) string {
	tok := bearer(r)
	if tok == "" || a.Lookup == nil {
		return ""
	}
	h := sha256.Sum256([]byte(tok))
	now := time.Now()
	a.mu.Lock()
	c, ok := a.cache[h]
	a.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.key
	}
	key, err := a.Lookup(r.Context(), tok)
	if err != nil || key == "" {
		return "" // not remembered: random tokens must not fill the cache
	}
	a.mu.Lock()
	if a.cache == nil {
		a.cache = map[[32]byte]cachedKey{}
	}
	if len(a.cache) >= max(a.Max, 1) {
		for k := range a.cache { // map order is random: evict one at random
			delete(a.cache, k)
			break
		}
	}
	a.cache[h] = cachedKey{key: key, expires: now.Add(a.TTL)}
	a.mu.Unlock()
	return key
}

// bearer finds the token in the Authorization header or, as streaming
// clients send it, the access_token query parameter (as the API does).
func bearer(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	return r.URL.Query().Get("access_token")
}
