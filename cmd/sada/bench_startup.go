package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// listenLine is how sada serve announces its address.
var listenLine = regexp.MustCompile(`listening on (http://\S+)`)

// startupResult is what sada bench startup measured.
type startupResult struct {
	// FirstAnswerMillis is, for each run, the time from starting the
	// process to its first answered API request; the first run starts on
	// a fresh database (creating and migrating it).
	FirstAnswerMillis []float64 `json:"first_answer_ms"`
	// IdleRSSBytes is the fresh server's resident memory after it has
	// answered one request and sat idle for --settle.
	IdleRSSBytes uint64 `json:"idle_rss_bytes"`
}

// benchStartup is sada bench startup: start this very binary as a server
// on a free loopback port, time it to its first answered request, and read
// its resident memory once idle, from the kernel (/proc), not from the
// server's own account.
func benchStartup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sada bench startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 5, "times to start the server; the first on a fresh database")
	settle := fs.Duration("settle", 2*time.Second, "idle time before reading the memory")
	jsonOut := fs.Bool("json", false, "print JSON")
	exe := fs.String("binary", "", "the sada binary to start (default: this one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *exe == "" {
		self, err := os.Executable()
		if err != nil {
			return fmt.Errorf("bench startup: %w", err)
		}
		*exe = self
	}
	dir, err := os.MkdirTemp("", "sada-startup")
	if err != nil {
		return fmt.Errorf("bench startup: %w", err)
	}
	defer os.RemoveAll(dir)
	var res startupResult
	for i := range max(*runs, 1) {
		took, rss, err := startOnce(ctx, *exe, dir, i == 0, *settle)
		if err != nil {
			return fmt.Errorf("bench startup: run %d: %w", i+1, err)
		}
		res.FirstAnswerMillis = append(res.FirstAnswerMillis, float64(took.Microseconds())/1000)
		if i == 0 {
			res.IdleRSSBytes = rss
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	later := slices.Clone(res.FirstAnswerMillis[1:])
	slices.Sort(later)
	fmt.Fprintf(stdout, "start to first answered request: %.1f ms on a fresh database", res.FirstAnswerMillis[0])
	if len(later) > 0 {
		fmt.Fprintf(stdout, "; %.1f ms median of %d restarts (%.1f to %.1f)", later[len(later)/2], len(later), later[0], later[len(later)-1])
	}
	fmt.Fprintf(stdout, "\nidle resident memory on a fresh database: %.1f MiB\n", float64(res.IdleRSSBytes)/(1<<20))
	return nil
}

// startOnce starts the server, waits for its first answer and, when
// measure is set, reads its idle RSS; then stops it.
func startOnce(ctx context.Context, exe, dataDir string, measure bool, settle time.Duration) (time.Duration, uint64, error) {
	cmd := exec.CommandContext(ctx, exe, "serve", "--addr", "127.0.0.1:0", "--data", dataDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, err
	}
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
	}()
	var base string
	select {
	case base = <-urls:
	case <-time.After(30 * time.Second):
		return 0, 0, errors.New("the server did not print its address")
	}
	client := &http.Client{Timeout: time.Second}
	var took time.Duration
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := client.Get(base + "/api/v1/instance")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				took = time.Since(start)
				break
			}
		}
		if time.Now().After(deadline) {
			return 0, 0, errors.New("no answer within 30s")
		}
		time.Sleep(time.Millisecond)
	}
	if !measure {
		return took, 0, nil
	}
	time.Sleep(settle)
	rss, err := residentBytes(cmd.Process.Pid)
	return took, rss, err
}

// residentBytes reads a process's resident set size from /proc.
func residentBytes(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmRSS in /proc status")
}
