// Package config holds sada's settings: one typed Config, its defaults, and
// loading from flags and SADA_* environment variables. It is passed down
// explicitly, never read from a global.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Registration modes.
const (
	RegistrationsOpen   = "open"
	RegistrationsClosed = "closed"
)

// Config is everything `sada serve` can be told.
type Config struct {
	Addr          string // listen address, host:port
	DataDir       string // where the SQLite database (and later media) live
	Domain        string // public host[:port] used in links; defaults to Addr
	Registrations string // open or closed
	// Title and Description describe the instance to clients.
	Title       string
	Description string
	// Sync is SQLite's synchronous setting: FULL survives power loss,
	// NORMAL only a crash of the process.
	Sync string

	// AdminAddr, when set, is a second listener for /metrics and
	// /debug/pprof, kept off the public port. AdminToken, when set, lets a
	// request bearing it reach them on the main port too.
	AdminAddr  string
	AdminToken string
	// RateLimitAccount and RateLimitAddress are "N/duration" (such as
	// "300/5m" and "7500/5m", Mastodon's) or "off", the default: many people
	// behind one carrier-grade NAT share an address, and what a server can
	// take is the load shedder's business; an operator turns them on.
	RateLimitAccount string
	RateLimitAddress string
	// MaxReads and MaxWrites bound the requests served at once in each
	// lane; MaxQueue bounds those waiting for a turn in each, and QueueWait
	// how long one waits before it is answered 503.
	MaxReads  string
	MaxWrites string
	MaxQueue  string
	QueueWait string

	// SMS is text messaging through Kannel, off unless configured (sms.go).
	SMS SMSConfig
}

// Default returns the settings used when nothing is given.
func Default() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "sada-data",
		Registrations: RegistrationsOpen,
		Title:         "sada",
		Description:   "A microblogging service that keeps working.",
		Sync:          "FULL",

		RateLimitAccount: "off",
		RateLimitAddress: "off",
		MaxReads:         "64",
		MaxWrites:        "32",
		MaxQueue:         "256",
		QueueWait:        "250ms",

		SMS: defaultSMS(),
	}
}

// setting ties one field to its flag and its environment variable.
type setting struct {
	flag, env, usage string
	ptr              *string
}

func (c *Config) settings() []setting {
	s := []setting{
		{"addr", "SADA_ADDR", "listen address (host:port)", &c.Addr},
		{"data", "SADA_DATA", "data directory (SQLite database)", &c.DataDir},
		{"domain", "SADA_DOMAIN", "public domain used in links (default: the listen address)", &c.Domain},
		{"registrations", "SADA_REGISTRATIONS", "whether sign-up is open: open or closed", &c.Registrations},
		{"title", "SADA_TITLE", "instance title shown to clients", &c.Title},
		{"description", "SADA_DESCRIPTION", "instance description shown to clients", &c.Description},
		{"sync", "SADA_SYNC", "SQLite synchronous mode: FULL (survives power loss) or NORMAL (survives crashes)", &c.Sync},
		{"admin-addr", "SADA_ADMIN_ADDR", "address (host:port) serving /metrics and /debug/pprof (default: /metrics on the main port, no pprof)", &c.AdminAddr},
		{"admin-token", "SADA_ADMIN_TOKEN", "bearer token that opens /metrics and /debug/pprof on the main port", &c.AdminToken},
		{"rate-limit-account", "SADA_RATE_LIMIT_ACCOUNT", "requests per account: N/duration (e.g. 300/5m) or off", &c.RateLimitAccount},
		{"rate-limit-address", "SADA_RATE_LIMIT_ADDRESS", "requests per client address (IPv6: per /64): N/duration or off", &c.RateLimitAddress},
		{"max-reads", "SADA_MAX_READS", "read requests served at once; more wait, then get 503", &c.MaxReads},
		{"max-writes", "SADA_MAX_WRITES", "write requests served at once; more wait, then get 503", &c.MaxWrites},
		{"max-queue", "SADA_MAX_QUEUE", "requests that may wait for a turn in each lane (reads, writes); more get 503 at once", &c.MaxQueue},
		{"queue-wait", "SADA_QUEUE_WAIT", "longest wait for a turn before a 503 (e.g. 500ms)", &c.QueueWait},
	}
	return append(s, c.smsSettings()...)
}

// Load reads flags from args, with SADA_* variables (looked up with getenv)
// as defaults beneath them, then validates. A flag beats its variable.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	c := Default()
	for _, s := range c.settings() {
		if v := getenv(s.env); v != "" {
			*s.ptr = v
		}
		fs.StringVar(s.ptr, s.flag, *s.ptr, fmt.Sprintf("%s [$%s]", s.usage, s.env))
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.Domain == "" {
		c.Domain = c.Addr
	}
	return c, c.Validate()
}

// Validate reports the first setting that cannot work.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port: %w", c.Addr, err)
	}
	if c.DataDir == "" {
		return errors.New("data directory is empty")
	}
	switch c.Registrations {
	case RegistrationsOpen, RegistrationsClosed:
	default:
		return fmt.Errorf("registrations %q: want open or closed", c.Registrations)
	}
	switch strings.ToUpper(c.Sync) {
	case "FULL", "NORMAL":
	default:
		return fmt.Errorf("sync %q: want FULL or NORMAL", c.Sync)
	}
	if c.AdminAddr != "" {
		if _, _, err := net.SplitHostPort(c.AdminAddr); err != nil {
			return fmt.Errorf("admin-addr %q: want host:port: %w", c.AdminAddr, err)
		}
	}
	if _, err := ParseRate(c.RateLimitAccount); err != nil {
		return fmt.Errorf("rate-limit-account: %w", err)
	}
	if _, err := ParseRate(c.RateLimitAddress); err != nil {
		return fmt.Errorf("rate-limit-address: %w", err)
	}
	for _, n := range []struct{ name, v string }{{"max-reads", c.MaxReads}, {"max-writes", c.MaxWrites}} {
		if v, err := strconv.Atoi(n.v); err != nil || v < 1 {
			return fmt.Errorf("%s %q: want a whole number of at least 1", n.name, n.v)
		}
	}
	if v, err := strconv.Atoi(c.MaxQueue); err != nil || v < 0 {
		return fmt.Errorf("max-queue %q: want a whole number, 0 or more", c.MaxQueue)
	}
	if d, err := time.ParseDuration(c.QueueWait); err != nil || d < 0 {
		return fmt.Errorf("queue-wait %q: want a duration such as 500ms", c.QueueWait)
	}
	if _, err := c.parseSMS(); err != nil {
		return err
	}
	if strings.ContainsAny(c.Domain, "/ ") {
		return fmt.Errorf("domain %q: want a host name with an optional port, no scheme or path", c.Domain)
	}
	return nil
}

// DatabasePath is the SQLite file inside the data directory.
func (c Config) DatabasePath() string { return filepath.Join(c.DataDir, "sada.db") }

// Env is os.Getenv, named for callers of Load.
var Env = os.Getenv

// BaseURL is the public origin links are built from: https, unless the
// domain is a loopback address (a local or test instance without TLS).
func (c Config) BaseURL() string {
	host := c.Domain
	if h, _, err := net.SplitHostPort(c.Domain); err == nil {
		host = h
	}
	if host == "localhost" || host == "" {
		return "http://" + c.Domain
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLoopback() || ip.IsUnspecified()) {
		return "http://" + c.Domain
	}
	return "https://" + c.Domain
}

// Rate is a rate limit: N requests in each window of Per. The zero Rate
// means no limit.
type Rate struct {
	N   int
	Per time.Duration
}

// Off reports whether the rate sets no limit.
func (r Rate) Off() bool { return r.N == 0 }

// ParseRate reads "N/duration" ("300/5m") or "off".
func ParseRate(s string) (Rate, error) {
	if s == "off" || s == "0" {
		return Rate{}, nil
	}
	ns, ds, ok := strings.Cut(s, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return Rate{}, fmt.Errorf("rate %q: want N/duration (such as 300/5m) or off", s)
	}
	d, err := time.ParseDuration(ds)
	if err != nil || d < time.Second {
		return Rate{}, fmt.Errorf("rate %q: want a window of at least 1s (such as 5m)", s)
	}
	return Rate{N: n, Per: d}, nil
}

// Limits are the parsed load settings; call them on a validated Config.
type Limits struct {
	Account, Address Rate
	Reads, Writes    int
	Queue            int
	Wait             time.Duration
}

// Limits returns the rate limits and the shedder's sizes. Validate has
// already rejected anything that does not parse.
func (c Config) Limits() Limits {
	var l Limits
	l.Account, _ = ParseRate(c.RateLimitAccount)
	l.Address, _ = ParseRate(c.RateLimitAddress)
	l.Reads, _ = strconv.Atoi(c.MaxReads)
	l.Writes, _ = strconv.Atoi(c.MaxWrites)
	l.Queue, _ = strconv.Atoi(c.MaxQueue)
	l.Wait, _ = time.ParseDuration(c.QueueWait)
	return l
}
