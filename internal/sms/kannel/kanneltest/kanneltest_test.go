package kanneltest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigFromExample(t *testing.T) {
	g := &Gateway{t: t, dir: "/tmp/kt", User: "u", Password: "p"}
	g.ports.admin, g.ports.box, g.ports.fake, g.ports.sendsms = 1, 2, 3, 4
	conf := g.config(Options{IncomingURL: "http://127.0.0.1:9/in?secret=s", Throughput: 5})
	for _, want := range []string{
		"admin-port = 1\n", "smsbox-port = 2\n", "smsc = fake\nsmsc-id = fake\nport = 3\n", "throughput = 5\n",
		"bearerbox-port = 2\n", "sendsms-port = 4\n", "mo-recode = true\n", "max-messages = 0\n",
		`get-url = "http://127.0.0.1:9/in?secret=s&from=%p&to=%P&text=%a&time=%T&id=%I&coding=%c&charset=%C"`,
		"username = u\npassword = p\nmax-messages = 10\nconcatenation = true\n", `store-location = "/tmp/kt/kannel.store"`,
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	for _, gone := range []string{"smpp", "CHANGE.smsc.example", "/var/log"} {
		if strings.Contains(conf, gone) {
			t.Errorf("config still has %q", gone)
		}
	}
	if strings.Count(conf, "group = smsc\n") != 1 {
		t.Errorf("config has %d smsc groups, want 1", strings.Count(conf, "group = smsc\n"))
	}
}

// TestExampleParses has Kannel's own configuration checker read the
// example, when kannel-extras is installed.
func TestExampleParses(t *testing.T) {
	const checker = "/usr/lib/kannel/test/test_cfg"
	if _, err := os.Stat(checker); err != nil {
		Need(t) // skips, or fails under SADA_REQUIRE_KANNEL=1 without Kannel
		t.Skipf("%s not installed (kannel-extras)", checker)
	}
	out, err := exec.Command(checker, filepath.Join(moduleRoot(t), "deploy", "kannel", "kannel.conf")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "cfg_read returned 0") {
		t.Fatalf("test_cfg: %v\n%s", err, out)
	}
}
