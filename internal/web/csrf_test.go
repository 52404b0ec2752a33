package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sada-project/sada/internal/store"
)

// TestCSRF sends every form of routes.go without its token, with another
// browser's token and from another site, and checks each is refused with
// the 403 page and changes nothing.
func TestCSRF(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	mallory := s.signUp(t, "mallory")
	bob := s.account(t, "mallory")
	st := s.postAs(t, "alice", "a post to act on", store.Public)
	id, bobID := itoa(st.ID), itoa(bob.ID)
	malloryToken := csrfRE.FindStringSubmatch(mallory.get(t, "/").Body)[1]

	forms := []struct {
		path string
		form url.Values
	}{
		{"/statuses", url.Values{"text": {"forged post"}}},
		{"/p/" + id + "/favourite", nil},
		{"/p/" + id + "/unfavourite", nil},
		{"/p/" + id + "/reblog", nil},
		{"/p/" + id + "/unreblog", nil},
		{"/p/" + id + "/delete", nil},
		{"/accounts/" + bobID + "/follow", nil},
		{"/accounts/" + bobID + "/unfollow", nil},
		{"/follow_requests/" + bobID + "/authorize", nil},
		{"/follow_requests/" + bobID + "/reject", nil},
		{"/login", url.Values{"login": {"alice"}, "password": {password}}},
		{"/logout", nil},
		{"/signup", url.Values{"username": {"forged"}, "password": {password}}},
		{"/settings", url.Values{"display_name": {"Forged"}}},
		{"/settings/password", url.Values{"current_password": {password}, "new_password": {"forged password"}, "confirm_password": {"forged password"}}},
	}
	attacks := []struct {
		name  string
		send  func(path string, form url.Values) response
		token string
	}{
		{"no token", func(p string, f url.Values) response { return alice.post(t, p, f) }, ""},
		{"another browser's token", func(p string, f url.Values) response {
			f.Set("csrf", malloryToken)
			return alice.post(t, p, f)
		}, ""},
		{"from another site", func(p string, f url.Values) response {
			f.Set("csrf", csrfRE.FindStringSubmatch(alice.get(t, "/").Body)[1])
			req, _ := http.NewRequest("POST", s.URL+p, strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			return alice.do(t, req)
		}, ""},
	}
	for _, a := range attacks {
		for _, f := range forms {
			t.Run(a.name+" "+f.path, func(t *testing.T) {
				form := url.Values{}
				for k, v := range f.form {
					form[k] = v
				}
				a.send(f.path, form).want(t, http.StatusForbidden).has(t, "This form has expired or came from another site")
			})
		}
	}

	// Nothing happened: still signed in, nothing posted or changed.
	alice.get(t, "/notifications").want(t, http.StatusOK)
	if got, err := s.st.StatusByID(t.Context(), st.ID); err != nil || got.FavouritesCount != 0 || got.ReblogsCount != 0 {
		t.Errorf("status after forged actions: %+v, %v", got, err)
	}
	if ac := s.account(t, "alice"); ac.DisplayName != "" || ac.StatusesCount != 1 || ac.FollowingCount != 0 {
		t.Errorf("account after forged forms: %+v", ac)
	}
	if _, err := s.svc.Authenticate(t.Context(), "alice", password); err != nil {
		t.Errorf("the password changed: %v", err)
	}
	if _, err := s.st.AccountByUsername(t.Context(), "forged"); err == nil {
		t.Error("a forged sign-up made an account")
	}
}

// TestCSRFFirstVisit: a form posted by a browser that never loaded a page
// (no cookie at all) is refused, not checked against a fresh secret.
func TestCSRFFirstVisit(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	fresh := s.browser()
	fresh.post(t, "/login", url.Values{"csrf": {"anything"}, "login": {"alice"}, "password": {password}}).want(t, http.StatusForbidden)
	fresh.post(t, "/login", url.Values{"login": {"alice"}, "password": {password}}).want(t, http.StatusForbidden)
}

// TestCSRFTokenChangesAtLogin: the token of the anonymous log-in page is
// no good once signed in, and the signed-in token dies with the session.
func TestCSRFTokenChangesAtLogin(t *testing.T) {
	s := newSite(t)
	s.signUp(t, "alice")
	b := s.browser()
	before := csrfRE.FindStringSubmatch(b.get(t, "/login").Body)[1]
	b.post(t, "/login", url.Values{"csrf": {before}, "login": {"alice"}, "password": {password}}).wantRedirect(t, "/")
	after := csrfRE.FindStringSubmatch(b.get(t, "/").Body)[1]
	if before == after {
		t.Fatal("the CSRF token did not change at log-in")
	}
	b.post(t, "/statuses", url.Values{"csrf": {before}, "text": {"with the old token"}}).want(t, http.StatusForbidden)
	b.post(t, "/logout", url.Values{"csrf": {after}}).wantRedirect(t, "/")
	b.post(t, "/statuses", url.Values{"csrf": {after}, "text": {"after log-out"}}).want(t, http.StatusForbidden)
}
