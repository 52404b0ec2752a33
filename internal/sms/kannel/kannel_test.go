package kannel

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/sms"
)

func TestClientSend(t *testing.T) {
	var got url.Values
	status, body := http.StatusAccepted, "0: Accepted for delivery"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query()
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	defer ts.Close()
	c, err := NewClient(ClientConfig{
		SendURL: ts.URL + "/cgi-bin/sendsms", Username: "sada", Password: "pw", From: "1234", SMSC: "op",
		ReportURL: "http://127.0.0.1:8080" + ReportPath, Secret: "s3cret_s3cret-s3",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := c.Send(ctx, sms.Outgoing{ID: 42, To: "+989120000001", Text: "sara: سلام", Coding: sms.UCS2}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := url.Values{
		"username": {"sada"}, "password": {"pw"}, "from": {"1234"}, "smsc": {"op"}, "to": {"+989120000001"},
		"text": {"sara: سلام"}, "charset": {"UTF-8"}, "coding": {"2"}, "dlr-mask": {"31"},
		"dlr-url": {"http://127.0.0.1:8080/sms/kannel/dlr?secret=s3cret_s3cret-s3&type=%d&reply=%A&id=42"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sendsms parameters (-want +got):\n%s", diff)
	}

	tests := []struct {
		status int
		body   string
		want   error
	}{
		{http.StatusAccepted, "3: Queued for later delivery", nil},
		{http.StatusBadRequest, "Missing receiver(s) number(s), rejected", sms.ErrRejected},
		{http.StatusForbidden, "Not routable. Do not try again.", sms.ErrRejected},
		{http.StatusForbidden, "Authorization failed for sendsms", sms.ErrUnavailable},
		{http.StatusServiceUnavailable, "Temporal failure, try again later.", sms.ErrUnavailable},
		{http.StatusInternalServerError, "Sending failed.", sms.ErrUnavailable},
		{http.StatusGatewayTimeout, "", sms.ErrUncertain},
	}
	for _, tt := range tests {
		status, body = tt.status, tt.body
		err := c.Send(ctx, sms.Outgoing{ID: 1, To: "+1555", Text: "hi"})
		if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
			t.Errorf("%d %q: Send = %v, want %v", tt.status, tt.body, err, tt.want)
		}
	}
}

func TestClientUnreachableAndUncertain(t *testing.T) {
	// Nothing listens: unavailable, safe to retry.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := NewClient(ClientConfig{SendURL: "http://" + addr + "/cgi-bin/sendsms", ReportURL: "http://x/dlr", Secret: "ssssssssssssssss"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), sms.Outgoing{ID: 1, To: "+1555", Text: "hi"}); !errors.Is(err, sms.ErrUnavailable) {
		t.Errorf("Send to a closed port = %v, want ErrUnavailable", err)
	}

	// The request reaches the gateway, the answer never comes: uncertain.
	release := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer ts.Close()
	defer close(release)
	c, err = NewClient(ClientConfig{SendURL: ts.URL, ReportURL: "http://x/dlr", Secret: "ssssssssssssssss", Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Send(t.Context(), sms.Outgoing{ID: 1, To: "+1555", Text: "hi"}); !errors.Is(err, sms.ErrUncertain) {
		t.Errorf("Send without an answer = %v, want ErrUncertain", err)
	}
}

func TestNewClientChecks(t *testing.T) {
	for _, cfg := range []ClientConfig{
		{SendURL: "not a url", ReportURL: "http://x/dlr", Secret: "ssssssssssssssss"},
		{SendURL: "http://k/s", ReportURL: "", Secret: "ssssssssssssssss"},
		{SendURL: "http://k/s", ReportURL: "http://x/dlr", Secret: "has&amp"},
	} {
		if _, err := NewClient(cfg); err == nil {
			t.Errorf("NewClient(%+v): no error", cfg)
		}
	}
}

// fakeService records what the handler passes on.
type fakeService struct {
	in      []sms.Inbound
	reports [][3]string
	err     error
}

func (f *fakeService) Receive(_ context.Context, in sms.Inbound) error {
	if f.err != nil {
		return f.err
	}
	for _, seen := range f.in {
		if seen.GatewayID == in.GatewayID {
			return sms.ErrDuplicate
		}
	}
	f.in = append(f.in, in)
	return nil
}

func (f *fakeService) Report(_ context.Context, id int64, typ int, detail string) error {
	if f.err != nil {
		return f.err
	}
	if id == 404 {
		return sms.ErrBadReport
	}
	f.reports = append(f.reports, [3]string{strconv.FormatInt(id, 10), strconv.Itoa(typ), detail})
	return nil
}

func TestHandler(t *testing.T) {
	svc := &fakeService{}
	allow, err := ParseAllow("127.0.0.1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	h := NewHandler(svc, "s3cret_s3cret-s3", allow, slog.New(slog.NewTextHandler(io.Discard, nil)))
	mux := http.NewServeMux()
	h.Routes(mux)
	call := func(remote, target string, basic string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.RemoteAddr = remote
		if basic != "" {
			r.SetBasicAuth("kannel", basic)
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	ucs2 := url.QueryEscape(string([]byte{0x06, 0x33, 0x06, 0x44, 0x06, 0x27, 0x06, 0x45})) // سلام as UTF-16BE
	tests := []struct {
		name, remote, target, basic string
		want                        int
	}{
		{"incoming", "127.0.0.1:5000", IncomingPath + "?secret=s3cret_s3cret-s3&id=k1&from=%2B989120000001&to=1234&text=%D8%B3%D9%84%D8%A7%D9%85&time=1700000000", "", 200},
		{"retry", "127.0.0.1:5000", IncomingPath + "?secret=s3cret_s3cret-s3&id=k1&from=%2B989120000001&to=1234&text=again", "", 200},
		{"basic auth", "10.1.2.3:5000", IncomingPath + "?id=k2&from=989120000002&text=hi", "s3cret_s3cret-s3", 200},
		{"raw UCS-2", "127.0.0.1:5000", IncomingPath + "?secret=s3cret_s3cret-s3&id=k3&from=989120000002&coding=2&charset=UTF-16BE&text=" + ucs2, "", 200},
		{"wrong secret", "127.0.0.1:5000", IncomingPath + "?secret=nope&id=k4&from=1&text=x", "", 403},
		{"no secret", "127.0.0.1:5000", IncomingPath + "?id=k4&from=1&text=x", "", 403},
		{"address not allowed", "192.0.2.1:5000", IncomingPath + "?secret=s3cret_s3cret-s3&id=k4&from=1&text=x", "", 403},
		{"no id", "127.0.0.1:5000", IncomingPath + "?secret=s3cret_s3cret-s3&from=1&text=x", "", 400},
		{"report", "127.0.0.1:5000", ReportPath + "?secret=s3cret_s3cret-s3&id=7&type=1&reply=ACK%2F", "", 200},
		{"report of a purged message", "127.0.0.1:5000", ReportPath + "?secret=s3cret_s3cret-s3&id=404&type=1", "", 200},
		{"report without type", "127.0.0.1:5000", ReportPath + "?secret=s3cret_s3cret-s3&id=7", "", 400},
		{"report wrong secret", "127.0.0.1:5000", ReportPath + "?secret=x&id=7&type=1", "", 403},
		{"post is not routed", "127.0.0.1:5000", "", "", 405},
	}
	for _, tt := range tests {
		var w *httptest.ResponseRecorder
		if tt.target == "" {
			r := httptest.NewRequest(http.MethodPost, IncomingPath, nil)
			r.RemoteAddr = tt.remote
			w = httptest.NewRecorder()
			mux.ServeHTTP(w, r)
		} else {
			w = call(tt.remote, tt.target, tt.basic)
		}
		if w.Code != tt.want {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, w.Code, tt.want, w.Body)
		}
	}
	want := []sms.Inbound{
		{GatewayID: "k1", From: "+989120000001", To: "1234", Text: "سلام", SentAt: time.Unix(1700000000, 0).UTC()},
		{GatewayID: "k2", From: "989120000002", Text: "hi"},
		{GatewayID: "k3", From: "989120000002", Text: "سلام"},
	}
	if diff := cmp.Diff(want, svc.in); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
	if len(svc.reports) != 1 || svc.reports[0][2] != "ACK/" {
		t.Errorf("reports = %v", svc.reports)
	}

	// A store failure is a 503: Kannel tries again later.
	svc.err = errors.New("disk full")
	if w := call("127.0.0.1:1", IncomingPath+"?secret=s3cret_s3cret-s3&id=k9&from=1&text=x", ""); w.Code != 503 {
		t.Errorf("store failure: status %d, want 503", w.Code)
	}
}

func TestParseAllow(t *testing.T) {
	got, err := ParseAllow(" 127.0.0.1 ,::1, 10.1.2.3/8, ::ffff:192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{
		netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128"),
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.1/32"),
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("ParseAllow (-want +got):\n%s", diff)
	}
	if _, err := ParseAllow("kannel.local"); err == nil {
		t.Error("ParseAllow(a host name): no error")
	}
}
