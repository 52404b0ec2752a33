package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/cloudflare/tableflip"
)

// A running server replaces itself without closing its listening socket:
// on SIGHUP it starts the executable found at its own path again (an
// operator installs the new binary there first), hands it the listener
// (cloudflare/tableflip), and only when the new process says it is ready
// does the old one stop accepting, finish its in-flight requests and exit.
// If the new process fails or is not ready in time, the old one carries on.

const (
	pidFileName    = "sada.pid"
	statusFileName = "upgrade.json"
	upgradeTimeout = 60 * time.Second
)

// lifecycle ties a server process to its data directory: the pid file, the
// hand-over to a new binary, and the readiness load balancers ask about.
type lifecycle struct {
	upg        *tableflip.Upgrader
	statusPath string
	log        *slog.Logger
	ready      atomic.Bool
	draining   atomic.Bool
	parent     int          // the process this one replaces, during an upgrade
	busy       atomic.Int64 // requests in flight, streams left out
}

// upgradeStatus is what the old process records about the last upgrade,
// for `sada upgrade` to report.
type upgradeStatus struct {
	Time  time.Time `json:"time"`
	OK    bool      `json:"ok"`
	PID   int       `json:"pid"`
	Error string    `json:"error,omitempty"`
}

// startLifecycle refuses to run a second independent server on one data
// directory, then prepares the upgrader and listens for SIGHUP.
func startLifecycle(ctx context.Context, dataDir string, log *slog.Logger) (*lifecycle, error) {
	pidPath := filepath.Join(dataDir, pidFileName)
	upg, err := tableflip.New(tableflip.Options{PIDFile: pidPath, UpgradeTimeout: upgradeTimeout})
	if err != nil {
		return nil, fmt.Errorf("prepare upgrades: %w", err)
	}
	if !upg.HasParent() {
		if pid, alive := runningPID(pidPath); alive {
			upg.Stop()
			return nil, fmt.Errorf("another sada serve (pid %d) is already using %s; to replace it with a new binary run `sada upgrade --data %s`", pid, dataDir, dataDir)
		}
	}
	l := &lifecycle{upg: upg, statusPath: filepath.Join(dataDir, statusFileName), log: log, parent: os.Getppid()}
	go l.upgradeOnHUP(ctx)
	return l, nil
}

// runningPID reads a pid file and says whether that process still runs.
func runningPID(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return pid, false
	}
	return pid, syscall.Kill(pid, 0) == nil
}

func (l *lifecycle) upgradeOnHUP(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	defer signal.Stop(sig)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
			l.log.Info("upgrade requested: starting the new binary")
			err := l.upg.Upgrade()
			st := upgradeStatus{Time: time.Now().UTC(), OK: err == nil, PID: os.Getpid()}
			if err != nil {
				st.Error = err.Error()
				l.log.Error("upgrade failed; this process keeps serving", "err", err)
			} else {
				l.log.Info("upgrade succeeded: the new process is ready; draining this one")
			}
			l.writeStatus(st)
		}
	}
}

func (l *lifecycle) writeStatus(st upgradeStatus) {
	b, _ := json.Marshal(st)
	tmp := l.statusPath + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err == nil {
		err = os.Rename(tmp, l.statusPath)
		if err != nil {
			l.log.Error("record upgrade status", "err", err)
		}
	}
}

// listen returns the listener for addr, inherited from the old process
// during an upgrade.
func (l *lifecycle) listen(addr string) (net.Listener, error) {
	return l.upg.Listen("tcp", addr)
}

// markReady tells the old process (if any) to hand over, and load
// balancers that this one serves.
func (l *lifecycle) markReady() error {
	if err := l.upg.Ready(); err != nil {
		return fmt.Errorf("signal ready: %w", err)
	}
	l.ready.Store(true)
	return nil
}

// track counts the requests in flight, leaving out streams, which last
// until they are ended, so that a draining process knows when it has
// answered everything it accepted.
func (l *lifecycle) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isStream(r) {
			next.ServeHTTP(w, r)
			return
		}
		l.busy.Add(1)
		defer l.busy.Add(-1)
		next.ServeHTTP(w, r)
	})
}

// waitIdle returns once no request but streams is in flight, or when ctx
// ends. A draining process ends its streams only then: every post it
// acknowledged is stored by that time, so a reader resuming on the new
// process finds it there.
func (l *lifecycle) waitIdle(ctx context.Context) {
	for l.busy.Load() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// exited is closed when a new process has taken over.
func (l *lifecycle) exited() <-chan struct{} { return l.upg.Exit() }

// drain marks the process as going away: /readyz answers 503 from now on.
func (l *lifecycle) drain() { l.draining.Store(true) }

func (l *lifecycle) stop() { l.upg.Stop() }

// waitForParent returns once the process this one replaced (if any) has
// exited, so that work which must not overlap with the previous release
// starts only when this is the only release running.
func (l *lifecycle) waitForParent(ctx context.Context) error {
	if !l.upg.HasParent() {
		return nil
	}
	parent := l.parent
	for parent > 1 && os.Getppid() == parent && syscall.Kill(parent, 0) == nil {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return nil
}

// routes adds the health endpoints: /livez answers while the process runs,
// /readyz only while it is ready and not draining.
func (l *lifecycle) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /livez", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		switch {
		case l.draining.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "draining")
		case !l.ready.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "starting")
		default:
			fmt.Fprintln(w, "ready")
		}
	})
}

// upgradeCommand is `sada upgrade`: it finds the running server by its pid
// file, asks it to replace itself with the binary now installed at its
// path, and reports how that went. It exits non-zero when the upgrade
// failed, in which case the old process is still serving.
func upgradeCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := loadConfig("upgrade", args, stderr)
	if err != nil {
		return err
	}
	pidPath := filepath.Join(cfg.DataDir, pidFileName)
	pid, alive := runningPID(pidPath)
	if !alive {
		return fmt.Errorf("no running sada serve found for data directory %s (pid file %s)", cfg.DataDir, pidPath)
	}
	statusPath := filepath.Join(cfg.DataDir, statusFileName)
	before := time.Time{}
	if fi, err := os.Stat(statusPath); err == nil {
		before = fi.ModTime()
	}
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		return fmt.Errorf("signal pid %d: %w", pid, err)
	}
	fmt.Fprintf(stdout, "asked sada (pid %d) to upgrade; waiting for the new process to be ready\n", pid)
	deadline := time.Now().Add(upgradeTimeout + 10*time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		fi, err := os.Stat(statusPath)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && !fi.ModTime().After(before)) {
			continue
		}
		b, err := os.ReadFile(statusPath)
		if err != nil {
			return fmt.Errorf("read upgrade status: %w", err)
		}
		var st upgradeStatus
		if err := json.Unmarshal(b, &st); err != nil {
			continue // being replaced; read again
		}
		if !st.OK {
			return fmt.Errorf("upgrade failed, the old process (pid %d) keeps serving: %s", pid, st.Error)
		}
		newPID, _ := runningPID(pidPath)
		fmt.Fprintf(stdout, "upgraded: pid %d replaced pid %d\n", newPID, pid)
		return nil
	}
	return fmt.Errorf("no answer from pid %d within %v; check its logs", pid, upgradeTimeout)
}
