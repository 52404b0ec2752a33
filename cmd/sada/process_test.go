package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run sada as a person would: a built binary, started as a
// child process, spoken to over HTTP.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// sadaBinary builds cmd/sada once per test run.
func sadaBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "sada-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "sada")
		buildErr = goBuild(binPath)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// goBuild builds cmd/sada to out with extra build flags.
func goBuild(out string, flags ...string) error {
	args := append(append([]string{"build"}, flags...), "-o", out, ".")
	if b, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("go build %v: %v\n%s", flags, err, b)
	}
	return nil
}

// server is a running `sada serve` child process.
type server struct {
	cmd  *exec.Cmd
	URL  string
	logs *syncBuffer
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServer runs sada serve on a free port with the given data directory
// and waits until it prints its URL.
func startServer(t *testing.T, dataDir string, extra ...string) *server {
	t.Helper()
	return startServerAt(t, sadaBinary(t), dataDir, extra...)
}

// startServerAt is startServer with the binary at bin.
func startServerAt(t *testing.T, bin, dataDir string, extra ...string) *server {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}, extra...)
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: logs}
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			_ = s.cmd.Process.Kill()
			_ = s.cmd.Wait()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case s.URL = <-found:
	case <-time.After(20 * time.Second):
		t.Fatalf("sada serve did not start; logs:\n%s", logs)
	}
	return s
}

// api calls the server and decodes a JSON answer into out (if not nil).
func (s *server) api(t *testing.T, method, path, token string, form url.Values, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode == 200 {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, body, err)
		}
	}
	return res.StatusCode
}

// signUp creates an app and an account, and returns a user token.
func (s *server) signUp(t *testing.T, name string) string {
	t.Helper()
	var app struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	if c := s.api(t, "POST", "/api/v1/apps", "", url.Values{"client_name": {"t"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read write follow"}}, &app); c != 200 {
		t.Fatalf("create app: %d", c)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if c := s.api(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ID}, "client_secret": {app.Secret}, "scope": {"read write follow"}}, &tok); c != 200 {
		t.Fatalf("client token: %d", c)
	}
	if c := s.api(t, "POST", "/api/v1/accounts", tok.AccessToken, url.Values{"username": {name}, "password": {"password-" + name}, "agreement": {"true"}}, &tok); c != 200 {
		t.Fatalf("register: %d", c)
	}
	return tok.AccessToken
}

// TestPostsSurviveKill9 proves the durability promise: once the API has
// answered 200 for a post, it survives the process being killed with
// SIGKILL at any moment.
func TestPostsSurviveKill9(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	tok := srv.signUp(t, "amir")

	// Post from several clients at once and kill the server mid-stream, so
	// the kill lands while writes are in flight.
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			client := &http.Client{Timeout: 5 * time.Second}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				form := url.Values{"status": {fmt.Sprintf("خبر فوری %d-%d", w, i)}}
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1/statuses", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Authorization", "Bearer "+tok)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				var st struct{ ID string }
				err = json.NewDecoder(res.Body).Decode(&st)
				res.Body.Close()
				if res.StatusCode == 200 && err == nil {
					mu.Lock()
					acked = append(acked, st.ID)
					mu.Unlock()
				}
			}
		}(w)
	}
	time.Sleep(1500 * time.Millisecond)
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d posts acknowledged before the kill; the test proves nothing", len(acked))
	}

	again := startServer(t, data)
	for _, id := range acked {
		if c := again.api(t, "GET", "/api/v1/statuses/"+id, tok, nil, nil); c != 200 {
			t.Errorf("acknowledged post %s: status %d after kill -9", id, c)
		}
	}
	var me struct {
		StatusesCount int `json:"statuses_count"`
	}
	again.api(t, "GET", "/api/v1/accounts/verify_credentials", tok, nil, &me)
	if me.StatusesCount < len(acked) {
		t.Errorf("statuses_count %d < %d acknowledged", me.StatusesCount, len(acked))
	}
	t.Logf("%d acknowledged posts all survived kill -9", len(acked))
}

// TestGracefulShutdown: SIGTERM lets the server finish and close the store,
// exiting 0; the data is there on the next start.
func TestGracefulShutdown(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	tok := srv.signUp(t, "leila")
	var st struct{ ID string }
	if c := srv.api(t, "POST", "/api/v1/statuses", tok, url.Values{"status": {"before shutdown"}}, &st); c != 200 {
		t.Fatalf("post: %d", c)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := srv.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v; logs:\n%s", err, srv.logs)
	}
	if !strings.Contains(srv.logs.String(), "stopped") {
		t.Fatalf("no clean stop in logs:\n%s", srv.logs)
	}
	again := startServer(t, data)
	if c := again.api(t, "GET", "/api/v1/statuses/"+st.ID, tok, nil, nil); c != 200 {
		t.Fatalf("post after restart: %d", c)
	}
}

// TestServeDefaults: with no flags, serve listens on 127.0.0.1:8080 and
// keeps its data in ./sada-data, which it creates.
func TestServeDefaults(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(sadaBinary(t), "serve")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SADA_ADDR=") // no override from the environment
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), "listening") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(out.String(), "address already in use") {
		t.Skip("port 8080 is taken on this machine")
	}
	if !strings.Contains(out.String(), "http://127.0.0.1:8080") {
		t.Fatalf("output %q lacks the default URL", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "sada-data", "sada.db")); err != nil {
		t.Fatalf("default data directory: %v", err)
	}
}

func TestServeRejectsBadSettings(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"registrations", []string{"serve", "--registrations", "sometimes"}, "registrations"},
		{"address", []string{"serve", "--addr", "nonsense"}, "addr"},
		{"unknown flag", []string{"serve", "--colour", "red"}, "colour"},
		{"unknown command", []string{"fly"}, "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := exec.Command(sadaBinary(t), tt.args...).CombinedOutput()
			if err == nil {
				t.Fatalf("sada %v succeeded; want an error", tt.args)
			}
			if !strings.Contains(string(out), tt.want) {
				t.Fatalf("output %q does not mention %q", out, tt.want)
			}
		})
	}
}

func TestAdminCommands(t *testing.T) {
	data := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(sadaBinary(t), append(append([]string{"admin"}, args...), "--data", data)...).CombinedOutput()
		if err != nil {
			t.Fatalf("sada admin %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := run("create-user", "--admin", "--password", "first-password", "root_user"); !strings.Contains(out, "admin true") {
		t.Fatalf("create-user: %s", out)
	}
	out := run("reset-password", "root_user")
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("reset-password printed no password: %s", out)
	}
	if out := run("list-users"); !strings.Contains(out, "root_user") {
		t.Fatalf("list-users: %s", out)
	}
	// The new password works against a server on the same data.
	srv := startServer(t, data)
	var app struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	srv.api(t, "POST", "/api/v1/apps", "", url.Values{"client_name": {"t"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}}, &app)
	login := func(pw string) int {
		return srv.api(t, "POST", "/oauth/token", "", url.Values{"grant_type": {"password"}, "client_id": {app.ID}, "client_secret": {app.Secret}, "username": {"root_user"}, "password": {pw}}, nil)
	}
	if c := login(m[1]); c != 200 {
		t.Fatalf("login with reset password: %d", c)
	}
	if c := login("first-password"); c != 400 {
		t.Fatalf("login with old password: %d, want 400", c)
	}
	if out, err := exec.Command(sadaBinary(t), "admin", "create-user", "--data", data, "bad name!").CombinedOutput(); err == nil {
		t.Fatalf("bad username accepted: %s", out)
	}
}

func syscallKill(pid int) error { return syscall.Kill(pid, syscall.SIGKILL) }
