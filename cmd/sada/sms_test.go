package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeSMS checks the wiring of `sada serve` with SMS on: Kannel's
// get-url reaches the inbound endpoint, the reply goes out through the
// sendsms URL with a dlr-url back to sada, and the delivery report is taken.
// A stand-in plays Kannel's sendsms; the real Kannel is in
// internal/sms/kannel's tests.
func TestServeSMS(t *testing.T) {
	var mu sync.Mutex
	var sent []url.Values
	kannel := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		sent = append(sent, r.URL.Query())
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte("0: Accepted for delivery"))
	}))
	defer kannel.Close()
	const secret = "process-test-secret-1"
	s := startServer(t, t.TempDir(), "--sms-kannel-url", kannel.URL+"/cgi-bin/sendsms", "--sms-kannel-user", "sada",
		"--sms-kannel-password", "pw", "--sms-number", "7722", "--sms-secret", secret)

	get := func(path string) int {
		t.Helper()
		res, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	in := "/sms/kannel/incoming?secret=" + secret + "&id=k-1&from=%2B989121111111&to=7722&text=JOIN+sara&time=1700000000"
	if c := get(in); c != 200 {
		t.Fatalf("incoming: %d; logs:\n%s", c, s.logs)
	}
	if c := get(strings.Replace(in, secret, "wrong-secret", 1)); c != 403 {
		t.Errorf("incoming with a wrong secret: %d, want 403", c)
	}

	var reply url.Values
	for deadline := time.Now().Add(10 * time.Second); reply == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no sendsms call; logs:\n%s", s.logs)
		}
		mu.Lock()
		if len(sent) > 0 {
			reply = sent[0]
		}
		mu.Unlock()
	}
	if reply.Get("to") != "+989121111111" || !strings.Contains(reply.Get("text"), "Welcome to sada, @sara!") ||
		reply.Get("username") != "sada" || reply.Get("from") != "7722" || reply.Get("coding") != "0" || reply.Get("charset") != "UTF-8" {
		t.Errorf("sendsms call = %v", reply)
	}
	dlr := reply.Get("dlr-url")
	if !strings.HasPrefix(dlr, s.URL+"/sms/kannel/dlr?") {
		t.Fatalf("dlr-url %q does not lead back to sada at %s", dlr, s.URL)
	}
	// Kannel expands %d and %A in the dlr-url when it reports.
	if c := get(strings.TrimPrefix(strings.NewReplacer("%d", "1", "%A", "ok").Replace(dlr), s.URL)); c != 200 {
		t.Errorf("delivery report: %d; logs:\n%s", c, s.logs)
	}
}
