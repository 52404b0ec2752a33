// Package loadgen measures a Mastodon-compatible server the way a surge of
// people would hit it, through its public HTTP API only: the client API and
// the streaming API. It seeds a population (accounts, a power-law follow
// graph, posts in Arabic, Persian and English), runs workloads for a
// bounded time at a bounded concurrency, and reports throughput, errors by
// status and latency percentiles, next to a trivial HTTP handler measured
// with the same client so that figures compare across machines.
//
// It talks only to the address it is given, and refuses any address that is
// not on this machine unless told otherwise.
package loadgen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrRemote is returned for a target that is not a loopback address when
// remote targets were not allowed.
var ErrRemote = errors.New("target is not a loopback address (127.0.0.0/8, ::1, localhost); pass --allow-remote to load a server elsewhere")

// Client sends requests to one server.
type Client struct {
	Base *url.URL
	HTTP *http.Client
	// RequestTimeout bounds each request, so a stalled server ends a run
	// with errors rather than hanging it.
	RequestTimeout time.Duration
}

// NewClient returns a client for target ("http://127.0.0.1:8080") holding
// up to conns connections open. Unless allowRemote, the target must be a
// loopback address, and every connection is checked again when dialled, so
// a host name that resolves elsewhere is refused too.
func NewClient(target string, conns int, allowRemote bool) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(target, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("target %q: want a URL such as http://127.0.0.1:8080", target)
	}
	if !allowRemote {
		if err := checkLoopbackHost(u.Hostname()); err != nil {
			return nil, fmt.Errorf("target %q: %w", target, err)
		}
	}
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !allowRemote {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("dial %s: %w", address, ErrRemote)
			}
			return nil
		}
	}
	tr := &http.Transport{
		DialContext:         d.DialContext,
		MaxIdleConns:        conns + 16,
		MaxIdleConnsPerHost: conns + 16,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true, // measure the server's work, not gzip's
		ForceAttemptHTTP2:   false,
	}
	return &Client{Base: u, HTTP: &http.Client{Transport: tr}, RequestTimeout: 10 * time.Second}, nil
}

func checkLoopbackHost(host string) error {
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return ErrRemote
	}
	ips, err := net.LookupIP(host)
	if err != nil {
		return fmt.Errorf("resolve %s: %w", host, err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return ErrRemote
		}
	}
	return nil
}

// Response is what a request came back with.
type Response struct {
	Status int
	Header http.Header
	Body   []byte // nil unless asked for
}

// Do sends one request with an optional bearer token and form body. keep
// says whether to return the body; otherwise it is read and dropped, which
// lets the connection be reused.
func (c *Client) Do(ctx context.Context, method, path, token string, form url.Values, keep bool) (Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.RequestTimeout)
	defer cancel()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base.String()+path, body)
	if err != nil {
		return Response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	out := Response{Status: resp.StatusCode, Header: resp.Header}
	if keep {
		out.Body, err = io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	} else {
		_, err = io.Copy(io.Discard, resp.Body)
	}
	return out, err
}

// JSON sends a request and decodes a 2xx answer into v; any other status
// is an error carrying the server's message.
func (c *Client) JSON(ctx context.Context, method, path, token string, form url.Values, v any) error {
	resp, err := c.Do(ctx, method, path, token, form, true)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.Status/100 != 2 {
		return &StatusError{Method: method, Path: path, Status: resp.Status, Body: string(truncate(resp.Body, 200))}
	}
	if v == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return nil
}

// StatusError is a request answered with an unexpected status.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}
