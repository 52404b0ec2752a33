package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSecondServerRefused: a second independent server on the same data
// directory is refused with a message naming the running one.
func TestSecondServerRefused(t *testing.T) {
	data := t.TempDir()
	first := startServer(t, data)
	out, err := exec.Command(sadaBinary(t), "serve", "--addr", "127.0.0.1:0", "--data", data).CombinedOutput()
	if err == nil {
		t.Fatalf("second server started on %s: %s", data, out)
	}
	if !strings.Contains(string(out), "already using") || !strings.Contains(string(out), "sada upgrade") {
		t.Fatalf("refusal %q does not explain itself", out)
	}
	if c := first.api(t, "GET", "/readyz", "", nil, nil); c != 200 {
		t.Fatalf("first server readyz: %d", c)
	}
	// Once the first is gone (even by kill -9, leaving its pid file), a
	// new server starts.
	_ = first.cmd.Process.Kill()
	_ = first.cmd.Wait()
	startServer(t, data)
}
