package mastoapi

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// oobRedirect is the out-of-band redirect: the code is shown on the page
// for the person to paste into their app.
const oobRedirect = "urn:ietf:wg:oauth:2.0:oob"

const codeLifetime = 10 * time.Minute

// randomToken returns 32 random bytes, URL-safe encoded.
func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}

// Application is Mastodon's Application entity, with credentials.
type Application struct {
	ID                    string   `json:"id"`
	Name                  string   `json:"name"`
	Website               *string  `json:"website"`
	Scopes                []string `json:"scopes"`
	RedirectURI           string   `json:"redirect_uri"`
	RedirectURIs          []string `json:"redirect_uris"`
	ClientID              string   `json:"client_id,omitempty"`
	ClientSecret          string   `json:"client_secret,omitempty"`
	ClientSecretExpiresAt int      `json:"client_secret_expires_at"`
	VapidKey              string   `json:"vapid_key"`
}

func application(app *store.App, withSecret bool) Application {
	out := Application{
		ID: idStr(app.ID), Name: app.Name, Scopes: app.Scopes,
		RedirectURI: strings.Join(app.RedirectURIs, "\n"), RedirectURIs: app.RedirectURIs,
	}
	if app.Website != "" {
		out.Website = &app.Website
	}
	if withSecret {
		out.ClientID, out.ClientSecret = app.ClientID, app.ClientSecret
	}
	return out
}

// createApp registers an OAuth client (POST /api/v1/apps).
func (a *API) createApp(w http.ResponseWriter, r *http.Request, _ auth) error {
	p, err := readParams(w, r)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(p.str("client_name"))
	if name == "" || len(name) > 200 {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: client_name must be 1 to 200 characters")
	}
	uris := p.list("redirect_uris")
	if len(uris) == 1 {
		uris = strings.Fields(uris[0]) // one string may carry several, newline-separated
	}
	if len(uris) == 0 {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: redirect_uris is required")
	}
	for _, u := range uris {
		if !validRedirect(u) {
			return errorf(http.StatusUnprocessableEntity, "Validation failed: redirect_uris must be absolute URIs")
		}
	}
	scopeStr := p.str("scopes")
	if scopeStr == "" {
		scopeStr = "read"
	}
	scopes, err := validScopes(scopeStr)
	if err != nil {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: "+err.Error())
	}
	website := p.str("website")
	if website != "" {
		if pu, err := url.Parse(website); err != nil || (pu.Scheme != "http" && pu.Scheme != "https") {
			return errorf(http.StatusUnprocessableEntity, "Validation failed: website must be an http(s) URL")
		}
	}
	app := &store.App{
		ID: id.New(), Name: name, Website: website, RedirectURIs: uris, Scopes: scopes,
		ClientID: randomToken(), ClientSecret: randomToken(), CreatedAt: time.Now().UTC(),
	}
	if err := a.Store.CreateApp(r.Context(), app); err != nil {
		return fmt.Errorf("create app: %w", err)
	}
	writeJSON(w, http.StatusOK, application(app, true))
	return nil
}

// validRedirect accepts the oob URI, http(s) URLs with a host, and the
// custom schemes native apps register (app://callback). Schemes a browser
// would run or read locally are refused: the authorize page sends people
// there with their code.
func validRedirect(u string) bool {
	if u == oobRedirect {
		return true
	}
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme == "" || pu.Fragment != "" {
		return false
	}
	switch strings.ToLower(pu.Scheme) {
	case "http", "https":
		return pu.Host != ""
	case "javascript", "data", "vbscript", "file", "blob":
		return false
	}
	return true
}

// verifyApp answers GET /api/v1/apps/verify_credentials.
func (a *API) verifyApp(w http.ResponseWriter, r *http.Request, au auth) error {
	app, err := a.Store.AppByID(r.Context(), au.Token.AppID)
	if err != nil {
		return fmt.Errorf("verify app: %w", err)
	}
	writeJSON(w, http.StatusOK, application(app, false))
	return nil
}

// oauthError answers the token endpoint in RFC 6749's shape, which also
// carries Mastodon's "error" field.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// clientApp authenticates the client by HTTP Basic or by body parameters.
func (a *API) clientApp(r *http.Request, p params, needSecret bool) (*store.App, bool) {
	cid, secret, basic := r.BasicAuth()
	if !basic {
		cid, secret = p.str("client_id"), p.str("client_secret")
	}
	if cid == "" {
		return nil, false
	}
	app, err := a.Store.AppByClientID(r.Context(), cid)
	if err != nil {
		return nil, false
	}
	if secret == "" && !needSecret {
		return app, true
	}
	return app, subtle.ConstantTimeCompare([]byte(secret), []byte(app.ClientSecret)) == 1
}

// tokenResponse is what /oauth/token answers.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	CreatedAt   int64  `json:"created_at"`
}

// issueToken makes and stores a bearer token.
func (a *API) issueToken(r *http.Request, appID, accountID int64, scopes []string) (tokenResponse, error) {
	tok := randomToken()
	t := &store.Token{ID: id.New(), TokenHash: HashToken(tok), AppID: appID, AccountID: accountID, Scopes: scopes, CreatedAt: time.Now().UTC()}
	if err := a.Store.CreateToken(r.Context(), t); err != nil {
		return tokenResponse{}, fmt.Errorf("issue token: %w", err)
	}
	return tokenResponse{AccessToken: tok, TokenType: "Bearer", Scope: strings.Join(scopes, " "), CreatedAt: t.CreatedAt.Unix()}, nil
}

// requestedScopes returns the scopes asked for (default "read"), which must
// all be among the app's.
func requestedScopes(asked string, app *store.App) ([]string, error) {
	if strings.TrimSpace(asked) == "" {
		asked = "read"
	}
	scopes, err := validScopes(asked)
	if err != nil {
		return nil, err
	}
	for _, s := range scopes {
		if !grants(app.Scopes, s) {
			return nil, fmt.Errorf("scope %q was not registered for this app", s)
		}
	}
	return scopes, nil
}

// readOAuthParams reads a token or revoke request, answering in OAuth's
// shape itself when the body is unreadable.
func readOAuthParams(w http.ResponseWriter, r *http.Request) (params, bool) {
	p, err := readParams(w, r)
	if err == nil {
		return p, true
	}
	status := http.StatusBadRequest
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	oauthError(w, status, "invalid_request", err.Error())
	return nil, false
}

// token is POST /oauth/token. It always answers JSON, never a redirect.
func (a *API) token(w http.ResponseWriter, r *http.Request) {
	p, ok := readOAuthParams(w, r)
	if !ok {
		return
	}
	grant := p.str("grant_type")
	app, ok := a.clientApp(r, p, grant != "authorization_code")
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.")
		return
	}
	var accountID int64
	var scopes []string
	var err error
	switch grant {
	case "authorization_code":
		accountID, scopes, err = a.redeemCode(r, p, app)
	case "password":
		accountID, scopes, err = a.passwordGrant(r, p, app)
	case "client_credentials":
		scopes, err = requestedScopes(p.str("scope"), app)
		if err != nil {
			err = &oauthFail{"invalid_scope", err.Error()}
		}
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.")
		return
	}
	var of *oauthFail
	if errors.As(err, &of) {
		oauthError(w, http.StatusBadRequest, of.code, of.desc)
		return
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	resp, err := a.issueToken(r, app.ID, accountID, scopes)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// oauthFail is a grant the client got wrong.
type oauthFail struct{ code, desc string }

func (e *oauthFail) Error() string { return e.code + ": " + e.desc }

var errBadGrant = &oauthFail{"invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}

func (a *API) redeemCode(r *http.Request, p params, app *store.App) (int64, []string, error) {
	code := p.str("code")
	if code == "" {
		return 0, nil, &oauthFail{"invalid_request", "code is required"}
	}
	c, err := a.Store.TakeAuthCode(r.Context(), HashToken(code))
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil, errBadGrant
	}
	if err != nil {
		return 0, nil, fmt.Errorf("redeem code: %w", err)
	}
	if c.AppID != app.ID || (p.str("redirect_uri") != "" && p.str("redirect_uri") != c.RedirectURI) {
		return 0, nil, errBadGrant
	}
	verifier := p.str("code_verifier")
	switch {
	case c.CodeChallenge != "":
		sum := sha256.Sum256([]byte(verifier))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.CodeChallenge {
			return 0, nil, errBadGrant
		}
	case !a.secretOK(r, p, app):
		// Without PKCE the client must prove it holds the secret.
		return 0, nil, &oauthFail{"invalid_client", "client_secret is required"}
	}
	return c.AccountID, c.Scopes, nil
}

func (a *API) secretOK(r *http.Request, p params, app *store.App) bool {
	_, ok := a.clientApp(r, p, true)
	return ok
}

func (a *API) passwordGrant(r *http.Request, p params, app *store.App) (int64, []string, error) {
	scopes, err := requestedScopes(p.str("scope"), app)
	if err != nil {
		return 0, nil, &oauthFail{"invalid_scope", err.Error()}
	}
	ac, err := a.login(r, p.str("username"), p.str("password"))
	if err != nil {
		return 0, nil, err
	}
	return ac.ID, scopes, nil
}

// login checks a username-or-email and password.
func (a *API) login(r *http.Request, login, password string) (*store.Account, error) {
	bad := &oauthFail{"invalid_grant", "The username or password is wrong."}
	if login == "" || password == "" {
		return nil, bad
	}
	ac, err := a.Store.AccountByLogin(r.Context(), login)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err := account.VerifyPassword(ac.PasswordHash, password); err != nil {
		if errors.Is(err, account.ErrPasswordMismatch) {
			return nil, bad
		}
		return nil, fmt.Errorf("login %d: %w", ac.ID, err)
	}
	return ac, nil
}

// revoke is POST /oauth/revoke.
func (a *API) revoke(w http.ResponseWriter, r *http.Request) {
	p, ok := readOAuthParams(w, r)
	if !ok {
		return
	}
	app, ok := a.clientApp(r, p, true)
	if !ok {
		oauthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	// An unknown token is not an error (RFC 7009); another client's token
	// is refused, as Doorkeeper does for Mastodon.
	hash := HashToken(p.str("token"))
	tok, err := a.Store.TokenByHash(r.Context(), hash)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		a.writeError(w, r, err)
		return
	case tok.AppID != app.ID:
		oauthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	default:
		if err := a.Store.RevokeToken(r.Context(), hash); err != nil {
			a.writeError(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// wellKnown is RFC 8414 metadata, which newer clients read to find the
// endpoints and grants.
func (a *API) wellKnown(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                a.BaseURL + "/",
		"authorization_endpoint":                a.BaseURL + "/oauth/authorize",
		"token_endpoint":                        a.BaseURL + "/oauth/token",
		"revocation_endpoint":                   a.BaseURL + "/oauth/revoke",
		"app_registration_endpoint":             a.BaseURL + "/api/v1/apps",
		"scopes_supported":                      allScopes,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "password", "client_credentials"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
	})
}
