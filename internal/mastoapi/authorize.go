package mastoapi

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// The authorize page signs the person in and asks for consent in one plain
// form, so it works with no JavaScript and no existing web session.
var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize {{.AppName}} · sada</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#111}
label{display:block;margin-block:.75rem .25rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{padding:.5rem 1rem;font:inherit;margin-block-start:1rem;margin-inline-end:.5rem}.err{color:#a00}code{font-size:1.25rem;word-break:break-all}</style>
</head><body><main>
{{if .Code}}<h1>Authorization code</h1><p>Copy this code and paste it into {{.AppName}}:</p><p><code>{{.Code}}</code></p>
{{else if .Fatal}}<h1>Cannot authorize</h1><p class="err">{{.Fatal}}</p>
{{else}}<h1>Authorize {{.AppName}}</h1>
<p>{{.AppName}} asks to use your sada account with these permissions: <strong>{{.Scopes}}</strong>.</p>
{{if .Error}}<p class="err" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="/oauth/authorize">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{$v}}">{{end}}
<label for="username">Username or e-mail</label><input id="username" name="username" autocomplete="username" required value="{{.Username}}" dir="auto">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" name="decision" value="approve">Authorize</button><button type="submit" name="decision" value="deny" formnovalidate>Deny</button>
</form>{{end}}
</main></body></html>`))

type authorizePage struct {
	AppName, Scopes, Error, Fatal, Code, Username string
	Hidden                                        map[string]string
}

func (a *API) renderAuthorize(w http.ResponseWriter, status int, pg authorizePage) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := authorizeTmpl.Execute(w, pg); err != nil {
		a.Log.Warn("render authorize page", "err", err)
	}
}

// authRequest is a validated authorization request.
type authRequest struct {
	app         *store.App
	redirectURI string
	scopes      []string
	state       string
	challenge   string
}

// parseAuthRequest validates the query (GET) or form (POST) of /oauth/authorize.
func (a *API) parseAuthRequest(r *http.Request, p params) (authRequest, error) {
	if rt := p.str("response_type"); rt != "code" {
		return authRequest{}, errors.New("response_type must be code")
	}
	app, err := a.Store.AppByClientID(r.Context(), p.str("client_id"))
	if err != nil {
		return authRequest{}, errors.New("unknown client_id")
	}
	req := authRequest{app: app, redirectURI: p.str("redirect_uri"), state: p.str("state"), challenge: p.str("code_challenge")}
	if req.redirectURI == "" && len(app.RedirectURIs) == 1 {
		req.redirectURI = app.RedirectURIs[0]
	}
	if !slices.Contains(app.RedirectURIs, req.redirectURI) {
		return authRequest{}, errors.New("redirect_uri is not one registered for this app")
	}
	if req.challenge != "" && p.str("code_challenge_method") != "S256" {
		return authRequest{}, errors.New("code_challenge_method must be S256")
	}
	if req.scopes, err = requestedScopes(p.str("scope"), app); err != nil {
		return authRequest{}, err
	}
	return req, nil
}

func (req authRequest) hidden(csrf string) map[string]string {
	return map[string]string{
		"response_type": "code", "client_id": req.app.ClientID, "redirect_uri": req.redirectURI,
		"scope": strings.Join(req.scopes, " "), "state": req.state, "code_challenge": req.challenge,
		"code_challenge_method": "S256", "csrf": csrf,
	}
}

const csrfCookie = "sada_oauth_csrf"

// authorizeForm is GET /oauth/authorize.
func (a *API) authorizeForm(w http.ResponseWriter, r *http.Request) {
	p := params(r.URL.Query())
	req, err := a.parseAuthRequest(r, p)
	if err != nil {
		a.renderAuthorize(w, http.StatusBadRequest, authorizePage{Fatal: err.Error()})
		return
	}
	csrf := randomToken()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: csrf, Path: "/oauth/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil, MaxAge: 3600})
	a.renderAuthorize(w, http.StatusOK, authorizePage{AppName: req.app.Name, Scopes: strings.Join(req.scopes, " "), Hidden: req.hidden(csrf)})
}

// authorize is POST /oauth/authorize: sign in, consent, and hand out a code.
func (a *API) authorize(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(w, r)
	if err != nil {
		a.renderAuthorize(w, http.StatusBadRequest, authorizePage{Fatal: err.Error()})
		return
	}
	req, err := a.parseAuthRequest(r, p)
	if err != nil {
		a.renderAuthorize(w, http.StatusBadRequest, authorizePage{Fatal: err.Error()})
		return
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || p.str("csrf") == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(p.str("csrf"))) != 1 {
		a.renderAuthorize(w, http.StatusForbidden, authorizePage{Fatal: "This form has expired. Go back to the app and start signing in again."})
		return
	}
	if p.str("decision") == "deny" {
		a.redirectWith(w, r, req, url.Values{"error": {"access_denied"}, "error_description": {"The resource owner denied the request."}})
		return
	}
	ac, err := a.login(r, p.str("username"), p.str("password"))
	if err != nil {
		var of *oauthFail
		if !errors.As(err, &of) {
			a.Log.Error("authorize login", "err", err)
		}
		a.renderAuthorize(w, http.StatusUnauthorized, authorizePage{AppName: req.app.Name, Scopes: strings.Join(req.scopes, " "),
			Error: "The username or password is wrong.", Username: p.str("username"), Hidden: req.hidden(c.Value)})
		return
	}
	code := randomToken()
	err = a.Store.CreateAuthCode(r.Context(), &store.AuthCode{
		CodeHash: HashToken(code), AppID: req.app.ID, AccountID: ac.ID, RedirectURI: req.redirectURI,
		Scopes: req.scopes, CodeChallenge: req.challenge, ExpiresAt: time.Now().Add(codeLifetime).UTC(),
	})
	if err != nil {
		a.Log.Error("create auth code", "err", err)
		a.renderAuthorize(w, http.StatusInternalServerError, authorizePage{Fatal: "Something went wrong on our side. Please try again."})
		return
	}
	if req.redirectURI == oobRedirect {
		a.renderAuthorize(w, http.StatusOK, authorizePage{AppName: req.app.Name, Code: code})
		return
	}
	a.redirectWith(w, r, req, url.Values{"code": {code}})
}

// redirectWith sends the browser back to the app with q (and the state).
func (a *API) redirectWith(w http.ResponseWriter, r *http.Request, req authRequest, q url.Values) {
	if req.redirectURI == oobRedirect {
		a.renderAuthorize(w, http.StatusOK, authorizePage{Fatal: "You denied access."})
		return
	}
	u, err := url.Parse(req.redirectURI)
	if err != nil {
		a.renderAuthorize(w, http.StatusBadRequest, authorizePage{Fatal: "The app's redirect URI is invalid."})
		return
	}
	if req.state != "" {
		q.Set("state", req.state)
	}
	old := u.Query()
	for k, v := range q {
		old[k] = v
	}
	u.RawQuery = old.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}
