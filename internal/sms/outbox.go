package sms

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// claimBatch is how many messages the worker takes at a time.
const claimBatch = 10

// runOutbox hands queued messages to the gateway, oldest first. While the
// gateway is unreachable it waits 1 s, 2 s, 4 s ... up to RetryMax between
// tries, and the messages keep their place in the queue, so that each
// phone still gets them in order.
func (s *Service) runOutbox(ctx context.Context) {
	failures := 0
	var recovered time.Time
	for {
		if now := s.opt.Now(); now.Sub(recovered) >= staleClaim/2 {
			s.recover(ctx, now)
			recovered = now
		}
		if failures > 0 {
			if !sleep(ctx, backoff(failures, s.opt.RetryMax), nil) {
				return
			}
		}
		batch, err := s.store.ClaimSMS(ctx, s.opt.Now(), claimBatch)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("sms: claim outgoing", "err", err)
			if !sleep(ctx, 5*time.Second, nil) {
				return
			}
			continue
		}
		if len(batch) == 0 {
			if !sleep(ctx, time.Second, s.outboxWake) {
				return
			}
			continue
		}
		for i, m := range batch {
			if s.deliver(ctx, m) {
				failures = 0
				continue
			}
			failures++
			if failures == 1 || failures%10 == 0 {
				s.log.Warn("sms: gateway unavailable; retrying", "failures", failures, "next_try_in", backoff(failures, s.opt.RetryMax))
			}
			for _, rest := range batch[i+1:] { // not tried: back in the queue as they were
				s.update(ctx, rest, store.OutboxUpdate{To: store.OutboxQueued, NextAt: rest.NextAt, Error: rest.Error})
			}
			break
		}
	}
}

// staleClaim is how long after its claim a message still sending must
// have been left by a process that stopped: a live worker finishes a
// hand-over within the client's timeout (10 s).
const staleClaim = time.Minute

// recover turns stale claims into messages whose hand-over is in doubt.
func (s *Service) recover(ctx context.Context, now time.Time) {
	n, err := s.store.RecoverSMS(ctx, now.Add(-staleClaim), now.Add(s.opt.ResendAfter))
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("sms: recover interrupted sends", "err", err)
		}
		return
	}
	if n > 0 {
		s.log.Warn("sms: messages were being sent when a process stopped; they wait for delivery reports before being sent again",
			"messages", n, "resend_after", s.opt.ResendAfter)
	}
}

// backoff is the wait after n failures in a row: 1 s doubling to max,
// give or take a tenth so that many senders do not retry in step.
func backoff(n int, max time.Duration) time.Duration {
	d := max
	if n < 30 {
		d = min(max, time.Second<<(n-1))
	}
	return d + time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
}

// deliver applies the number's limits to m and hands it to the gateway.
// It reports false when the gateway was unavailable, true otherwise.
func (s *Service) deliver(ctx context.Context, m *store.OutboxSMS) bool {
	now := s.opt.Now()
	if now.Sub(m.CreatedAt) > s.opt.MaxAge {
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxFailed, Error: "expired before the gateway took it"})
		return true
	}
	if !m.BypassStop {
		stopped, err := s.store.SMSStopped(ctx, m.Number)
		if err != nil {
			return s.retryLater(ctx, m, err)
		}
		if stopped {
			s.update(ctx, m, store.OutboxUpdate{To: store.OutboxDropped, Error: "the number said STOP"})
			return true
		}
		// A message over the rate limit waits; one over the daily cap is
		// dropped. A single message longer than the limit still goes when
		// nothing else went lately, or it would never go.
		if s.opt.Rate > 0 {
			sent, err := s.store.SMSPartsSent(ctx, m.Number, now.Add(-s.opt.RateWindow))
			if err != nil {
				return s.retryLater(ctx, m, err)
			}
			if sent > 0 && sent+m.Parts > s.opt.Rate {
				next := now.Add(s.opt.RateWindow / time.Duration(s.opt.Rate))
				s.update(ctx, m, store.OutboxUpdate{To: store.OutboxQueued, NextAt: next, Error: "rate limit of the number"})
				return true
			}
		}
		if s.opt.DailyCap > 0 {
			sent, err := s.store.SMSPartsSent(ctx, m.Number, now.Add(-24*time.Hour))
			if err != nil {
				return s.retryLater(ctx, m, err)
			}
			if sent+m.Parts > s.opt.DailyCap {
				s.log.Warn("sms: daily cap reached; message dropped", "outbox", m.ID, "cap", s.opt.DailyCap)
				s.update(ctx, m, store.OutboxUpdate{To: store.OutboxDropped, Error: "daily cap of the number"})
				return true
			}
		}
	}
	if ctx.Err() != nil { // shutting down: not handed over, so back in the queue
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxQueued, NextAt: m.NextAt, Error: m.Error})
		return true
	}
	coding, _ := Encode(m.Text)
	err := s.sender.Send(ctx, Outgoing{ID: m.ID, To: m.Number, Text: m.Text, Coding: coding})
	done := s.opt.Now()
	switch {
	case err == nil:
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxSent, SentAt: done})
	case errors.Is(err, ErrRejected):
		s.log.Error("sms: gateway refused a message", "outbox", m.ID, "err", err)
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxFailed, Error: err.Error()})
	case errors.Is(err, ErrUnavailable):
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxQueued, NextAt: m.NextAt, Error: err.Error()})
		return false
	default: // ErrUncertain, or anything unexpected: never risk sending twice
		s.log.Warn("sms: the gateway may or may not have a message; waiting for its delivery report",
			"outbox", m.ID, "resend_after", s.opt.ResendAfter, "err", err)
		s.update(ctx, m, store.OutboxUpdate{To: store.OutboxUnknown, NextAt: done.Add(s.opt.ResendAfter), SentAt: done, Error: err.Error()})
	}
	return true
}

// retryLater puts m back when the store could not answer.
func (s *Service) retryLater(ctx context.Context, m *store.OutboxSMS, err error) bool {
	if ctx.Err() == nil {
		s.log.Error("sms: outgoing message", "outbox", m.ID, "err", err)
	}
	s.update(ctx, m, store.OutboxUpdate{To: store.OutboxQueued, NextAt: s.opt.Now().Add(5 * time.Second), Error: err.Error()})
	return true
}

// update moves a message the worker holds (in sending). It runs even when
// ctx has ended, as the outcome of a hand-over must be recorded, and
// leaves the message alone if a delivery report moved it first.
func (s *Service) update(ctx context.Context, m *store.OutboxSMS, u store.OutboxUpdate) {
	u.From = []store.OutboxState{store.OutboxSending}
	uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := s.store.UpdateSMS(uctx, m.ID, u); err != nil {
		// The message stays in sending; the next start turns it to unknown.
		s.log.Error("sms: record outgoing message", "outbox", m.ID, "to", u.To, "err", err)
	}
}

// Delivery report types, as Kannel's %d gives them.
const (
	DLRDelivered  = 1  // delivered to the phone
	DLRFailed     = 2  // not delivered to the phone
	DLRBuffered   = 4  // queued by the SMSC
	DLRSMSCAccept = 8  // accepted by the SMSC
	DLRSMSCReject = 16 // refused by the SMSC
)

// Report applies a delivery report for outbox message id: delivered,
// failed, or (SMSC acknowledgements) at least sent, which settles a
// message whose hand-over was in doubt. A report about a message already
// delivered or failed changes nothing; the first final word stands (a
// concatenated message gets one report per part).
func (s *Service) Report(ctx context.Context, outboxID int64, dlr int, detail string) error {
	open := []store.OutboxState{store.OutboxQueued, store.OutboxSending, store.OutboxUnknown}
	var u store.OutboxUpdate
	switch {
	case dlr&DLRDelivered != 0:
		u = store.OutboxUpdate{From: append(open, store.OutboxSent), To: store.OutboxDelivered}
	case dlr&(DLRFailed|DLRSMSCReject) != 0:
		u = store.OutboxUpdate{From: append(open, store.OutboxSent), To: store.OutboxFailed, Error: "not delivered: " + detail}
	case dlr&(DLRBuffered|DLRSMSCAccept) != 0:
		u = store.OutboxUpdate{From: open, To: store.OutboxSent, SentAt: s.opt.Now()}
	default:
		return fmt.Errorf("delivery report of type %d: %w", dlr, ErrBadReport)
	}
	_, err := s.store.UpdateSMS(ctx, outboxID, u)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("delivery report for %d: %w", outboxID, ErrBadReport)
	}
	return err
}

// ErrBadReport is a delivery report that names no message or no outcome.
var ErrBadReport = errors.New("delivery report not understood")
