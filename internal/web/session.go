package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// Sessions live in the store's web_sessions table; the browser holds a
// random token in an HttpOnly, SameSite=Lax cookie and the table holds only
// the token's SHA-256. A session lasts sessionLifetime from its last
// renewal, and is renewed when less than half of that remains, so a person
// who comes back every few weeks stays signed in at a cost of one write a
// fortnight rather than one per page.
const (
	sessionLifetime = 30 * 24 * time.Hour
	renewBelow      = sessionLifetime / 2
)

// Cookie names. Over HTTPS the __Host- prefix makes the browser refuse the
// cookie unless it is Secure, host-only and for "/", so a sibling
// sub-domain cannot plant one.
func (h *Web) cookieName(r *http.Request, base string) string {
	if h.isSecure(r) {
		return "__Host-" + base
	}
	return base
}

func (h *Web) isSecure(r *http.Request) bool { return h.secure || r.TLS != nil }

const (
	sessionCookie = "sada_session"
	// anonCookie carries a random secret for visitors who are not signed
	// in, from which the CSRF token of the log-in and sign-up forms is
	// derived as the session's is for everyone else.
	anonCookie = "sada_anon"
	langCookie = "sada_lang"
)

// visit is what every handler knows about the request: who is signed in,
// the CSRF token its forms carry, and the reader's language.
type visit struct {
	viewer  *store.Account // nil when signed out
	session string         // token hash of the session; "" when signed out
	csrf    string
	loc     *locale
}

type visitKey struct{}

// visitOf returns the visit the middleware attached to r.
func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{loc: locales[defaultLang]}
}

func withVisit(r *http.Request, v *visit) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
}

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("web: no randomness: %v", err)) // crypto/rand never fails on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the store keeps of a session token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrfToken derives the token that forms carry from the browser's secret
// cookie (the session token, or the anonymous secret before signing in).
// Another site can neither read that cookie nor compute the HMAC, and the
// page's HTML, which does show the token, never reveals the cookie. It
// changes whenever the cookie does: at log-in and at log-out.
func csrfToken(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("sada web form"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF compares a submitted token with the expected one in constant time.
func validCSRF(got, want string) bool {
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// loadVisit finds the signed-in account from the session cookie, renewing
// the session when due, and otherwise makes sure the browser has an
// anonymous secret so that the forms it is shown can be checked.
func (h *Web) loadVisit(w http.ResponseWriter, r *http.Request) (*visit, error) {
	v := &visit{}
	if c, err := r.Cookie(h.cookieName(r, sessionCookie)); err == nil && c.Value != "" {
		ac, se, err := h.sessionAccount(r.Context(), c.Value)
		switch {
		case err == nil:
			v.viewer, v.session, v.csrf = ac, se.TokenHash, csrfToken(c.Value)
			if se.ExpiresAt.Sub(h.now()) < renewBelow {
				exp := h.now().Add(sessionLifetime)
				if err := h.store.RenewSession(r.Context(), se.TokenHash, exp); err == nil {
					h.setCookie(w, r, sessionCookie, c.Value, sessionLifetime)
				}
			}
		case errors.Is(err, store.ErrNotFound):
			h.clearCookie(w, r, sessionCookie) // expired or logged out elsewhere
		default:
			return nil, err
		}
	}
	if v.viewer == nil {
		secret := ""
		if c, err := r.Cookie(h.cookieName(r, anonCookie)); err == nil && len(c.Value) >= 32 {
			secret = c.Value
		} else if r.Method == http.MethodGet || r.Method == http.MethodHead {
			// Only a page load gets a new secret: a form sent without one
			// must fail its check rather than be checked against a fresh one.
			secret = newToken()
			h.setCookie(w, r, anonCookie, secret, sessionLifetime)
		}
		if secret != "" {
			v.csrf = csrfToken(secret)
		}
	}
	return v, nil
}

// sessionAccount returns the account and session of a session token.
func (h *Web) sessionAccount(ctx context.Context, token string) (*store.Account, *store.Session, error) {
	se, err := h.store.SessionByHash(ctx, hashToken(token))
	if err != nil {
		return nil, nil, fmt.Errorf("session: %w", err)
	}
	ac, err := h.store.AccountByID(ctx, se.AccountID)
	if err != nil {
		return nil, nil, fmt.Errorf("session account %d: %w", se.AccountID, err)
	}
	return ac, se, nil
}

// startSession signs ac in on this browser: a new session, whose token
// replaces any earlier cookie (so a token planted before log-in is
// worthless after it), and the anonymous secret is dropped.
func (h *Web) startSession(w http.ResponseWriter, r *http.Request, ac *store.Account) error {
	token := newToken()
	now := h.now()
	se := &store.Session{TokenHash: hashToken(token), AccountID: ac.ID, CreatedAt: now, ExpiresAt: now.Add(sessionLifetime)}
	if err := h.store.CreateSession(r.Context(), se); err != nil {
		return fmt.Errorf("start session for %d: %w", ac.ID, err)
	}
	h.setCookie(w, r, sessionCookie, token, sessionLifetime)
	h.clearCookie(w, r, anonCookie)
	return nil
}

func (h *Web) setCookie(w http.ResponseWriter, r *http.Request, base, value string, age time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: h.cookieName(r, base), Value: value, Path: "/", MaxAge: int(age / time.Second),
		HttpOnly: true, Secure: h.isSecure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (h *Web) clearCookie(w http.ResponseWriter, r *http.Request, base string) {
	http.SetCookie(w, &http.Cookie{
		Name: h.cookieName(r, base), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.isSecure(r), SameSite: http.SameSiteLaxMode,
	})
}

// signedIn returns the visit of a signed-in reader; anyone else is sent to
// the log-in page, which brings them back here afterwards.
func (h *Web) signedIn(w http.ResponseWriter, r *http.Request) (*visit, bool) {
	v := visitOf(r)
	if v.viewer != nil {
		return v, true
	}
	next := r.URL.RequestURI()
	if r.Method == http.MethodPost {
		next = back(r, "")
	}
	redirect(w, r, "/login?next="+url.QueryEscape(next))
	return nil, false
}
