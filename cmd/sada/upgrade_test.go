package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite" // to inspect the schema the new binary left
)

// loadResult is what a load run saw.
type loadResult struct {
	mu        sync.Mutex
	requests  int
	failures  []string
	acked     []string
	window    [2]time.Time // the hand-over, when known
	inWindow  int
	maxWindow time.Duration
}

func (lr *loadResult) record(start time.Time, took time.Duration, fail string) {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	lr.requests++
	if fail != "" {
		lr.failures = append(lr.failures, fail)
	}
	if w := lr.window; !w[0].IsZero() && start.After(w[0]) && (w[1].IsZero() || start.Before(w[1])) {
		lr.inWindow++
		lr.maxWindow = max(lr.maxWindow, took)
	}
}

// mixedLoad runs posts and reads from several clients against base until
// stop is closed. Posts carry an Idempotency-Key, as a careful client's
// do, which lets the HTTP client retry one whose connection was closed
// under it and lets the server keep that retry from posting twice.
func mixedLoad(base string, tokens []string, stop <-chan struct{}, lr *loadResult) *sync.WaitGroup {
	client := &http.Client{Timeout: 15 * time.Second}
	var wg sync.WaitGroup
	var seq atomic.Int64
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tok := tokens[w%len(tokens)]
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := seq.Add(1)
				var req *http.Request
				isPost := n%3 == 0
				if isPost {
					form := url.Values{"status": {fmt.Sprintf("گزارش %d از خیابان", n)}}
					req, _ = http.NewRequest("POST", base+"/api/v1/statuses", strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Idempotency-Key", "load-"+strconv.FormatInt(n, 10))
				} else {
					req, _ = http.NewRequest("GET", base+"/api/v1/timelines/home?limit=20", nil)
				}
				req.Header.Set("Authorization", "Bearer "+tok)
				start := time.Now()
				res, err := client.Do(req)
				took := time.Since(start)
				if err != nil {
					lr.record(start, took, fmt.Sprintf("%s %s: %v", req.Method, req.URL.Path, err))
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				fail := ""
				if res.StatusCode != 200 {
					fail = fmt.Sprintf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, body)
				}
				lr.record(start, took, fail)
				if isPost && res.StatusCode == 200 {
					var st struct{ ID string }
					if json.Unmarshal(body, &st) == nil {
						lr.mu.Lock()
						lr.acked = append(lr.acked, st.ID)
						lr.mu.Unlock()
					}
				}
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
			}
		}(w)
	}
	return &wg
}

// upgradeRig is a server started from a binary at a path that the test
// can replace, as an operator installs a new release.
type upgradeRig struct {
	dir, bin, data string
	srv            *server
	tokens         []string
}

func newUpgradeRig(t *testing.T) *upgradeRig {
	t.Helper()
	dir := t.TempDir()
	rig := &upgradeRig{dir: dir, bin: filepath.Join(dir, "sada"), data: filepath.Join(dir, "data")}
	copyFile(t, sadaBinary(t), rig.bin)
	rig.srv = startServerAt(t, rig.bin, rig.data)
	for _, name := range []string{"nasrin", "kaveh", "mina"} {
		rig.tokens = append(rig.tokens, rig.srv.signUp(t, name))
	}
	return rig
}

// install puts a new binary at the served path, atomically.
func (rig *upgradeRig) install(t *testing.T, from string) {
	t.Helper()
	tmp := rig.bin + ".new"
	copyFile(t, from, tmp)
	if err := os.Rename(tmp, rig.bin); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func loadSeconds(def int) time.Duration {
	if v, err := strconv.Atoi(os.Getenv("SADA_UPGRADE_LOAD_SECONDS")); err == nil && v > 0 {
		return time.Duration(v) * time.Second
	}
	return time.Duration(def) * time.Second
}

// TestUpgradeUnderLoad replaces a serving sada with a new binary carrying an
// extra migration, half-way through a mixed load, and checks that no request
// failed and that every acknowledged post is there afterwards.
func TestUpgradeUnderLoad(t *testing.T) {
	rig := newUpgradeRig(t)
	next := filepath.Join(rig.dir, "sada-next")
	if err := goBuild(next, "-tags", "sada_upgradetest"); err != nil {
		t.Fatal(err)
	}
	oldPID := rig.srv.cmd.Process.Pid

	// A reader follows the three posters and watches her home stream
	// through the upgrade, resuming with Last-Event-ID when the stream
	// ends, as Mastodon clients do.
	watcher := rig.srv.signUp(t, "watcher")
	for _, name := range []string{"nasrin", "kaveh", "mina"} {
		var acct struct{ ID string }
		rig.srv.api(t, "GET", "/api/v1/accounts/lookup?acct="+name, watcher, nil, &acct)
		if c := rig.srv.api(t, "POST", "/api/v1/accounts/"+acct.ID+"/follow", watcher, nil, nil); c != 200 {
			t.Fatalf("follow %s: %d", name, c)
		}
	}
	sse := watchStream(rig.srv.URL, watcher)

	lr := &loadResult{}
	stop := make(chan struct{})
	wg := mixedLoad(rig.srv.URL, rig.tokens, stop, lr)
	total := loadSeconds(20)
	// Long enough before the upgrade that posts lie behind the background
	// migration's horizon (5 s before it starts) and it has rows to do.
	time.Sleep(max(total/2, 7*time.Second))

	rig.install(t, next)
	lr.mu.Lock()
	lr.window[0] = time.Now()
	lr.mu.Unlock()
	out, err := exec.Command(rig.bin, "upgrade", "--data", rig.data).CombinedOutput()
	lr.mu.Lock()
	lr.window[1] = time.Now()
	lr.mu.Unlock()
	if err != nil {
		close(stop)
		wg.Wait()
		t.Fatalf("sada upgrade: %v\n%s\nserver logs:\n%s", err, out, rig.srv.logs)
	}
	time.Sleep(total / 2)
	close(stop)
	wg.Wait()

	// The old process drained and exited by itself. (Process.Wait, not
	// Cmd.Wait: the new process shares the old one's output pipes.)
	done := make(chan error, 1)
	go func() {
		ps, err := rig.srv.cmd.Process.Wait()
		if err == nil && !ps.Success() {
			err = fmt.Errorf("exit status %d", ps.ExitCode())
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("old process exit: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("old process (pid %d) did not exit after the hand-over; logs:\n%s", oldPID, rig.srv.logs)
	}
	newPID, alive := runningPID(filepath.Join(rig.data, pidFileName))
	if !alive || newPID == oldPID {
		t.Fatalf("pid file names %d (alive %v); want a new live process, not %d", newPID, alive, oldPID)
	}
	t.Cleanup(func() { _ = syscallKill(newPID) })

	if len(lr.failures) > 0 {
		t.Errorf("%d of %d requests failed during the upgrade; first: %s", len(lr.failures), lr.requests, lr.failures[0])
	}
	for _, id := range lr.acked {
		if c := rig.srv.api(t, "GET", "/api/v1/statuses/"+id, rig.tokens[0], nil, nil); c != 200 {
			t.Errorf("acknowledged post %s: %d after the upgrade", id, c)
		}
	}
	// Every post acknowledged while the reader watched reached her stream,
	// across the hand-over.
	deadline := time.Now().Add(10 * time.Second)
	var lost []string
	for {
		lost = sse.missing(lr.acked)
		if len(lost) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	sse.close()
	if len(lost) > 0 {
		t.Errorf("%d of %d acknowledged posts never reached the watching stream (reconnects %d); first %s", len(lost), len(lr.acked), sse.reconnects.Load(), lost[0])
	}
	assertMigration(t, rig.data, 9000)
	waitBackgroundMigration(t, rig.data, "9000_fill_upgrade_probe")
	// Its progress is also a metric.
	res, err := http.Get(rig.srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(body), `sada_background_migration_done{name="9000_fill_upgrade_probe"} 1`) {
		t.Errorf("/metrics lacks the finished background migration:\n%.2000s", body)
	}
	t.Logf("upgrade under load: %d requests, %d posts acknowledged, %d requests during the hand-over (longest %v), %d failed; the stream reader missed %d posts across %d reconnects",
		lr.requests, len(lr.acked), lr.inWindow, lr.maxWindow.Round(time.Millisecond), len(lr.failures), len(lost), sse.reconnects.Load())
}

// TestUpgradeToBrokenBinary installs a binary that exits at start-up: the
// upgrade reports failure and the old process goes on serving everyone.
func TestUpgradeToBrokenBinary(t *testing.T) {
	rig := newUpgradeRig(t)
	broken := filepath.Join(rig.dir, "broken")
	if err := os.WriteFile(broken, []byte("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	lr := &loadResult{}
	stop := make(chan struct{})
	wg := mixedLoad(rig.srv.URL, rig.tokens, stop, lr)
	time.Sleep(loadSeconds(8) / 2)

	rig.install(t, broken)
	// The upgrade command itself comes from a working copy.
	out, err := exec.Command(sadaBinary(t), "upgrade", "--data", rig.data).CombinedOutput()
	if err == nil {
		t.Fatalf("upgrade to a broken binary succeeded:\n%s", out)
	}
	if !strings.Contains(string(out), "keeps serving") {
		t.Errorf("upgrade output %q does not say the old process keeps serving", out)
	}
	time.Sleep(loadSeconds(8) / 2)
	close(stop)
	wg.Wait()

	if rig.srv.cmd.ProcessState != nil {
		t.Fatal("old process exited")
	}
	if pid, alive := runningPID(filepath.Join(rig.data, pidFileName)); !alive || pid != rig.srv.cmd.Process.Pid {
		t.Fatalf("pid file names %d (alive %v), want the old process %d", pid, alive, rig.srv.cmd.Process.Pid)
	}
	if len(lr.failures) > 0 {
		t.Errorf("%d of %d requests failed; first: %s", len(lr.failures), lr.requests, lr.failures[0])
	}
	if c := rig.srv.api(t, "GET", "/readyz", "", nil, nil); c != 200 {
		t.Errorf("readyz after a failed upgrade: %d", c)
	}
	t.Logf("failed upgrade under load: %d requests, 0 failed; logs say: %s", lr.requests, lastLine(rig.srv.logs.String(), "upgrade failed"))
}

func lastLine(logs, containing string) string {
	lines := strings.Split(logs, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], containing) {
			return lines[i]
		}
	}
	return ""
}

func assertMigration(t *testing.T, dataDir string, version int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "sada.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("migration %d not applied by the new binary", version)
	}
}

// waitBackgroundMigration waits until the named background migration has
// finished and checks it left no row it passed unchanged.
func waitBackgroundMigration(t *testing.T, dataDir, name string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "sada.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var done, rows, until int64
		err := db.QueryRow(`SELECT done, rows_done, until_id FROM background_migrations WHERE name = ?`, name).Scan(&done, &rows, &until)
		if err == nil && done == 1 {
			// Rows before the horizon are the migration's; the new release
			// would write later ones in the new shape itself.
			var missed int
			if err := db.QueryRow(`SELECT count(*) FROM statuses WHERE id < ? AND upgrade_probe = 0`, until).Scan(&missed); err != nil {
				t.Fatal(err)
			}
			if missed > 0 {
				t.Fatalf("background migration %s finished but left %d rows unchanged", name, missed)
			}
			if rows == 0 {
				t.Fatalf("background migration %s had no rows to change; the test proves nothing", name)
			}
			t.Logf("background migration %s: %d rows in batches while serving", name, rows)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("background migration %s not done in time (err %v, rows %d)", name, err, rows)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// streamWatcher reads a user stream over SSE, reconnecting with
// Last-Event-ID whenever the stream ends, and keeps the ids of the statuses
// it was sent.
type streamWatcher struct {
	mu         sync.Mutex
	got        map[string]bool
	reconnects atomic.Int64
	stop       chan struct{}
	done       chan struct{}
}

func watchStream(base, token string) *streamWatcher {
	w := &streamWatcher{got: map[string]bool{}, stop: make(chan struct{}), done: make(chan struct{})}
	ready := make(chan struct{})
	go func() {
		defer close(w.done)
		lastID := ""
		first := true
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			req, _ := http.NewRequest("GET", base+"/api/v1/streaming/user", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			if lastID != "" {
				req.Header.Set("Last-Event-ID", lastID)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil || res.StatusCode != 200 {
				if res != nil {
					res.Body.Close()
				}
				time.Sleep(50 * time.Millisecond)
				continue
			}
			if first {
				close(ready)
				first = false
			} else {
				w.reconnects.Add(1)
			}
			go func() { <-w.stop; res.Body.Close() }()
			sc := bufio.NewScanner(res.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			event := ""
			for sc.Scan() {
				line := sc.Text()
				switch {
				case strings.HasPrefix(line, "id: "):
					lastID = strings.TrimPrefix(line, "id: ")
				case strings.HasPrefix(line, "event: "):
					event = strings.TrimPrefix(line, "event: ")
				case strings.HasPrefix(line, "data: ") && event == "update":
					var st struct{ ID string }
					if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st) == nil {
						w.mu.Lock()
						w.got[st.ID] = true
						w.mu.Unlock()
					}
				}
			}
			res.Body.Close()
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
	}
	return w
}

// missing returns the ids the watcher has not been sent.
func (w *streamWatcher) missing(ids []string) []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []string
	for _, id := range ids {
		if !w.got[id] {
			out = append(out, id)
		}
	}
	return out
}

func (w *streamWatcher) close() {
	close(w.stop)
	<-w.done
}
