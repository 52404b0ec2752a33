package kannel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/sms/kannel"
	"github.com/sada-project/sada/internal/sms/kannel/kanneltest"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// These tests run sada against a real Kannel (bearerbox and smsbox from
// Debian's kannel package) whose SMSC is the fake one, with the phone
// network played by kanneltest.Network. They skip when Kannel is not
// installed, unless SADA_REQUIRE_KANNEL=1.

const (
	secret    = "e2e-secret-0123456789"
	shortCode = "7722"
	saraPhone = "+989121111111"
	omidPhone = "+989122222222"
)

// site is sada with SMS through a real Kannel: the API and Kannel's
// callbacks on one HTTP server.
type site struct {
	t   *testing.T
	ts  *httptest.Server
	st  *sqlite.Store
	svc *social.Service
	sms *sms.Service
	gw  *kanneltest.Gateway
	// handed records every outbox id handed to Kannel.
	handed *recorder
}

type recorder struct {
	sms.Sender
	mu  sync.Mutex
	ids map[int64]int
}

func (r *recorder) Send(ctx context.Context, m sms.Outgoing) error {
	r.mu.Lock()
	r.ids[m.ID]++
	r.mu.Unlock()
	return r.Sender.Send(ctx, m)
}

func (r *recorder) counts() map[int64]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[int64]int{}
	for id, n := range r.ids {
		out[id] = n
	}
	return out
}

func (r *recorder) handedIDs() []int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int64
	for id := range r.ids {
		out = append(out, id)
	}
	return out
}

func startSite(t *testing.T, gwOpt kanneltest.Options, opt sms.Options) *site {
	t.Helper()
	kanneltest.Need(t)
	dir := t.TempDir()
	st, err := sqlite.Open(t.Context(), filepath.Join(dir, "sada.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	ts := httptest.NewServer(mux)
	cfg := config.Default()
	cfg.DataDir, cfg.Sync = dir, "NORMAL"
	cfg.Addr = strings.TrimPrefix(ts.URL, "http://")
	cfg.Domain = cfg.Addr
	svc := social.New(st, cfg.Domain)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	mastoapi.New(cfg, st, svc, log).Routes(mux)

	gwOpt.IncomingURL = ts.URL + kannel.IncomingPath + "?secret=" + secret
	gwOpt.Number = shortCode
	gw := kanneltest.Start(t, gwOpt)

	client, err := kannel.NewClient(kannel.ClientConfig{
		SendURL: gw.SendURL, Username: gw.User, Password: gw.Password, From: shortCode,
		ReportURL: ts.URL + kannel.ReportPath, Secret: secret, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{Sender: client, ids: map[int64]int{}}
	opt.Domain, opt.BaseURL, opt.JoinOpen = cfg.Domain, cfg.BaseURL(), true
	texts := sms.New(st, svc, rec, log, opt)
	allow, _ := kannel.ParseAllow("127.0.0.1, ::1")
	kannel.NewHandler(texts, secret, allow, log).Routes(mux)
	svc.Events = social.With(svc.Events, texts)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { texts.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		ts.Close()
		st.Close()
	})
	return &site{t: t, ts: ts, st: st, svc: svc, sms: texts, gw: gw, handed: rec}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// text sends from a phone.
func (s *site) text(from, text string) {
	s.t.Helper()
	if err := s.gw.Net.Send(from, text); err != nil {
		s.t.Fatalf("phone %s: %v", from, err)
	}
}

// expect waits for the n-th message (counting from 1) to reach number and
// checks that it contains want.
func (s *site) expect(number string, n int, want string) kanneltest.Message {
	s.t.Helper()
	msgs, ok := s.gw.Net.Wait(number, 20*time.Second, func(ms []kanneltest.Message) bool { return len(ms) >= n })
	if !ok {
		s.t.Fatalf("phone %s got %d messages, want a %d-th containing %q: %v", number, len(msgs), n, want, msgs)
	}
	m := msgs[n-1]
	if !strings.Contains(m.Text, want) {
		s.t.Fatalf("message %d to %s = %q, want it to contain %q", n, number, m.Text, want)
	}
	if m.From != shortCode {
		s.t.Errorf("message %d to %s comes from %q, want %s", n, number, m.From, shortCode)
	}
	return m
}

// expectCount checks that number has exactly n messages after waiting d.
func (s *site) expectCount(number string, n int, d time.Duration) {
	s.t.Helper()
	time.Sleep(d)
	if got := s.gw.Net.Inbox(number); len(got) != n {
		s.t.Fatalf("phone %s has %d messages, want %d: %v", number, len(got), n, got)
	}
}

func TestKannelEndToEnd(t *testing.T) {
	s := startSite(t, kanneltest.Options{}, sms.Options{})

	// An unknown phone joins; a second joins in Persian and follows it.
	s.text(saraPhone, "JOIN sara")
	s.expect(saraPhone, 1, "Welcome to sada, @sara!")
	s.text(omidPhone, "عضویت omid")
	welcome := s.expect(omidPhone, 1, "به صدا خوش آمدید، \u200e@omid!")
	if !welcome.UCS2 || welcome.Parts < 2 {
		t.Errorf("Persian welcome: UCS-2 %v in %d parts; want UCS-2, concatenated", welcome.UCS2, welcome.Parts)
	}
	s.text(omidPhone, "FOLLOW sara")
	s.expect(omidPhone, 2, "You follow sara")

	// sara posts in Arabic by SMS; omid's phone gets it intact.
	arabic := "مرحبا من الهاتف! هذا منشور عربي عبر الرسائل القصيرة"
	s.text(saraPhone, arabic)
	got := s.expect(omidPhone, 3, "sara: "+arabic)
	if got.Text != "sara: "+arabic || !got.UCS2 {
		t.Errorf("omid got %q (UCS-2 %v)", got.Text, got.UCS2)
	}

	// Web and SMS agree: the post is on the public timeline of the API.
	var timeline []struct {
		Content string `json:"content"`
		Account struct {
			Username string `json:"username"`
		} `json:"account"`
	}
	resp, err := http.Get(s.ts.URL + "/api/v1/timelines/public")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&timeline)
	resp.Body.Close()
	if err != nil || len(timeline) == 0 || timeline[0].Account.Username != "sara" || !strings.Contains(timeline[0].Content, arabic) {
		t.Fatalf("public timeline = %+v, %v; want sara's Arabic post first", timeline, err)
	}

	// A 140-character Persian post reaches omid as one text of three parts.
	persian := persian140()
	s.text(saraPhone, persian)
	long := s.expect(omidPhone, 4, "sara: "+persian)
	if long.Parts != 3 || long.Text != "sara: "+persian {
		t.Errorf("140-character Persian post: %d parts, text %q; want 3 parts, intact", long.Parts, long.Text)
	}

	// OFF stops the texts, ON brings them back.
	s.text(omidPhone, "OFF")
	s.expect(omidPhone, 5, "Texts are off")
	s.text(saraPhone, "Nobody should get this")
	s.expectCount(omidPhone, 5, 2*time.Second)
	s.text(omidPhone, "ON")
	s.expect(omidPhone, 6, "Texts are on")
	s.text(saraPhone, "Back on")
	s.expect(omidPhone, 7, "sara: Back on")

	// STOP: a confirmation, then silence, even for HELP, until START.
	s.text(omidPhone, "STOP")
	s.expect(omidPhone, 8, "no more texts from sada")
	s.text(saraPhone, "After the stop")
	s.text(omidPhone, "HELP")
	s.expectCount(omidPhone, 8, 2*time.Second)
	s.text(omidPhone, "START")
	s.expect(omidPhone, 9, "on again")

	// A bad command gets its reply, and nothing changes.
	s.text(saraPhone, "FOLOW")
	s.expect(saraPhone, 2, "Unknown command FOLOW")
	s.text(saraPhone, "FOLLOW nobody")
	s.expect(saraPhone, 3, "No one is called nobody here")

	// Every message handed to Kannel ends delivered, by its reports.
	s.waitDelivered(10 * time.Second)
}

// persian140 is a Persian post of exactly 140 characters.
func persian140() string {
	r := []rune(strings.Repeat("امروز هوا آفتابی است و ", 10))
	return string(r[:140])
}

// waitDelivered waits until every message handed to Kannel is delivered.
func (s *site) waitDelivered(d time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(d)
	for {
		var open []string
		for _, id := range s.handed.handedIDs() {
			m, err := s.st.OutboxSMSByID(s.t.Context(), id)
			if err != nil {
				s.t.Fatal(err)
			}
			if m.State != store.OutboxDelivered {
				open = append(open, fmt.Sprintf("%d:%s(%s)", m.ID, m.State, m.Error))
			}
		}
		if len(open) == 0 {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("messages not delivered after %v: %v", d, open)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestKannelRestart stops bearerbox while posts are being delivered,
// starts it again, and checks that every post reaches the phone exactly
// once.
func TestKannelRestart(t *testing.T) {
	s := startSite(t, kanneltest.Options{Throughput: 10}, sms.Options{RetryMax: time.Second, ResendAfter: 20 * time.Second})
	ctx := t.Context()
	s.text(saraPhone, "JOIN sara")
	s.expect(saraPhone, 1, "Welcome")
	s.text(omidPhone, "JOIN omid")
	s.expect(omidPhone, 1, "Welcome")
	s.text(omidPhone, "FOLLOW sara")
	s.expect(omidPhone, 2, "You follow sara")
	sara, err := s.st.AccountByUsername(ctx, "sara")
	if err != nil {
		t.Fatal(err)
	}

	const before, during = 30, 10
	post := func(i int) {
		if _, err := s.svc.Post(ctx, sara, social.PostInput{Text: fmt.Sprintf("post %02d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range before {
		post(i)
	}
	// At 10 a second, stop bearerbox a few messages in.
	s.gw.Net.Wait(omidPhone, 20*time.Second, func(ms []kanneltest.Message) bool { return len(ms) >= 2+5 })
	s.gw.StopBearerbox()
	for i := before; i < before+during; i++ {
		post(i) // queued in sada's outbox while Kannel is down
	}
	time.Sleep(2 * time.Second)
	s.gw.StartBearerbox()

	want := 2 + before + during
	msgs, ok := s.gw.Net.Wait(omidPhone, 60*time.Second, func(ms []kanneltest.Message) bool {
		return len(ms) >= want
	})
	if !ok {
		t.Errorf("omid got %d messages, want %d", len(msgs), want)
	}
	// Give a duplicate time to show up.
	time.Sleep(3 * time.Second)
	seen := map[string]int{}
	for _, m := range s.gw.Net.Inbox(omidPhone)[2:] {
		seen[m.Text]++
	}
	for i := range before + during {
		text := fmt.Sprintf("sara: post %02d", i)
		if n := seen[text]; n != 1 {
			t.Errorf("%q arrived %d times, want once", text, n)
		}
		delete(seen, text)
	}
	for text, n := range seen {
		t.Errorf("unexpected message %q (%d times)", text, n)
	}
	s.waitDelivered(30 * time.Second)
	for id, n := range s.handed.counts() {
		if n > 1 {
			m, _ := s.st.OutboxSMSByID(ctx, id)
			t.Logf("tried %d times (Kannel unreachable, or a hand-over in doubt resent after no report): %q", n, m.Text)
		}
	}
}
