package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/config"
)

func TestSignUp(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.get(t, "/signup").want(t, http.StatusOK).has(t, `<form method="post" action="/signup">`, `name="csrf"`,
		`<label for="username">`, `<label for="password">`, `<label for="email">`)
	res := b.submit(t, "/signup", "/signup", url.Values{"username": {"alice"}, "password": {password}, "email": {"alice@example.org"}})
	res.wantRedirect(t, "/")

	// The session cookie: HttpOnly, SameSite=Lax, and not Secure over
	// plain HTTP on a loopback address (a browser would drop it).
	var session *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "sada_session" {
			session = c
		}
	}
	if session == nil {
		t.Fatalf("sign-up set no session cookie: %v", res.Header.Values("Set-Cookie"))
	}
	if !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Secure || session.Path != "/" {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, not Secure over http, Path /", session)
	}
	// Only a hash of the token is stored.
	if _, err := s.st.SessionByHash(t.Context(), session.Value); err == nil {
		t.Error("the session is found by its raw token: the token itself is stored")
	}
	b.get(t, "/").want(t, http.StatusOK).has(t, `href="/@alice"`, `formaction="/logout"`, `<form class="compose"`)
	if ac := s.account(t, "alice"); ac.Email != "alice@example.org" || ac.Language != "en" {
		t.Errorf("account = %+v, want the e-mail given and the interface language en", ac)
	}

	// Signed in, the sign-up and log-in pages send you home.
	b.get(t, "/signup").wantRedirect(t, "/")
	b.get(t, "/login").wantRedirect(t, "/")
}

func TestSignUpRefused(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "taken")
	tests := []struct {
		name, username, password, want string
	}{
		{"empty username", "", password, "Choose a username."},
		{"script in username", "علی", password, "only Latin letters"},
		{"long username", strings.Repeat("a", 31), password, "at most 30"},
		{"reserved", "admin", password, "reserved"},
		{"short password", "newbie", "q7#zk", "at least 8"},
		{"taken", "Taken", password, "already taken"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := s.browser()
			res := b.submit(t, "/signup", "/signup", url.Values{"username": {tc.username}, "password": {tc.password}})
			res.want(t, http.StatusUnprocessableEntity).has(t, tc.want, `role="alert"`)
			if tc.username != "" {
				res.has(t, `value="`+tc.username+`"`) // what was typed stays
			}
			if strings.Contains(res.Body, tc.password) && tc.password != "" {
				t.Error("the refused page echoes the password")
			}
		})
	}
}

func TestSignUpClosed(t *testing.T) {
	s := newSite(t, func(c *config.Config) { c.Registrations = config.RegistrationsClosed })
	b := s.browser()
	b.get(t, "/signup").want(t, http.StatusOK).has(t, "Sign-ups are closed").lacks(t, `action="/signup"`)
	b.get(t, "/").want(t, http.StatusOK).lacks(t, `href="/signup"`)
	// A form posted anyway (kept from before) is refused.
	anon := s.browser()
	tok := csrfRE.FindStringSubmatch(anon.get(t, "/login").Body)[1]
	anon.post(t, "/signup", url.Values{"csrf": {tok}, "username": {"sneaky"}, "password": {password}}).want(t, http.StatusForbidden)
	if _, err := s.st.AccountByUsername(t.Context(), "sneaky"); err == nil {
		t.Error("an account was made with sign-ups closed")
	}
}

func TestLogInAndOut(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	b := s.browser()

	// A page that needs an account sends you to log in, and back after.
	b.get(t, "/notifications").wantRedirect(t, "/login?next=%2Fnotifications")
	b.get(t, "/login?next=%2Fnotifications").want(t, http.StatusOK).has(t, `name="next" value="/notifications"`)

	wrong := b.submit(t, "/login?next=%2Fnotifications", "/login", url.Values{"login": {"alice"}, "password": {"wrong password"}, "next": {"/notifications"}})
	wrong.want(t, http.StatusUnprocessableEntity).has(t, "The username or password is wrong.", `value="alice"`)
	b.submit(t, "/login", "/login", url.Values{"login": {"nobody"}, "password": {password}}).want(t, http.StatusUnprocessableEntity)

	b.submit(t, "/login", "/login", url.Values{"login": {"ALICE@example.com"}, "password": {password}, "next": {"/notifications"}}).
		want(t, http.StatusUnprocessableEntity) // signed up without an e-mail
	b.submit(t, "/login", "/login", url.Values{"login": {"Alice"}, "password": {password}, "next": {"/notifications"}}).
		wantRedirect(t, "/notifications")
	b.get(t, "/notifications").want(t, http.StatusOK)

	// "next" cannot send anyone to another site.
	other := s.browser()
	other.submit(t, "/login", "/login", url.Values{"login": {"alice"}, "password": {password}, "next": {"//evil.example/x"}}).
		wantRedirect(t, "/")

	// Logging out ends this session only.
	b.submit(t, "/", "/logout", nil).wantRedirect(t, "/")
	b.get(t, "/notifications").wantRedirect(t, "/login?next=%2Fnotifications")
	other.get(t, "/notifications").want(t, http.StatusOK)
}

// TestSessionCookieStolenAfterLogout: a copy of the cookie taken before
// log-out is worthless after it, as the session is deleted server-side.
func TestSessionEndsServerSide(t *testing.T) {
	s := newSite(t)
	b := s.signUp(t, "alice")
	u, _ := url.Parse(s.URL)
	cookies := b.client.Jar.Cookies(u)
	b.submit(t, "/", "/logout", nil).wantRedirect(t, "/")

	thief := s.browser()
	thief.client.Jar.SetCookies(u, cookies)
	thief.get(t, "/notifications").wantRedirect(t, "/login?next=%2Fnotifications")
}
