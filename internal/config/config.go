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
	"strings"
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
	}
}

// setting ties one field to its flag and its environment variable.
type setting struct {
	flag, env, usage string
	ptr              *string
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "SADA_ADDR", "listen address (host:port)", &c.Addr},
		{"data", "SADA_DATA", "data directory (SQLite database)", &c.DataDir},
		{"domain", "SADA_DOMAIN", "public domain used in links (default: the listen address)", &c.Domain},
		{"registrations", "SADA_REGISTRATIONS", "whether sign-up is open: open or closed", &c.Registrations},
		{"title", "SADA_TITLE", "instance title shown to clients", &c.Title},
		{"description", "SADA_DESCRIPTION", "instance description shown to clients", &c.Description},
		{"sync", "SADA_SYNC", "SQLite synchronous mode: FULL (survives power loss) or NORMAL (survives crashes)", &c.Sync},
	}
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
