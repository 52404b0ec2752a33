// Package smstest is the phone network as sada's tests see it: a Gateway
// that takes the place of Kannel, records every message handed to it and
// can be told to fail, so that code using an sms.Service is tested without
// a real gateway (package kannel/kanneltest runs the real one).
package smstest

import (
	"context"
	"sync"

	"github.com/sada-project/sada/internal/sms"
)

// Gateway is an sms.Sender that keeps what it is given. Make it with
// NewGateway; it is safe for concurrent use.
type Gateway struct {
	mu   sync.Mutex
	sent []sms.Outgoing
	fail func(sms.Outgoing) error // nil: accept
	more chan struct{}
}

var _ sms.Sender = (*Gateway)(nil)

// NewGateway returns a Gateway that accepts every message.
func NewGateway() *Gateway {
	return &Gateway{more: make(chan struct{}, 1)}
}

// Send records m, unless the function given to SetFail refuses it.
func (g *Gateway) Send(_ context.Context, m sms.Outgoing) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.fail != nil {
		if err := g.fail(m); err != nil {
			return err
		}
	}
	g.sent = append(g.sent, m)
	select {
	case g.more <- struct{}{}:
	default:
	}
	return nil
}

// SetFail makes Send return f's error (nil: accept) for each message from
// now on; nil accepts everything again.
func (g *Gateway) SetFail(f func(sms.Outgoing) error) {
	g.mu.Lock()
	g.fail = f
	g.mu.Unlock()
}

// To returns the messages accepted for number so far, oldest first.
func (g *Gateway) To(number string) []sms.Outgoing {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []sms.Outgoing
	for _, m := range g.sent {
		if m.To == number {
			out = append(out, m)
		}
	}
	return out
}

// More receives after a message is accepted (at most one is pending), so
// a test can wait for the next one instead of polling.
func (g *Gateway) More() <-chan struct{} { return g.more }

// Await waits until at least n messages to number were accepted and
// returns them all, or returns ctx's error.
func (g *Gateway) Await(ctx context.Context, number string, n int) ([]sms.Outgoing, error) {
	for {
		if got := g.To(number); len(got) >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return g.To(number), ctx.Err()
		case <-g.more:
		}
	}
}
