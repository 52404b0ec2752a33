package sms_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/sms/smstest"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

type harness struct {
	t    *testing.T
	st   *sqlite.Store
	svc  *social.Service
	sms  *sms.Service
	net  *smstest.Gateway
	seq  atomic.Int64
	seen map[string]int // messages per number already expected
}

func newHarness(t *testing.T, opt sms.Options) *harness {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "sada.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	svc := social.New(st, "sada.test")
	n := smstest.NewGateway()
	if opt.Domain == "" {
		opt.Domain = "sada.test"
	}
	if opt.BaseURL == "" {
		opt.BaseURL = "https://sada.test"
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, nil))
	}
	h := &harness{t: t, st: st, svc: svc, net: n, seen: map[string]int{}}
	h.sms = sms.New(st, svc, n, log, opt)
	svc.Events = social.With(svc.Events, h.sms)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.sms.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		st.Close()
	})
	return h
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// text delivers a message from a phone, as the gateway would.
func (h *harness) text(from, text string) {
	h.t.Helper()
	id := fmt.Sprintf("gw-%d", h.seq.Add(1))
	if err := h.sms.Receive(h.t.Context(), sms.Inbound{GatewayID: id, From: from, To: "1234", Text: text}); err != nil {
		h.t.Fatalf("Receive(%q from %s): %v", text, from, err)
	}
}

// expect waits for the next message to number and checks it contains want.
func (h *harness) expect(number, want string) sms.Outgoing {
	h.t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		got := h.net.To(number)
		if len(got) > h.seen[number] {
			m := got[h.seen[number]]
			h.seen[number]++
			if !strings.Contains(m.Text, want) {
				h.t.Fatalf("text to %s = %q, want it to contain %q", number, m.Text, want)
			}
			return m
		}
		select {
		case <-h.net.More():
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			h.t.Fatalf("no text to %s containing %q (got %d so far)", number, want, len(got))
		}
	}
}

// expectNothing checks that nothing more reaches number within d.
func (h *harness) expectNothing(number string, d time.Duration) {
	h.t.Helper()
	time.Sleep(d)
	if got := h.net.To(number); len(got) > h.seen[number] {
		h.t.Fatalf("unexpected text to %s: %q", number, got[h.seen[number]].Text)
	}
}

func (h *harness) account(name string) *store.Account {
	h.t.Helper()
	a, err := h.st.AccountByUsername(h.t.Context(), name)
	if err != nil {
		h.t.Fatalf("account %s: %v", name, err)
	}
	return a
}

func (h *harness) register(name, lang string) *store.Account {
	h.t.Helper()
	a, err := h.svc.Register(h.t.Context(), social.NewAccount{Username: name, Password: "password123", Language: lang})
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// waitFor polls cond for up to 5 s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	h.t.Fatalf("timed out waiting for %s", what)
}

const (
	sara = "+989120000001"
	omid = "+989120000002"
	lina = "+966500000003"
)

func TestJoinFollowPostAndSwitches(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true})
	ctx := t.Context()

	h.text(sara, "hello?")
	h.expect(sara, "JOIN")
	h.text(sara, "JOIN sara")
	h.expect(sara, "Welcome to sada, @sara!")
	h.text(omid, "عضویت omid") // Persian JOIN: a Persian welcome
	h.expect(omid, "به صدا خوش آمدید")
	if a := h.account("omid"); a.Language != "fa" {
		t.Errorf("omid's language = %q, want fa", a.Language)
	}
	h.text(sara, "JOIN again")
	h.expect(sara, "already has the account @sara")
	h.text(lina, "JOIN omid")
	h.expect(lina, "The name omid is taken")
	h.text(lina, "JOIN not-a-name")
	h.expect(lina, "A name has letters")

	// omid follows sara by text; sara posts in Arabic; omid gets it.
	h.text(omid, "FOLLOW sara")
	h.expect(omid, "You follow sara")
	h.text(sara, "مرحبا بالعالم من الهاتف")
	m := h.expect(omid, "sara: مرحبا بالعالم من الهاتف")
	if m.Coding != sms.UCS2 {
		t.Errorf("coding of an Arabic text = %v, want UCS2", m.Coding)
	}
	sts, err := h.svc.AccountStatuses(ctx, nil, h.account("sara").ID, store.StatusFilter{}, store.Page{Limit: 5})
	if err != nil || len(sts) != 1 || sts[0].Text != "مرحبا بالعالم من الهاتف" || sts[0].Language != "ar" {
		t.Fatalf("sara's statuses = %v, %v", sts, err)
	}
	h.expectNothing(sara, 50*time.Millisecond) // no text back for a post

	// English text goes as GSM 7-bit.
	h.text(sara, "Good morning")
	if m := h.expect(omid, "sara: Good morning"); m.Coding != sms.GSM7 {
		t.Errorf("coding = %v, want GSM7", m.Coding)
	}

	// OFF sara stops her posts; ON sara brings them back.
	h.text(omid, "OFF sara")
	h.expect(omid, "No more texts of posts by sara")
	h.text(sara, "not for omid")
	h.expectNothing(omid, 300*time.Millisecond)
	h.text(omid, "ON sara")
	h.expect(omid, "Posts by sara will come by text")
	h.text(sara, "for omid again")
	h.expect(omid, "sara: for omid again")

	// OFF stops everything, ON brings it back.
	h.text(omid, "OFF")
	h.expect(omid, "Texts are off")
	h.text(sara, "switched off")
	h.expectNothing(omid, 300*time.Millisecond)
	h.text(omid, "روشن")
	h.expect(omid, "پیامک\u200cها روشن است")

	// STOP: one confirmation, then nothing at all, replies included.
	h.text(omid, "STOP")
	h.expect(omid, "no more texts from sada")
	h.text(sara, "after stop")
	h.text(omid, "HELP")
	h.expectNothing(omid, 300*time.Millisecond)
	h.text(omid, "START")
	h.expect(omid, "on again")
	h.text(sara, "after start")
	h.expect(omid, "sara: after start")

	// LEAVE unfollows and unsubscribes.
	h.text(omid, "LEAVE sara")
	h.expect(omid, "You no longer follow sara")
	h.text(sara, "after leave")
	h.expectNothing(omid, 300*time.Millisecond)
	if rels, _ := h.st.Relationships(ctx, h.account("omid").ID, []int64{h.account("sara").ID}); rels[0].Following {
		t.Error("omid still follows sara after LEAVE")
	}
}

func TestCommands(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true})
	ctx := t.Context()
	h.text(sara, "JOIN sara")
	h.expect(sara, "Welcome")
	bob := h.register("bob", "en")
	if _, err := h.svc.UpdateProfile(ctx, bob, social.Profile{DisplayName: ptr("Bob B"), Note: ptr("Radio and bicycles.")}); err != nil {
		t.Fatal(err)
	}
	bobPost, err := h.svc.Post(ctx, bob, social.PostInput{Text: "Bob's first post"})
	if err != nil {
		t.Fatal(err)
	}

	h.text(sara, "SUBSCRIBE")
	h.expect(sara, "Unknown command SUBSCRIBE")
	h.text(sara, "FOLLOW")
	h.expect(sara, "Write it as: FOLLOW name")
	h.text(sara, "تابع")
	h.expect(sara, "اكتبها هكذا: تابع اسم")
	h.text(sara, "FOLLOW nobody")
	h.expect(sara, "No one is called nobody here")
	h.text(sara, "FOLLOW sara")
	h.expect(sara, "That is you")

	h.text(sara, "GET bob")
	h.expect(sara, "bob: Bob's first post")
	h.text(sara, "WHOIS bob")
	h.expect(sara, "@bob (Bob B): Radio and bicycles. Posts 1, following 0, followers 0.")
	h.text(sara, "FAV bob")
	h.expect(sara, "Liked the latest post by bob")
	h.text(sara, "RT bob")
	h.expect(sara, "Reposted the latest post by bob")
	if st, _ := h.st.StatusByID(ctx, bobPost.ID); st.FavouritesCount != 1 || st.ReblogsCount != 1 {
		t.Errorf("bob's post: %d favourites, %d reposts; want 1 and 1", st.FavouritesCount, st.ReblogsCount)
	}

	// A reply to bob's latest post, and a direct message.
	h.text(sara, "@bob nice one")
	h.text(sara, "D bob just between us")
	h.waitFor("the reply and the direct post", func() bool {
		a := h.account("sara")
		return a.StatusesCount == 3 // the repost, the reply, the direct post
	})
	sts, _ := h.st.AccountStatuses(ctx, h.account("sara").ID, store.StatusFilter{}, store.Page{Limit: 5})
	var reply, direct *store.Status
	for _, s := range sts {
		switch {
		case s.InReplyToID == bobPost.ID:
			reply = s
		case s.Visibility == store.Direct:
			direct = s
		}
	}
	if reply == nil || reply.Text != "@bob nice one" {
		t.Errorf("reply = %+v", reply)
	}
	if direct == nil || direct.Text != "@bob just between us" || len(direct.MentionIDs) != 1 || direct.MentionIDs[0] != bob.ID {
		t.Errorf("direct = %+v", direct)
	}

	// Over the limit: the reply says so and nothing is posted.
	h.text(sara, strings.Repeat("x", 141))
	h.expect(sara, "Not posted: your text is 141 characters; the limit is 140.")
	h.text(sara, strings.Repeat("س", 150))
	h.expect(sara, "لم يُنشر: نصك 150 حرفًا والحد 140.")
	if a := h.account("sara"); a.StatusesCount != 3 {
		t.Errorf("statuses after refused posts = %d, want 3", a.StatusesCount)
	}

	// HELP in the sender's language.
	h.text(sara, "HELP")
	h.expect(sara, "any text is a post")
	h.text(sara, "مساعدة")
	h.expect(sara, "أي نص يُنشر")
	h.text(sara, "راهنما")
	h.expect(sara, "هر متنی منتشر می\u200cشود")

	// PASSWORD texts a password that signs in, and is not kept in the outbox.
	h.text(sara, "PASSWORD")
	m := h.expect(sara, "Your sada password: ")
	pw := strings.TrimSuffix(strings.Fields(m.Text)[3], ".")
	if _, err := h.svc.Authenticate(ctx, "sara", pw); err != nil {
		t.Errorf("sign in with the texted password %q: %v", pw, err)
	}
	h.waitFor("the password to leave the outbox", func() bool {
		o, err := h.st.OutboxSMSByID(ctx, m.ID)
		return err == nil && o.State == store.OutboxSent && o.Text == ""
	})

	// A mention reaches sara's phone even without a subscription.
	if _, err := h.svc.Post(ctx, bob, social.PostInput{Text: "@sara thanks!"}); err != nil {
		t.Fatal(err)
	}
	h.expect(sara, "bob: @sara thanks!")
	if _, err := h.svc.Post(ctx, bob, social.PostInput{Text: "@sara secret", Visibility: store.Direct}); err != nil {
		t.Fatal(err)
	}
	h.expect(sara, "bob: @sara secret")
	// A post not mentioning her does not.
	if _, err := h.svc.Post(ctx, bob, social.PostInput{Text: "to everyone"}); err != nil {
		t.Fatal(err)
	}
	h.expectNothing(sara, 300*time.Millisecond)
}

func ptr[T any](v T) *T { return &v }

func TestPrivatePostsAndLockedAccounts(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true})
	ctx := t.Context()
	h.text(sara, "JOIN sara")
	h.expect(sara, "Welcome")
	kim := h.register("kim", "en")
	locked := true
	if _, err := h.svc.UpdateProfile(ctx, kim, social.Profile{Locked: &locked}); err != nil {
		t.Fatal(err)
	}
	h.text(sara, "FOLLOW kim")
	h.expect(sara, "kim approves followers")
	kim = h.account("kim")
	if _, err := h.svc.Post(ctx, kim, social.PostInput{Text: "followers only", Visibility: store.Private}); err != nil {
		t.Fatal(err)
	}
	h.expectNothing(sara, 300*time.Millisecond) // not yet accepted
	if _, err := h.svc.AnswerRequest(ctx, kim, h.account("sara").ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.Post(ctx, kim, social.PostInput{Text: "welcome in", Visibility: store.Private}); err != nil {
		t.Fatal(err)
	}
	h.expect(sara, "kim: welcome in")
}

func TestLinkFromTheWeb(t *testing.T) {
	h := newHarness(t, sms.Options{})
	ctx := t.Context()
	ana := h.register("ana", "fa")
	bob := h.register("bob", "en")

	if _, err := h.sms.StartLink(ctx, ana, "12"); !errors.Is(err, social.ErrInvalid) {
		t.Errorf("StartLink(bad number) = %v, want ErrInvalid", err)
	}
	number, err := h.sms.StartLink(ctx, ana, "+98 912 000 0001")
	if err != nil || number != sara {
		t.Fatalf("StartLink = %q, %v", number, err)
	}
	if _, err := h.sms.StartLink(ctx, ana, sara); !errors.Is(err, social.ErrInvalid) {
		t.Errorf("StartLink again at once = %v, want ErrInvalid (wait a minute)", err)
	}
	if got, _ := h.sms.PendingNumber(ctx, ana); got != sara {
		t.Errorf("PendingNumber = %q", got)
	}
	m := h.expect(sara, "کد صدا: ")
	code := strings.TrimSuffix(strings.Fields(m.Text)[2], ".")
	if _, err := h.sms.ConfirmLink(ctx, ana, "000000"); !errors.Is(err, social.ErrInvalid) {
		t.Errorf("ConfirmLink(wrong) = %v, want ErrInvalid", err)
	}
	p, err := h.sms.ConfirmLink(ctx, ana, code)
	if err != nil || p.Number != sara {
		t.Fatalf("ConfirmLink = %+v, %v", p, err)
	}
	if got, err := h.sms.Phone(ctx, ana); err != nil || got.Number != sara {
		t.Errorf("Phone = %+v, %v", got, err)
	}
	// The number is taken now.
	if _, err := h.sms.StartLink(ctx, bob, sara); !errors.Is(err, social.ErrForbidden) {
		t.Errorf("StartLink(someone else's number) = %v, want ErrForbidden", err)
	}
	// Texts from the number act as ana.
	h.text(sara, "سلام از تلفن")
	h.waitFor("ana's post", func() bool { return h.account("ana").StatusesCount == 1 })

	// Unlink is one click, and twice is fine.
	if err := h.sms.Unlink(ctx, ana); err != nil {
		t.Fatal(err)
	}
	if err := h.sms.Unlink(ctx, ana); err != nil {
		t.Errorf("Unlink twice: %v", err)
	}
	if _, err := h.sms.Phone(ctx, ana); !errors.Is(err, social.ErrNotFound) {
		t.Errorf("Phone after Unlink = %v, want ErrNotFound", err)
	}

	// The code texted back from the number links it too.
	if _, err := h.sms.StartLink(ctx, bob, "+989120000001"); err != nil {
		t.Fatal(err)
	}
	m = h.expect(sara, "Your sada code: ")
	code = strings.TrimSuffix(strings.Fields(m.Text)[3], ".")
	h.text(sara, "123")
	h.expect(sara, "no sada account") // not a code: the number is unknown
	h.text(sara, "000000")
	h.expect(sara, "That code is wrong")
	h.text(sara, toPersianDigits(code))
	h.expect(sara, "This number is now linked to @bob.")
	if p, err := h.sms.Phone(ctx, bob); err != nil || p.Number != sara {
		t.Errorf("bob's phone = %+v, %v", p, err)
	}
	// Code messages are not kept once sent.
	h.waitFor("the code to leave the outbox", func() bool {
		o, err := h.st.OutboxSMSByID(ctx, m.ID)
		return err == nil && o.Text == ""
	})
}

func toPersianDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '۰' + r - '0'
		}
		return r
	}, s)
}

func TestJoinLimitsAndClosed(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true, JoinsPerHour: 1})
	h.text(sara, "JOIN sara")
	h.expect(sara, "Welcome")
	h.text(omid, "JOIN omid")
	h.expect(omid, "Too many new accounts")

	closed := newHarness(t, sms.Options{JoinOpen: false})
	closed.text(sara, "JOIN sara")
	closed.expect(sara, "Sign-up is closed")

	// Five tries an hour per number.
	busy := newHarness(t, sms.Options{JoinOpen: true})
	for range 5 {
		busy.text(lina, "JOIN 9-bad")
		busy.expect(lina, "A name has letters")
	}
	busy.text(lina, "JOIN lina")
	busy.expect(lina, "Too many new accounts")
}

func TestRetriedDeliveryIsHandledOnce(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true})
	in := sms.Inbound{GatewayID: "same-id", From: sara, Text: "JOIN sara"}
	if err := h.sms.Receive(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	if err := h.sms.Receive(t.Context(), in); !errors.Is(err, sms.ErrDuplicate) {
		t.Fatalf("second Receive = %v, want ErrDuplicate", err)
	}
	h.expect(sara, "Welcome")
	h.expectNothing(sara, 300*time.Millisecond)
	if err := h.sms.Receive(t.Context(), sms.Inbound{GatewayID: "x", From: "SADA-INFO", Text: "hi"}); !errors.Is(err, sms.ErrBadNumber) {
		t.Errorf("Receive from a name = %v, want ErrBadNumber", err)
	}
}

func TestRateLimitAndDailyCap(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true, Rate: 2, RateWindow: time.Second, DailyCap: 5})
	h.text(sara, "JOIN sara") // 1 part
	h.expect(sara, "Welcome")
	start := time.Now()
	for range 3 {
		h.text(sara, "HELP") // 2 parts each
	}
	h.expect(sara, "sada:")
	h.expect(sara, "sada:")
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("two HELPs of 2 parts within %v: the rate of 2 parts a second was not kept", d)
	}
	// 1 + 2 + 2 = 5 parts: the cap is reached, the third HELP is dropped.
	h.expectNothing(sara, 1500*time.Millisecond)
}

func TestGatewayDownThenUp(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true, RetryMax: 200 * time.Millisecond})
	var tries atomic.Int64
	h.net.SetFail(func(sms.Outgoing) error { tries.Add(1); return sms.ErrUnavailable })
	h.text(sara, "JOIN sara")
	h.text(omid, "HELP")
	h.waitFor("a few tries", func() bool { return tries.Load() >= 3 })
	h.net.SetFail(nil)
	// Both arrive, in order, once.
	h.expect(sara, "Welcome")
	h.expect(omid, "JOIN")
	h.expectNothing(sara, 300*time.Millisecond)
	h.expectNothing(omid, 0)
}

func TestUncertainHandOverWaitsForReport(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true, ResendAfter: 500 * time.Millisecond})
	ctx := t.Context()
	var first atomic.Bool
	var id atomic.Int64
	// The first hand-over times out, but the gateway got it.
	h.net.SetFail(func(m sms.Outgoing) error {
		if first.CompareAndSwap(false, true) {
			id.Store(m.ID)
			return fmt.Errorf("read: %w", sms.ErrUncertain)
		}
		return nil
	})
	h.text(sara, "JOIN sara")
	h.waitFor("the uncertain hand-over", func() bool { return id.Load() != 0 })
	h.waitFor("the unknown state", func() bool {
		o, err := h.st.OutboxSMSByID(ctx, id.Load())
		return err == nil && o.State == store.OutboxUnknown
	})
	// The SMSC's acknowledgement settles it: it is not sent again.
	if err := h.sms.Report(ctx, id.Load(), sms.DLRSMSCAccept, "ACK/"); err != nil {
		t.Fatal(err)
	}
	h.expectNothing(sara, time.Second)
	if err := h.sms.Report(ctx, id.Load(), sms.DLRDelivered, ""); err != nil {
		t.Fatal(err)
	}
	if o, _ := h.st.OutboxSMSByID(ctx, id.Load()); o.State != store.OutboxDelivered {
		t.Errorf("state after the delivery report = %s", o.State)
	}
	// A second report changes nothing; an unknown id is ErrBadReport.
	if err := h.sms.Report(ctx, id.Load(), sms.DLRFailed, ""); err != nil {
		t.Fatal(err)
	}
	if o, _ := h.st.OutboxSMSByID(ctx, id.Load()); o.State != store.OutboxDelivered {
		t.Errorf("state after a late failure report = %s", o.State)
	}
	if err := h.sms.Report(ctx, 42, sms.DLRDelivered, ""); !errors.Is(err, sms.ErrBadReport) {
		t.Errorf("Report(unknown id) = %v, want ErrBadReport", err)
	}

	// Without a report, it is sent again after ResendAfter.
	first.Store(false)
	id.Store(0)
	h.text(sara, "HELP")
	h.waitFor("the uncertain hand-over", func() bool { return id.Load() != 0 })
	m := h.expect(sara, "sada:")
	if m.ID != id.Load() {
		t.Errorf("resent message id %d, want %d", m.ID, id.Load())
	}
}

func TestRejectedMessageFails(t *testing.T) {
	h := newHarness(t, sms.Options{JoinOpen: true})
	var tries atomic.Int64
	h.net.SetFail(func(sms.Outgoing) error { tries.Add(1); return fmt.Errorf("400: %w", sms.ErrRejected) })
	h.text(sara, "HELP")
	h.waitFor("the refusal", func() bool { return tries.Load() == 1 })
	h.net.SetFail(nil)
	h.expectNothing(sara, 300*time.Millisecond) // failed for good: not retried
	if n := tries.Load(); n != 1 {
		t.Errorf("tries = %d, want 1", n)
	}
}
