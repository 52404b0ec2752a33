// Package sms lets people use sada from any mobile phone: they post, follow
// and get the posts they follow by text message, through an SMS gateway
// (Kannel, in package sms/kannel).
//
// Three workers run inside Service.Run (with an hourly purge of old
// messages), each durable through the store:
//   - inbound: every received message is stored first (Receive, keyed by
//     the gateway's id so a retried delivery is handled once), then parsed
//     (Parse) and acted on through package social, which holds every rule
//     about posting, following and seeing; the replies are enqueued in the
//     same transaction that marks the message handled.
//   - fan-out: each new post is turned into outgoing messages for the
//     phones that should get it (subscribers, mentioned accounts), each
//     with a key that makes a second run a no-op.
//   - outbox: queued messages are handed to the gateway (Sender) one by
//     one, within each number's rate limit and daily cap, retried with
//     backoff while the gateway is unreachable, and settled by its delivery
//     reports (Report).
//
// Nothing is sent unless the store recorded it first, and a message whose
// hand-over may or may not have reached the gateway (a timeout, a crash
// mid-send) waits for a delivery report before it is sent again.
package sms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// Outgoing is one message for the gateway.
type Outgoing struct {
	ID     int64 // the outbox id; delivery reports carry it back
	To     string
	Text   string
	Coding Coding
}

// Sender hands messages to the SMS gateway. Send returns nil once the
// gateway has accepted the message, or an error that wraps one of
// ErrRejected, ErrUnavailable and ErrUncertain, which decide what the
// outbox does next.
type Sender interface {
	Send(ctx context.Context, m Outgoing) error
}

// What a failed hand-over means.
var (
	// ErrRejected: the gateway refused this message for good (bad number,
	// bad parameters); it is marked failed.
	ErrRejected = errors.New("the gateway refused the message")
	// ErrUnavailable: the gateway did not take it (unreachable, overloaded,
	// misconfigured); it is retried with backoff.
	ErrUnavailable = errors.New("the gateway is unavailable")
	// ErrUncertain: the request may have reached the gateway (a timeout, a
	// connection lost mid-answer); the message waits for a delivery report
	// and is sent again only if none comes within ResendAfter.
	ErrUncertain = errors.New("the gateway may or may not have the message")
)

// Options are the SMS settings; zero values take the defaults noted.
// cmd/sada fills them from config.SMSSettings.
type Options struct {
	// Domain is our own host, so "@name@domain" names a local account.
	Domain string
	// BaseURL is the web address replies point to.
	BaseURL string
	// JoinOpen lets unknown numbers make accounts with JOIN (closed
	// registrations close it too).
	JoinOpen bool
	// Rate limits the SMS parts sent to one number in each RateWindow (a
	// minute by default); a message over the limit waits. 0: no limit.
	Rate       int
	RateWindow time.Duration
	// DailyCap bounds the parts sent to one number in 24 hours; messages
	// over it are dropped, as they would only pile up. 0: no cap.
	DailyCap int
	// MaxParts is the longest message in parts (4 by default); longer
	// texts are cut with an ellipsis. The gateway must allow at least as
	// many (Kannel's max-messages on the sendsms-user).
	MaxParts int
	// JoinsPerHour bounds accounts made by JOIN across all numbers (20 an
	// hour by default); each number may try JOIN 5 times an hour.
	JoinsPerHour int
	// RetryMax is the longest wait between tries while the gateway is
	// unreachable (1 minute by default); waits double from a second.
	RetryMax time.Duration
	// ResendAfter is how long a message whose hand-over is in doubt waits
	// for a delivery report before it is sent again (10 minutes by default).
	ResendAfter time.Duration
	// MaxAge is how long an unsent message is kept trying (24 hours by
	// default); then it fails as expired.
	MaxAge time.Duration
	// Now is the clock (time.Now by default).
	Now func() time.Time
}

func (o *Options) defaults() {
	if o.RateWindow == 0 {
		o.RateWindow = time.Minute
	}
	if o.MaxParts == 0 {
		o.MaxParts = 4
	}
	if o.JoinsPerHour == 0 {
		o.JoinsPerHour = 20
	}
	if o.RetryMax == 0 {
		o.RetryMax = time.Minute
	}
	if o.ResendAfter == 0 {
		o.ResendAfter = 10 * time.Minute
	}
	if o.MaxAge == 0 {
		o.MaxAge = 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Service is SMS for one sada instance. Make it with New, start its
// workers with Run, and give it to social.Service's publishers so that new
// posts reach phones.
type Service struct {
	store  store.Store
	social *social.Service
	sender Sender
	log    *slog.Logger
	opt    Options

	// Nudges wake a worker early; each holds at most one.
	inboundWake, outboxWake, fanoutWake chan struct{}
	// posted carries new status ids from Publish to the fan-out worker; a
	// full channel drops them and the fan-out's sweep picks them up.
	posted chan int64

	joinMu       sync.Mutex
	joinAttempts map[string][]time.Time // per number, within the last hour
}

// New returns a Service; nothing runs until Run.
func New(st store.Store, svc *social.Service, sender Sender, log *slog.Logger, opt Options) *Service {
	opt.defaults()
	return &Service{
		store: st, social: svc, sender: sender, log: log, opt: opt,
		inboundWake:  make(chan struct{}, 1),
		outboxWake:   make(chan struct{}, 1),
		fanoutWake:   make(chan struct{}, 1),
		posted:       make(chan int64, 1024),
		joinAttempts: map[string][]time.Time{},
	}
}

// Run runs the inbound, fan-out and outbox workers until ctx is done, and
// returns once they have all stopped. Only one process may run them at a
// time (during a hot upgrade, the new one starts them when the old is gone).
func (s *Service) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, worker := range []func(context.Context){s.runInbound, s.runFanOut, s.runOutbox, s.runPurge} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx)
		}()
	}
	wg.Wait()
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// sleep waits d, or less when woken or when ctx ends; it reports false
// when ctx ended.
func sleep(ctx context.Context, d time.Duration, woken <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-woken:
	case <-t.C:
	}
	return true
}

// runPurge forgets handled messages after a week: long after any gateway
// retry, and long enough to look into a complaint.
func (s *Service) runPurge(ctx context.Context) {
	for sleep(ctx, time.Hour, nil) {
		n, err := s.store.PurgeSMS(ctx, s.opt.Now().Add(-7*24*time.Hour))
		if err != nil && ctx.Err() == nil {
			s.log.Error("sms: purge", "err", err)
		} else if n > 0 {
			s.log.Info("sms: purged old messages", "rows", n)
		}
	}
}

// Inbound is a message as the gateway hands it over.
type Inbound struct {
	GatewayID string // the gateway's id for it, the same across its retries
	From      string // the sender's number
	To        string // our number, as the network gave it
	Text      string
	SentAt    time.Time // zero when unknown
}

// ErrDuplicate is returned by Receive for a message already received.
var ErrDuplicate = errors.New("message already received")

// Receive stores an incoming message and wakes the inbound worker; it
// returns as soon as the message is safe, before it is acted on. A message
// received before (the gateway retrying) is ErrDuplicate, which the
// gateway should be told is fine.
func (s *Service) Receive(ctx context.Context, in Inbound) error {
	from, err := NormalizeNumber(in.From)
	if err != nil {
		return fmt.Errorf("sender %q: %w", in.From, err)
	}
	if in.GatewayID == "" {
		return errors.New("message without a gateway id")
	}
	m := &store.InboundSMS{
		ID: id.New(), GatewayID: in.GatewayID, Sender: from, Receiver: in.To,
		Text: in.Text, SentAt: in.SentAt, ReceivedAt: s.opt.Now(),
	}
	if err := s.store.SaveInboundSMS(ctx, m); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return ErrDuplicate
		}
		return fmt.Errorf("receive sms: %w", err)
	}
	wake(s.inboundWake)
	return nil
}

// Publish hears about new posts from package social (it is a
// social.Publisher) and hands them to the fan-out worker without blocking.
func (s *Service) Publish(e social.Event) {
	if e.Kind != "update" || e.Status == nil || e.Status.ReblogOfID != 0 {
		return
	}
	select {
	case s.posted <- e.Status.ID:
	default: // the sweep will find it
	}
}

// randomString returns n characters drawn uniformly from alphabet.
func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
