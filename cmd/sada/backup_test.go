package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBackupUnderWriteLoad takes a backup while posts are being written,
// restores it into a fresh data directory and checks that every post
// acknowledged before the backup began is there.
func TestBackupUnderWriteLoad(t *testing.T) {
	rig := newUpgradeRig(t)
	lr := &loadResult{}
	stop := make(chan struct{})
	wg := mixedLoad(rig.srv.URL, rig.tokens, stop, lr)
	time.Sleep(2 * time.Second)

	lr.mu.Lock()
	before := append([]string(nil), lr.acked...)
	lr.mu.Unlock()
	backup := filepath.Join(t.TempDir(), "sada-backup.db")
	out, err := exec.Command(sadaBinary(t), "backup", "--data", rig.data, backup).CombinedOutput()
	if err != nil {
		t.Fatalf("sada backup: %v\n%s", err, out)
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(lr.failures) > 0 {
		t.Errorf("%d requests failed while backing up; first: %s", len(lr.failures), lr.failures[0])
	}

	// Restoring over a running server is refused.
	if out, err := exec.Command(sadaBinary(t), "restore", "--data", rig.data, backup).CombinedOutput(); err == nil || !strings.Contains(string(out), "stop it first") {
		t.Fatalf("restore over a running server: %v %s", err, out)
	}

	fresh := filepath.Join(t.TempDir(), "restored")
	if out, err := exec.Command(sadaBinary(t), "restore", "--data", fresh, backup).CombinedOutput(); err != nil {
		t.Fatalf("sada restore: %v\n%s", err, out)
	}
	srv := startServer(t, fresh)
	missing := 0
	for _, id := range before {
		if c := srv.api(t, "GET", "/api/v1/statuses/"+id, rig.tokens[0], nil, nil); c != 200 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d posts acknowledged before the backup are missing from it", missing, len(before))
	}
	t.Logf("backup under load: %d posts acknowledged before it began, all restored; %d requests during the run, 0 failed", len(before), lr.requests)

	if out, err := exec.Command(sadaBinary(t), "backup", "--data", rig.data, backup).CombinedOutput(); err == nil {
		t.Fatalf("backup over an existing file succeeded: %s", out)
	}
	if out, err := exec.Command(sadaBinary(t), "restore", "--data", fresh, filepath.Join(t.TempDir(), "nothing.db")).CombinedOutput(); err == nil {
		t.Fatalf("restore of a missing file succeeded: %s", out)
	}
}
