package web_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/sms/smstest"
	"github.com/sada-project/sada/internal/store"
)

// withSMS turns SMS on, as --sms-kannel-url does; newSite puts the test
// gateway where Kannel would be, so nothing is sent anywhere.
func withSMS(c *config.Config) {
	c.SMS.KannelURL = "http://kannel.invalid/cgi-bin/sendsms"
	c.SMS.Number = "7722"
}

// startSMS returns the SMS service of a site whose config turns SMS on,
// running until the test ends, or nil when SMS is off.
func (s *site) startSMS(t *testing.T, cfg config.Config, log *slog.Logger) *sms.Service {
	t.Helper()
	if !cfg.SMSSettings().Enabled {
		return nil
	}
	s.gw = smstest.NewGateway()
	s.sms = sms.New(s.st, s.svc, s.gw, log, sms.Options{Domain: cfg.Domain, BaseURL: cfg.BaseURL()})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.sms.Run(t.Context()) // ends as the test does, before the store closes
	}()
	t.Cleanup(func() { <-done })
	return s.sms
}

var codeRE = regexp.MustCompile(`\b[0-9]{6}\b`)

// code waits for the n-th text to number and returns the code in it.
func (s *site) code(t *testing.T, number string, n int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := s.gw.Await(ctx, number, n)
	if err != nil {
		t.Fatalf("text %d to %s: %v (got %d)", n, number, err, len(got))
	}
	code := codeRE.FindString(got[n-1].Text)
	if code == "" {
		t.Fatalf("no code in %q", got[n-1].Text)
	}
	return code
}

// phone returns name's linked phone, nil when none.
func (s *site) phone(t *testing.T, name string) *store.Phone {
	t.Helper()
	p, err := s.st.PhoneByAccount(t.Context(), s.account(t, name).ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pending returns the number a code waits for name at, "" when none.
func (s *site) pending(t *testing.T, name string) string {
	t.Helper()
	n, err := s.sms.PendingNumber(t.Context(), s.account(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

const (
	aliceNumber = "+989121234567"
	numberForm  = `action="/settings/phone"`
	codeForm    = `action="/settings/phone/confirm"`
	linkedForm  = `action="/settings/phone/unlink"`
)

func TestPhoneLink(t *testing.T) {
	s := newSite(t, withSMS)
	alice := s.signUp(t, "alice")
	alice.get(t, "/settings").want(t, http.StatusOK).
		has(t, `<section class="card" id="phone"`, numberForm, `name="phone" type="tel" value="" dir="ltr"`).
		lacks(t, codeForm, linkedForm)

	// A number not in international form is refused, in the reader's language.
	for _, tc := range []struct{ lang, want string }{
		{"en", "That is not a phone number in international form"},
		{"ar", "هذا ليس رقم هاتف بالصيغة الدولية"},
		{"fa", "این شماره\u200cی تلفن به شکل بین\u200cالمللی نیست"},
	} {
		alice.get(t, "/lang/"+tc.lang).want(t, http.StatusSeeOther)
		alice.submit(t, "/settings", "/settings/phone", url.Values{"phone": {"0912 123"}}).
			want(t, http.StatusUnprocessableEntity).has(t, tc.want, `value="0912 123"`)
	}
	alice.get(t, "/lang/en").want(t, http.StatusSeeOther)
	if len(s.gw.To(aliceNumber)) != 0 || s.pending(t, "alice") != "" {
		t.Fatal("a refused number got a code")
	}

	// The code is texted; the page asks for it.
	alice.submit(t, "/settings", "/settings/phone", url.Values{"phone": {"+98 912 123 4567"}}).
		wantRedirect(t, "/settings?saved=phone_code#phone")
	alice.get(t, "/settings?saved=phone_code").want(t, http.StatusOK).
		has(t, "We texted you a code. It works for 15 minutes.", codeForm, `<bdi dir="ltr">&#43;989121234567</bdi>`,
			`action="/settings/phone/cancel"`, `You can also text the code back from your phone to <bdi dir="ltr">7722</bdi>`).
		lacks(t, numberForm, linkedForm)
	code := s.code(t, aliceNumber, 1)

	// A wrong code links nothing and says so.
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	alice.submit(t, "/settings", "/settings/phone/confirm", url.Values{"code": {wrong}}).
		want(t, http.StatusUnprocessableEntity).has(t, "That code is wrong.", codeForm)
	if p := s.phone(t, "alice"); p != nil {
		t.Fatalf("linked after a wrong code: %+v", p)
	}

	alice.submit(t, "/settings", "/settings/phone/confirm", url.Values{"code": {code}}).
		wantRedirect(t, "/settings?saved=phone_linked#phone")
	alice.get(t, "/settings?saved=phone_linked").want(t, http.StatusOK).
		has(t, "Your number is linked.", `Linked number: <bdi dir="ltr">&#43;989121234567</bdi>`, "Text updates are on", linkedForm).
		lacks(t, numberForm, codeForm)
	if p := s.phone(t, "alice"); p == nil || p.Number != aliceNumber || !p.Updates {
		t.Fatalf("phone after linking: %+v", p)
	}
	// In a right-to-left page the number still reads left to right.
	alice.get(t, "/lang/fa").want(t, http.StatusSeeOther)
	alice.get(t, "/settings").has(t, `<html lang="fa" dir="rtl">`, `<bdi dir="ltr">&#43;989121234567</bdi>`, "به\u200cروزرسانی پیامکی روشن است")
	alice.get(t, "/lang/en").want(t, http.StatusSeeOther)

	// One number, one account.
	bob := s.signUp(t, "bob")
	bob.submit(t, "/settings", "/settings/phone", url.Values{"phone": {aliceNumber}}).
		want(t, http.StatusForbidden).has(t, "This number is linked to another account.", numberForm)
	if s.pending(t, "bob") != "" || len(s.gw.To(aliceNumber)) != 1 {
		t.Error("a number linked to alice got a code for bob")
	}

	// Updates off and on again.
	alice.submit(t, "/settings", "/settings/phone/updates", url.Values{"updates": {"0"}}).
		wantRedirect(t, "/settings?saved=phone_updates#phone")
	alice.get(t, "/settings?saved=phone_updates").has(t, "Saved.", "Text updates are off", "Turn text updates on")
	if p := s.phone(t, "alice"); p.Updates {
		t.Error("updates still on")
	}
	alice.submit(t, "/settings", "/settings/phone/updates", url.Values{"updates": {"1"}}).
		wantRedirect(t, "/settings?saved=phone_updates#phone")
	if p := s.phone(t, "alice"); !p.Updates {
		t.Error("updates still off")
	}
	alice.submit(t, "/settings", "/settings/phone/updates", url.Values{"updates": {"yes"}}).want(t, http.StatusBadRequest)

	// One click unlinks; then the number is free for bob.
	alice.submit(t, "/settings", "/settings/phone/unlink", nil).wantRedirect(t, "/settings?saved=phone_unlinked#phone")
	alice.get(t, "/settings?saved=phone_unlinked").has(t, "Your number is unlinked.", numberForm).lacks(t, linkedForm)
	if p := s.phone(t, "alice"); p != nil {
		t.Fatalf("phone after unlinking: %+v", p)
	}
	bob.submit(t, "/settings", "/settings/phone", url.Values{"phone": {aliceNumber}}).
		wantRedirect(t, "/settings?saved=phone_code#phone")
}

// TestPhoneCancelAndTextBack: cancel forgets the code; a code texted back
// from the phone links the number, and a stale "cancel" does not unlink it.
func TestPhoneCancelAndTextBack(t *testing.T) {
	s := newSite(t, withSMS)
	carol := s.signUp(t, "carol")
	carol.submit(t, "/settings", "/settings/phone", url.Values{"phone": {"+447700900123"}}).
		wantRedirect(t, "/settings?saved=phone_code#phone")
	carol.submit(t, "/settings", "/settings/phone/cancel", nil).wantRedirect(t, "/settings?saved=phone_cancelled#phone")
	carol.get(t, "/settings?saved=phone_cancelled").has(t, "Cancelled; no number is linked.", numberForm).lacks(t, codeForm)
	if n := s.pending(t, "carol"); n != "" {
		t.Errorf("code still waiting at %s after cancel", n)
	}

	const number = "+989120000002"
	dave := s.signUp(t, "dave")
	dave.submit(t, "/settings", "/settings/phone", url.Values{"phone": {number}}).
		wantRedirect(t, "/settings?saved=phone_code#phone")
	stale := dave.get(t, "/settings").has(t, codeForm)
	if err := s.sms.Receive(t.Context(), sms.Inbound{GatewayID: "gw-1", From: number, To: "7722", Text: s.code(t, number, 1)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for s.phone(t, "dave") == nil {
		if time.Now().After(deadline) {
			t.Fatal("the code texted back did not link the number")
		}
		time.Sleep(20 * time.Millisecond)
	}
	dave.get(t, "/settings").has(t, linkedForm)
	token := csrfRE.FindStringSubmatch(stale.Body)[1]
	dave.post(t, "/settings/phone/cancel", url.Values{"csrf": {token}}).wantRedirect(t, "/settings#phone")
	if s.phone(t, "dave") == nil {
		t.Error("cancelling a code unlinked the number")
	}
}

// TestPhoneCSRF sends each phone form without its token, with another
// browser's token and from another site; each is refused and changes
// nothing.
func TestPhoneCSRF(t *testing.T) {
	s := newSite(t, withSMS)
	mallory := s.signUp(t, "mallory")
	malloryToken := csrfRE.FindStringSubmatch(mallory.get(t, "/settings").Body)[1]

	// alice is linked with updates on; bob waits for a code; carol has nothing.
	alice, bob, carol := s.signUp(t, "alice"), s.signUp(t, "bob"), s.signUp(t, "carol")
	alice.submit(t, "/settings", "/settings/phone", url.Values{"phone": {aliceNumber}}).want(t, http.StatusSeeOther)
	alice.submit(t, "/settings", "/settings/phone/confirm", url.Values{"code": {s.code(t, aliceNumber, 1)}}).want(t, http.StatusSeeOther)
	const bobNumber = "+989120000003"
	bob.submit(t, "/settings", "/settings/phone", url.Values{"phone": {bobNumber}}).want(t, http.StatusSeeOther)
	bobCode := s.code(t, bobNumber, 1)

	forms := []struct {
		who  *browser
		path string
		form url.Values
	}{
		{carol, "/settings/phone", url.Values{"phone": {"+989120000009"}}},
		{bob, "/settings/phone/confirm", url.Values{"code": {bobCode}}},
		{bob, "/settings/phone/cancel", nil},
		{alice, "/settings/phone/updates", url.Values{"updates": {"0"}}},
		{alice, "/settings/phone/unlink", nil},
	}
	for _, f := range forms {
		own := csrfRE.FindStringSubmatch(f.who.get(t, "/settings").Body)[1]
		attacks := []struct {
			name string
			send func(url.Values) response
		}{
			{"no token", func(v url.Values) response { return f.who.post(t, f.path, v) }},
			{"another browser's token", func(v url.Values) response {
				v.Set("csrf", malloryToken)
				return f.who.post(t, f.path, v)
			}},
			{"from another site", func(v url.Values) response {
				v.Set("csrf", own)
				req, _ := http.NewRequest("POST", s.URL+f.path, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", "https://evil.example")
				req.Header.Set("Sec-Fetch-Site", "cross-site")
				return f.who.do(t, req)
			}},
		}
		for _, a := range attacks {
			t.Run(a.name+" "+f.path, func(t *testing.T) {
				v := url.Values{}
				for k, x := range f.form {
					v[k] = x
				}
				a.send(v).want(t, http.StatusForbidden).has(t, "This form has expired or came from another site")
			})
		}
	}

	if p := s.phone(t, "alice"); p == nil || !p.Updates {
		t.Errorf("alice's phone after forged forms: %+v", p)
	}
	if p, n := s.phone(t, "bob"), s.pending(t, "bob"); p != nil || n != bobNumber {
		t.Errorf("bob after forged forms: linked %+v, pending %q", p, n)
	}
	if n := s.pending(t, "carol"); n != "" {
		t.Errorf("carol got a code at %s from a forged form", n)
	}
}

// TestPhoneSMSOff: without SMS the settings page has no phone section and
// the phone forms do not exist.
func TestPhoneSMSOff(t *testing.T) {
	s := newSite(t)
	alice := s.signUp(t, "alice")
	alice.get(t, "/settings").want(t, http.StatusOK).lacks(t, `id="phone"`, "/settings/phone", "⟦phone_")
	for _, path := range []string{"/settings/phone", "/settings/phone/confirm", "/settings/phone/cancel", "/settings/phone/unlink", "/settings/phone/updates"} {
		alice.submit(t, "/settings", path, url.Values{"phone": {aliceNumber}, "code": {"123456"}, "updates": {"1"}}).want(t, http.StatusNotFound)
	}
}
