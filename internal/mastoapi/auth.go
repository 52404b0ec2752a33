package mastoapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/sada-project/sada/internal/store"
)

// auth is who is calling: a token with its scopes and, unless the token
// came from client_credentials, the account it acts for.
type auth struct {
	Token   *store.Token // nil when no token was presented
	Account *store.Account
}

// handler is an API handler that returns its failure for writeError.
type handler func(w http.ResponseWriter, r *http.Request, au auth) error

// allScopes are the scopes sada knows. Granular ones are "read:x" etc.
var allScopes = []string{
	"read", "write", "follow", "push", "profile",
	"read:accounts", "read:favourites", "read:follows", "read:notifications", "read:statuses", "read:search",
	"write:accounts", "write:favourites", "write:follows", "write:notifications", "write:statuses", "write:conversations",
}

// validScopes checks a space-separated scope string and returns its parts.
func validScopes(s string) ([]string, error) {
	parts := strings.Fields(s)
	for _, sc := range parts {
		if !slices.Contains(allScopes, sc) {
			return nil, fmt.Errorf("unknown scope %q", sc)
		}
	}
	return parts, nil
}

// grants says whether granted scopes include need: "read" covers every
// "read:x", the legacy "follow" covers reading and changing follows, and
// "profile" (Mastodon 4.3's sign-in scope) covers reading accounts, which
// is what verify_credentials needs.
func grants(granted []string, need string) bool {
	top, _, _ := strings.Cut(need, ":")
	for _, g := range granted {
		switch {
		case g == need, g == top,
			g == "follow" && (need == "read:follows" || need == "write:follows"),
			g == "profile" && need == "read:accounts":
			return true
		}
	}
	return false
}

// HashToken is how bearer tokens and codes are stored: only their SHA-256.
func HashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// bearer finds the token of a request in the Authorization header or, as
// streaming clients send it, the access_token query parameter.
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

// authenticate resolves the caller. No token at all is an anonymous auth;
// a token that is wrong is an error, so a client with a revoked token
// learns it instead of silently seeing the public view.
func (a *API) authenticate(r *http.Request) (auth, error) {
	tok := bearer(r)
	if tok == "" {
		if r.Header.Get("Authorization") != "" {
			return auth{}, errUnauthorized
		}
		return auth{}, nil
	}
	t, err := a.Store.TokenByHash(r.Context(), HashToken(tok))
	if errors.Is(err, store.ErrNotFound) {
		return auth{}, errUnauthorized
	}
	if err != nil {
		return auth{}, fmt.Errorf("authenticate: %w", err)
	}
	au := auth{Token: t}
	if t.AccountID != 0 {
		acct, err := a.Store.AccountByID(r.Context(), t.AccountID)
		if errors.Is(err, store.ErrNotFound) {
			return auth{}, errUnauthorized
		}
		if err != nil {
			return auth{}, fmt.Errorf("authenticate: %w", err)
		}
		au.Account = acct
	}
	return au, nil
}

// open serves h to anyone; a token, if presented, must be valid and hold
// scope, and identifies the viewer.
func (a *API) open(scope string, h handler) http.HandlerFunc {
	return http.HandlerFunc(a.guard(scope, false, h))
}

// user serves h only to a token acting for an account and holding scope.
func (a *API) user(scope string, h handler) http.HandlerFunc {
	return http.HandlerFunc(a.guard(scope, true, h))
}

// app serves h to any token holding scope, with or without an account.
func (a *API) app(scope string, h handler) http.HandlerFunc {
	return a.guard(scope, false, h).requireToken()
}

type guarded http.HandlerFunc

func (a *API) guard(scope string, needUser bool, h handler) guarded {
	return func(w http.ResponseWriter, r *http.Request) {
		au, err := a.authenticate(r)
		switch {
		case err != nil:
		case needUser && au.Token == nil:
			err = errUnauthorized
		case needUser && au.Account == nil:
			err = errNeedsUser
		case scope != "" && au.Token != nil && !grants(au.Token.Scopes, scope):
			err = errScope
		default:
			err = h(w, r, au)
		}
		if err != nil {
			a.writeError(w, r, err)
		}
	}
}

// requireToken rejects requests that presented no token at all.
func (g guarded) requireToken() http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if bearer(r) == "" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": errUnauthorized.Error()})
			return
		}
		g(w, r)
	}
}
