package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMastodonPyClient runs Mastodon.py (Debian's python3-mastodon), a real
// third-party client, against a running sada: it registers, logs in with a
// password, posts Persian text, follows, and reads the home timeline. CI
// installs the package and sets SADA_REQUIRE_CLIENTS=1 so the test cannot
// silently skip there.
func TestMastodonPyClient(t *testing.T) {
	python := "/usr/bin/python3" // Debian's, where python3-mastodon installs
	if err := exec.Command(python, "-c", "import mastodon").Run(); err != nil {
		if os.Getenv("SADA_REQUIRE_CLIENTS") != "" {
			t.Fatalf("python3-mastodon is required but not importable: %v", err)
		}
		t.Skip("python3-mastodon not installed (apt-get install python3-mastodon)")
	}
	srv := startServer(t, t.TempDir())
	out, err := exec.Command(python, "testdata/mastodon_py.py", srv.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("Mastodon.py against sada: %v\n%s\nserver logs:\n%s", err, out, srv.logs)
	}
	if !strings.Contains(string(out), "mastodon.py ok") {
		t.Fatalf("unexpected output: %s", out)
	}
	t.Log(strings.TrimSpace(string(out)))
}
