// Package kanneltest runs a real Kannel for tests: bearerbox and smsbox,
// started from Debian's kannel package with an `smsc = fake` connection,
// and a phone network played by Network, which speaks the fake SMSC's line
// protocol.
//
// Direction, from Kannel's gw/smsc/smsc_fake.c: bearerbox listens on the
// fake SMSC's port and the far end (fakesmsc, or Network) connects to it,
// one client at a time. Each message is one line:
//
//	<sender> <receiver> text <text>              to bearerbox: GSM text as is
//	<sender> <receiver> ucs2 <url-encoded UTF-16BE>
//	<sender> <receiver> text|ucs-2|data <...>    from bearerbox, by coding
//	<sender> <receiver> udh <udh> data <data>    from bearerbox: one part of
//	                                             a concatenated message
//
// A part's line does not say its coding; Network takes a reassembled text
// that is valid UTF-8 without control characters for GSM (Kannel keeps
// 7-bit text as UTF-8), and anything else for UTF-16BE, which never passes
// that test for Arabic, Persian or even ASCII (its zero bytes).
package kanneltest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Binaries returns the paths of bearerbox and smsbox, or an error when
// Kannel is not installed (Debian: apt-get install kannel kannel-extras).
func Binaries() (bearerbox, smsbox string, err error) {
	find := func(name string) (string, error) {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
		p := filepath.Join("/usr/sbin", name)
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("%s not found (apt-get install kannel kannel-extras)", name)
		}
		return p, nil
	}
	if bearerbox, err = find("bearerbox"); err != nil {
		return "", "", err
	}
	smsbox, err = find("smsbox")
	return bearerbox, smsbox, err
}

// Need skips t when Kannel is not installed, unless SADA_REQUIRE_KANNEL=1
// (as in CI), when it fails instead.
func Need(t testing.TB) {
	t.Helper()
	if _, _, err := Binaries(); err != nil {
		if os.Getenv("SADA_REQUIRE_KANNEL") == "1" {
			t.Fatalf("SADA_REQUIRE_KANNEL=1: %v", err)
		}
		t.Skipf("Kannel tests skipped: %v", err)
	}
}

// Options set up a Gateway.
type Options struct {
	// IncomingURL is the get-url's base (sada's inbound endpoint, with
	// its secret); the gateway appends the message parameters.
	IncomingURL string
	// Number is the service's short code.
	Number string
	// Throughput, when set, is the fake SMSC's messages per second, so
	// that a test can catch messages on their way.
	Throughput int
}

// Gateway is a running Kannel.
type Gateway struct {
	t         testing.TB
	dir, conf string
	bearerbox string
	smsbox    string
	ports     struct{ admin, box, fake, sendsms int }
	// SendURL, User and Password are its sendsms interface.
	SendURL, User, Password string
	// Net is the phone network on the far side of the fake SMSC.
	Net *Network

	mu       sync.Mutex
	bb, sb   *exec.Cmd
	bbExited chan struct{}
	sbExited chan struct{}
}

// Start writes a kannel.conf, starts bearerbox, smsbox and the phone
// network, and waits until a message could go through. Everything stops
// when the test ends.
func Start(t testing.TB, opt Options) *Gateway {
	t.Helper()
	Need(t)
	bb, sb, _ := Binaries()
	g := &Gateway{t: t, dir: t.TempDir(), bearerbox: bb, smsbox: sb, User: "sada", Password: "kanneltest-pw"}
	g.ports.admin, g.ports.box, g.ports.fake, g.ports.sendsms = freePort(t), freePort(t), freePort(t), freePort(t)
	g.SendURL = fmt.Sprintf("http://127.0.0.1:%d/cgi-bin/sendsms", g.ports.sendsms)
	g.conf = filepath.Join(g.dir, "kannel.conf")
	if err := os.WriteFile(g.conf, []byte(g.config(opt)), 0o600); err != nil {
		t.Fatal(err)
	}
	g.Net = newNetwork(fmt.Sprintf("127.0.0.1:%d", g.ports.fake), opt.Number)
	t.Cleanup(func() {
		g.Net.close()
		g.StopBearerbox()
		if t.Failed() {
			g.dumpLogs()
		}
	})
	g.StartBearerbox()
	return g
}

// config is the kannel.conf of the test: the operator's example,
// deploy/kannel/kannel.conf, with the SMSC swapped for a fake one and
// local ports, files and credentials, so that the example is what runs.
func (g *Gateway) config(opt Options) string {
	example, err := os.ReadFile(filepath.Join(moduleRoot(g.t), "deploy", "kannel", "kannel.conf"))
	if err != nil {
		g.t.Fatalf("the example kannel.conf: %v", err)
	}
	fake := fmt.Sprintf("group = smsc\nsmsc = fake\nsmsc-id = fake\nport = %d\nconnect-allow-ip = \"127.0.0.1\"\n", g.ports.fake)
	if opt.Throughput > 0 {
		fake += fmt.Sprintf("throughput = %d\n", opt.Throughput)
	}
	q := func(s string) string { return `"` + s + `"` }
	return rewrite(string(example), fake, map[string]map[string]string{
		"core": {
			"admin-port": fmt.Sprint(g.ports.admin), "admin-password": "kanneltest-admin", "smsbox-port": fmt.Sprint(g.ports.box),
			"log-file": q(g.dir + "/bearerbox.log"), "access-log": q(g.dir + "/access.log"), "log-level": "0",
			"store-location": q(g.dir + "/kannel.store"),
		},
		"smsbox": {
			"bearerbox-port": fmt.Sprint(g.ports.box), "sendsms-port": fmt.Sprint(g.ports.sendsms),
			"log-file": q(g.dir + "/smsbox.log"), "log-level": "0", "http-queue-delay": "1",
		},
		"sms-service": {
			"get-url": q(opt.IncomingURL + "&from=%p&to=%P&text=%a&time=%T&id=%I&coding=%c&charset=%C"),
		},
		"sendsms-user": {"username": g.User, "password": g.Password},
	})
}

// rewrite edits a kannel.conf: each group's keys in set are replaced (or
// added), and every smsc group gives way to smsc.
func rewrite(conf, smsc string, set map[string]map[string]string) string {
	var out []string
	group := ""
	pending := map[string]string{}
	flush := func() {
		for k, v := range pending {
			out = append(out, k+" = "+v)
		}
		pending = map[string]string{}
	}
	smscDone := false
	for _, line := range strings.Split(conf, "\n") {
		key, value, isSetting := strings.Cut(line, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if isSetting && key == "group" && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			flush()
			group = value
			for k, v := range set[group] {
				pending[k] = v
			}
			if group == "smsc" {
				if !smscDone {
					out = append(out, strings.TrimRight(smsc, "\n"))
					smscDone = true
				}
				continue
			}
		}
		if group == "smsc" && strings.TrimSpace(line) != "" {
			continue
		}
		if v, ok := pending[key]; ok && isSetting && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			line = key + " = " + v
			delete(pending, key)
		}
		out = append(out, line)
	}
	flush()
	return strings.Join(out, "\n") + "\n"
}

// moduleRoot is the directory of go.mod, above the test's directory.
func moduleRoot(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (g *Gateway) start(bin, name string) (*exec.Cmd, chan struct{}) {
	out, err := os.OpenFile(filepath.Join(g.dir, name+".out"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		g.t.Fatal(err)
	}
	cmd := exec.Command(bin, g.conf)
	cmd.Dir = g.dir
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		g.t.Fatalf("start %s: %v", name, err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		out.Close()
		close(exited)
	}()
	return cmd, exited
}

// StartBearerbox starts bearerbox and smsbox and waits until the fake
// SMSC has its phone network connected and sendsms answers.
func (g *Gateway) StartBearerbox() {
	g.t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.bb, g.bbExited = g.start(g.bearerbox, "bearerbox")
	waitFor(g.t, "bearerbox's smsbox port", 10*time.Second, func() bool { return dials(g.ports.box) })
	g.sb, g.sbExited = g.start(g.smsbox, "smsbox")
	waitFor(g.t, "smsbox's sendsms port", 10*time.Second, func() bool {
		resp, err := http.Get(g.SendURL) // no credentials: a 403 says it is up
		if err != nil {
			return false
		}
		resp.Body.Close()
		return true
	})
	waitFor(g.t, "the phone network to connect", 10*time.Second, g.Net.Connected)
}

// StopBearerbox stops bearerbox as an operator would (SIGTERM), which also
// makes smsbox exit, and waits for both.
func (g *Gateway) StopBearerbox() {
	g.mu.Lock()
	defer g.mu.Unlock()
	stop := func(cmd *exec.Cmd, exited chan struct{}) {
		if cmd == nil {
			return
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	stop(g.bb, g.bbExited)
	stop(g.sb, g.sbExited) // bearerbox told it to go; this only waits
	g.bb, g.sb = nil, nil
	g.Net.disconnected()
}

func (g *Gateway) dumpLogs() {
	for _, name := range []string{"bearerbox.log", "smsbox.log", "access.log"} {
		b, err := os.ReadFile(filepath.Join(g.dir, name))
		if err != nil {
			continue
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) > 60 {
			lines = lines[len(lines)-60:]
		}
		g.t.Logf("--- last lines of %s:\n%s", name, strings.Join(lines, "\n"))
	}
}

func dials(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
	}
}

// Message is a text as a phone received it.
type Message struct {
	From, To string
	Text     string
	Parts    int
	UCS2     bool
}

// Network is the phone network: it keeps a connection to the fake SMSC
// (reconnecting while bearerbox restarts), sends what phones type, and
// collects what reaches them, reassembling concatenated messages.
type Network struct {
	addr, number string

	mu        sync.Mutex
	conn      net.Conn
	inbox     map[string][]Message // by receiving number
	parts     map[string][][]byte  // concatenated messages in assembly
	partsUCS2 map[string]bool
	changed   chan struct{} // closed and replaced on every change
	closed    bool
	done      chan struct{}
}

func newNetwork(addr, number string) *Network {
	n := &Network{addr: addr, number: number, inbox: map[string][]Message{}, parts: map[string][][]byte{},
		partsUCS2: map[string]bool{}, changed: make(chan struct{}), done: make(chan struct{})}
	go n.run()
	return n
}

func (n *Network) notify() {
	close(n.changed)
	n.changed = make(chan struct{})
}

// run connects and reads until closed.
func (n *Network) run() {
	defer close(n.done)
	for {
		n.mu.Lock()
		closed := n.closed
		n.mu.Unlock()
		if closed {
			return
		}
		c, err := net.DialTimeout("tcp", n.addr, time.Second)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		n.mu.Lock()
		n.conn = c
		n.notify()
		n.mu.Unlock()
		sc := bufio.NewScanner(c)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			n.receive(sc.Text())
		}
		n.mu.Lock()
		if n.conn == c {
			n.conn = nil
		}
		n.mu.Unlock()
		c.Close()
	}
}

// Connected reports whether the fake SMSC has the network connected.
func (n *Network) Connected() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.conn != nil
}

func (n *Network) disconnected() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.conn != nil {
		n.conn.Close()
		n.conn = nil
	}
}

func (n *Network) close() {
	n.mu.Lock()
	n.closed = true
	if n.conn != nil {
		n.conn.Close()
	}
	n.mu.Unlock()
	<-n.done
}

// receive takes one line from bearerbox.
func (n *Network) receive(line string) {
	f := strings.SplitN(line, " ", 4)
	if len(f) < 4 {
		return
	}
	from, to, kind, rest := f[0], f[1], f[2], f[3]
	n.mu.Lock()
	defer n.mu.Unlock()
	defer n.notify()
	switch kind {
	case "text":
		n.inbox[to] = append(n.inbox[to], Message{From: from, To: to, Text: rest, Parts: 1})
	case "ucs-2":
		b, _ := url.QueryUnescape(rest)
		n.inbox[to] = append(n.inbox[to], Message{From: from, To: to, Text: fromUTF16([]byte(b)), Parts: 1, UCS2: true})
	case "data":
		b, _ := url.QueryUnescape(rest)
		n.inbox[to] = append(n.inbox[to], Message{From: from, To: to, Text: b, Parts: 1})
	case "udh":
		udhEnc, data, ok := strings.Cut(rest, " data ")
		if !ok {
			return
		}
		udh, _ := url.QueryUnescape(udhEnc)
		body, _ := url.QueryUnescape(data)
		ref, total, seq, ok := concatInfo([]byte(udh))
		if !ok || seq < 1 || seq > total {
			return
		}
		key := fmt.Sprintf("%s>%s#%d/%d", from, to, ref, total)
		if n.parts[key] == nil {
			n.parts[key] = make([][]byte, total)
		}
		n.parts[key][seq-1] = []byte(body)
		for _, p := range n.parts[key] {
			if p == nil {
				return // more to come
			}
		}
		var all []byte
		for _, p := range n.parts[key] {
			all = append(all, p...)
		}
		delete(n.parts, key)
		m := Message{From: from, To: to, Parts: total}
		if looksLikeText(all) {
			m.Text = string(all)
		} else {
			m.Text, m.UCS2 = fromUTF16(all), true
		}
		n.inbox[to] = append(n.inbox[to], m)
	}
}

// concatInfo reads the concatenation element of a UDH (8- or 16-bit ref).
func concatInfo(udh []byte) (ref, total, seq int, ok bool) {
	if len(udh) < 1 {
		return 0, 0, 0, false
	}
	ies := udh[1:]
	for len(ies) >= 2 {
		iei, l := ies[0], int(ies[1])
		if len(ies) < 2+l {
			break
		}
		v := ies[2 : 2+l]
		switch {
		case iei == 0x00 && l == 3:
			return int(v[0]), int(v[1]), int(v[2]), true
		case iei == 0x08 && l == 4:
			return int(v[0])<<8 | int(v[1]), int(v[2]), int(v[3]), true
		}
		ies = ies[2+l:]
	}
	return 0, 0, 0, false
}

func looksLikeText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func fromUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	return string(utf16.Decode(u))
}

// ErrNotConnected is returned by Send when bearerbox has not had the
// network connected for a while.
var ErrNotConnected = errors.New("the fake SMSC is not connected")

// Send texts text from phone number to the service: as GSM text when it
// is printable ASCII, as UCS-2 otherwise, the way a phone chooses.
func (n *Network) Send(from, text string) error {
	line := from + " " + n.number + " "
	if isPrintableASCII(text) {
		line += "text " + text
	} else {
		u := utf16.Encode([]rune(text))
		b := make([]byte, 2*len(u))
		for i, v := range u {
			b[2*i], b[2*i+1] = byte(v>>8), byte(v)
		}
		line += "ucs2 " + url.QueryEscape(string(b))
	}
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		n.mu.Lock()
		c := n.conn
		n.mu.Unlock()
		if c == nil {
			continue
		}
		if _, err := c.Write([]byte(line + "\n")); err == nil {
			return nil
		}
	}
	return ErrNotConnected
}

func isPrintableASCII(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}

// Inbox returns what reached number so far.
func (n *Network) Inbox(number string) []Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Message(nil), n.inbox[number]...)
}

// Wait waits up to d for cond to hold over the inbox of number.
func (n *Network) Wait(number string, d time.Duration, cond func([]Message) bool) ([]Message, bool) {
	deadline := time.After(d)
	for {
		n.mu.Lock()
		msgs := append([]Message(nil), n.inbox[number]...)
		changed := n.changed
		n.mu.Unlock()
		if cond(msgs) {
			return msgs, true
		}
		select {
		case <-changed:
		case <-deadline:
			return msgs, false
		}
	}
}
