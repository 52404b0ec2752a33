package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSettings(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	page := alice.get(t, "/settings").want(t, http.StatusOK)
	page.has(t, `<label for="display_name">`, `<label for="note">`, `<label for="locked">`, `<label for="language">`,
		`<label for="current_password">`, `<label for="new_password">`, `<label for="confirm_password">`,
		`<option value="en" lang="en" selected>English</option>`)

	alice.submit(t, "/settings", "/settings", url.Values{
		"display_name": {"  آلیس  "}, "note": {"سلام! I write in two scripts."}, "locked": {"1"}, "language": {"fa"},
	}).wantRedirect(t, "/settings?saved=profile")
	after := alice.get(t, "/settings?saved=profile").want(t, http.StatusOK)
	after.has(t, `<html lang="fa" dir="rtl">`, "ذخیره شد.", `value="آلیس"`, "سلام! I write in two scripts.</textarea>", `name="locked" type="checkbox" value="1" checked`)
	ac := s.account(t, "alice")
	if ac.DisplayName != "آلیس" || !ac.Locked || ac.Language != "fa" {
		t.Errorf("account after saving: %+v", ac)
	}
	// Too long a display name comes back with the reason and the values.
	long := strings.Repeat("x", 31)
	alice.submit(t, "/settings", "/settings", url.Values{"display_name": {long}, "note": {"kept"}, "language": {"fa"}}).
		want(t, http.StatusUnprocessableEntity).has(t, "display name is longer than 30", `value="`+long+`"`, "kept</textarea>")
	// A language the interface does not have is a bad form.
	alice.submit(t, "/settings", "/settings", url.Values{"language": {"xx"}}).want(t, http.StatusBadRequest)
}

func TestChangePassword(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	other := s.browser()
	other.submit(t, "/login", "/login", url.Values{"login": {"alice"}, "password": {password}}).wantRedirect(t, "/")

	const next = "a brand new password"
	tests := []struct {
		name                   string
		current, next, confirm string
		want                   string
	}{
		{"wrong current", "not my password", next, next, "Your current password is wrong."},
		{"too short", password, "short1", "short1", "at least 8"},
		{"mismatch", password, next, next + "!", "The two new passwords differ."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			alice.submit(t, "/settings", "/settings/password", url.Values{
				"current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.confirm},
			}).want(t, http.StatusUnprocessableEntity).has(t, tc.want)
		})
	}
	alice.submit(t, "/settings", "/settings/password", url.Values{
		"current_password": {password}, "new_password": {next}, "confirm_password": {next},
	}).wantRedirect(t, "/settings?saved=password")
	alice.get(t, "/settings?saved=password").want(t, http.StatusOK).has(t, "Password changed.")
	// The other browser was logged out; the new password works.
	other.get(t, "/settings").wantRedirect(t, "/login?next=%2Fsettings")
	if _, err := s.svc.Authenticate(t.Context(), "alice", next); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
}
