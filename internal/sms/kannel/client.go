// Package kannel connects package sms to Kannel, the open-source SMS
// gateway: Client sends through smsbox's sendsms HTTP interface, and
// Handler serves the URLs smsbox calls for each received message (an
// sms-service's get-url) and for each delivery report (the dlr-url Client
// puts on every message).
//
// What Kannel does, as this package relies on it (Kannel 1.4.5):
//   - sendsms answers 202 "0: Accepted for delivery" or "3: Queued for
//     later delivery" once bearerbox has the message, 403 for bad
//     credentials or "Not routable", 4xx for bad parameters, 503 when
//     bearerbox refused for now, and never a message id: the outbox id
//     travels in the dlr-url instead.
//   - Text must be sent with charset=UTF-8 and a coding together: coding=2
//     (UCS-2) for Arabic and Persian, or Kannel turns it into "????"
//     (coding=0) or garbage (no charset), both still answered 202.
//   - A long text is split by Kannel into concatenated parts, up to the
//     sendsms-user's max-messages; beyond that it is cut silently, which
//     is why package sms cuts texts itself first.
//   - smsbox calls the get-url for each message with %p %P %a %T %I; with
//     mo-recode = true, UCS-2 messages arrive as UTF-8. A non-2xx answer
//     makes it retry (http-request-retry) with the same %I.
package kannel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/sms"
)

// Client hands messages to Kannel's sendsms interface. It implements
// sms.Sender.
type Client struct {
	sendURL string
	base    url.Values // credentials and fixed parameters
	// reportURL is the dlr-url without the message id; Kannel fills in
	// %d (the report type) and %A (the SMSC's reply).
	reportURL string
	http      *http.Client
}

// ClientConfig configures a Client.
type ClientConfig struct {
	// SendURL is smsbox's sendsms URL, e.g.
	// http://127.0.0.1:13013/cgi-bin/sendsms.
	SendURL string
	// Username and Password are a sendsms-user of Kannel's.
	Username, Password string
	// From is our number or short code (Kannel's from); "" leaves it to
	// Kannel's configuration.
	From string
	// SMSC routes through one smsc-id; "" lets Kannel choose.
	SMSC string
	// ReportURL is where Kannel reaches sada's delivery report handler,
	// e.g. http://127.0.0.1:8080/sms/kannel/dlr.
	ReportURL string
	// Secret proves to the handler that a report comes through Kannel.
	// It must be URL-safe (letters, digits, '-' and '_'), as it travels
	// inside a URL Kannel expands.
	Secret string
	// Timeout bounds one hand-over (10 s by default).
	Timeout time.Duration
}

// NewClient returns a Client for cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	if _, err := url.ParseRequestURI(cfg.SendURL); err != nil {
		return nil, fmt.Errorf("kannel sendsms URL: %w", err)
	}
	if _, err := url.ParseRequestURI(cfg.ReportURL); err != nil {
		return nil, fmt.Errorf("kannel report URL: %w", err)
	}
	if !URLSafe(cfg.Secret) {
		return nil, errors.New("kannel secret: use letters, digits, '-' and '_' only")
	}
	base := url.Values{}
	base.Set("username", cfg.Username)
	base.Set("password", cfg.Password)
	if cfg.From != "" {
		base.Set("from", cfg.From)
	}
	if cfg.SMSC != "" {
		base.Set("smsc", cfg.SMSC)
	}
	base.Set("charset", "UTF-8")
	// Every report: delivered, failed, buffered, SMSC accepted, SMSC
	// refused. The SMSC's acknowledgement settles a message whose
	// hand-over was in doubt long before the phone's.
	base.Set("dlr-mask", "31")
	sep := "?"
	if strings.Contains(cfg.ReportURL, "?") {
		sep = "&"
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	return &Client{
		sendURL:   cfg.SendURL,
		base:      base,
		reportURL: cfg.ReportURL + sep + "secret=" + cfg.Secret + "&type=%d&reply=%A&id=",
		http: &http.Client{
			Timeout: timeout,
			// A fresh connection for every message: Go's transport may
			// resend a GET on a reused connection that breaks, and a resent
			// sendsms is a second text.
			Transport: &http.Transport{
				DisableKeepAlives: true,
				DialContext:       (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}, nil
}

// URLSafe reports whether s is non-empty and only letters, digits, '-'
// and '_'.
func URLSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Send hands m to Kannel. See sms.Sender for what its errors mean.
func (c *Client) Send(ctx context.Context, m sms.Outgoing) error {
	q := url.Values{}
	for k, v := range c.base {
		q[k] = v
	}
	q.Set("to", m.To)
	q.Set("text", m.Text)
	q.Set("coding", strconv.Itoa(int(m.Coding)))
	q.Set("dlr-url", c.reportURL+strconv.FormatInt(m.ID, 10))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.sendURL+"?"+q.Encode(), nil)
	if err != nil {
		return fmt.Errorf("sendsms: %w: %w", sms.ErrRejected, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return fmt.Errorf("sendsms: %w: %w", sms.ErrUnavailable, err)
		}
		return fmt.Errorf("sendsms: %w: %w", sms.ErrUncertain, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	answer := strings.TrimSpace(string(body))
	switch code := resp.StatusCode; {
	case code == http.StatusAccepted || code == http.StatusOK:
		return nil
	case code == http.StatusForbidden && strings.Contains(answer, "Authorization failed"):
		// Our credentials are wrong: keep the messages for when they are fixed.
		return fmt.Errorf("sendsms: %w: %d %s (check the sendsms-user settings)", sms.ErrUnavailable, code, answer)
	case code >= 400 && code < 500:
		return fmt.Errorf("sendsms: %w: %d %s", sms.ErrRejected, code, answer)
	case code == http.StatusInternalServerError || code == http.StatusBadGateway || code == http.StatusServiceUnavailable:
		// smsbox answers 500 "Sending failed." before bearerbox has the
		// message, and 503 when bearerbox turned it down for now.
		return fmt.Errorf("sendsms: %w: %d %s", sms.ErrUnavailable, code, answer)
	default:
		return fmt.Errorf("sendsms: %w: %d %s", sms.ErrUncertain, code, answer)
	}
}
