package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/loadgen"
)

const benchUsage = `Usage:
  sada bench [flags]              seed a population through the API (or load one with
                                  --population) and run the workloads against --target
  sada bench seed [flags]         only seed through the API and save the population (--save)
  sada bench seed-store [flags]   write a large population straight into sada's own
                                  data directory (--data), for sizes the API would take
                                  hours to fill; run it while the server is stopped
  sada bench startup [flags]      start this binary as a server on a free loopback port:
                                  time to its first answered request, idle memory

Workloads: home (home-timeline reads), post (posts by accounts with about
--author-followers followers), mix (--read-fraction reads, the rest posts), stream
(follower streams: time from a post's acknowledgement to its arrival), search
(/api/v2/search), and surge (posts at a sustainable rate, then ten times it, then
it again; then every acknowledged post is read back). The default is every one but
surge. The target must be a loopback address unless --allow-remote is given.
`

// benchFlags are the flags of sada bench and sada bench seed.
type benchFlags struct {
	target, population, save, tokens, workloads, metrics, metricsToken string
	allowRemote, jsonOut, quiet, noBaseline                            bool
	accounts, follows, posts, concurrency, seedConc                    int
	streams, streamPosts, authorFollowers, surgeConc                   int
	duration                                                           time.Duration
	rate, readFraction, surgeRate                                      float64
	seed                                                               uint64
}

func (b *benchFlags) register(fs *flag.FlagSet, run bool) {
	fs.StringVar(&b.target, "target", "http://127.0.0.1:8080", "server to load (its base URL)")
	fs.BoolVar(&b.allowRemote, "allow-remote", false, "allow a target that is not a loopback address")
	fs.IntVar(&b.accounts, "accounts", 200, "accounts to register when seeding")
	fs.IntVar(&b.follows, "follows", 20, "follows per account, on average, when seeding")
	fs.IntVar(&b.posts, "posts", 1000, "posts to make when seeding")
	fs.IntVar(&b.seedConc, "seed-concurrency", 8, "requests at once while seeding")
	fs.StringVar(&b.tokens, "tokens", "", "file of existing accounts' access tokens, one a line, used instead of registering accounts")
	fs.StringVar(&b.save, "save", "", "write the seeded population (with its tokens) to this file")
	fs.Uint64Var(&b.seed, "seed", 1, "random seed, for repeatable populations and workloads")
	if !run {
		return
	}
	fs.StringVar(&b.population, "population", "", "use a population saved by seed or seed-store instead of seeding")
	fs.StringVar(&b.workloads, "workloads", strings.Join(loadgen.AllWorkloads, ","), "comma-separated workloads: home, post, mix, stream, search, surge")
	fs.IntVar(&b.concurrency, "concurrency", 16, "requests in flight at once")
	fs.DurationVar(&b.duration, "duration", 10*time.Second, "how long each workload runs")
	fs.Float64Var(&b.rate, "rate", 0, "requests per second to offer (open loop); 0 sends as fast as answered")
	fs.Float64Var(&b.readFraction, "read-fraction", 0.9, "share of home reads in the mix workload")
	fs.IntVar(&b.authorFollowers, "author-followers", 100, "the post workload's authors have about this many followers")
	fs.IntVar(&b.streams, "streams", 100, "follower streams to open in the stream workload")
	fs.IntVar(&b.streamPosts, "stream-posts", 20, "posts made while the streams are open, 10 a second")
	fs.Float64Var(&b.surgeRate, "surge-rate", 0, "the surge's sustainable posts per second (default: what the post workload measured)")
	fs.IntVar(&b.surgeConc, "surge-concurrency", 256, "requests in flight at most during the surge")
	fs.BoolVar(&b.noBaseline, "no-baseline", false, "skip measuring the trivial handler")
	fs.StringVar(&b.metrics, "metrics", "", "the server's Prometheus metrics URL, for its memory (default: TARGET/metrics; \"off\" skips)")
	fs.StringVar(&b.metricsToken, "metrics-token", "", "bearer token for the metrics URL (sada's --admin-token)")
	fs.BoolVar(&b.jsonOut, "json", false, "print the report as JSON")
	fs.BoolVar(&b.quiet, "quiet", false, "no progress line")
}

// bench runs sada bench and its subcommands.
func bench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return benchSeed(ctx, args[1:], stdout, stderr)
		case "seed-store":
			return benchSeedStore(ctx, args[1:], stdout, stderr)
		case "startup":
			return benchStartup(ctx, args[1:], stdout, stderr)
		case "run":
			args = args[1:]
		}
	}
	fs := flag.NewFlagSet("sada bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, benchUsage, "\nFlags:\n"); fs.PrintDefaults() }
	var b benchFlags
	b.register(fs, true)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	works := strings.Split(b.workloads, ",")
	for _, w := range works {
		if !validWorkload(w) {
			return fmt.Errorf("bench: unknown workload %q", w)
		}
	}
	c, err := loadgen.NewClient(b.target, max(b.concurrency, b.surgeConc, b.streams)+16, b.allowRemote)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	var pop *loadgen.Population
	if b.population != "" {
		if pop, err = loadgen.LoadPopulation(b.population); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
	} else if pop, err = seedAPI(ctx, c, &b, stderr); err != nil {
		return err
	}
	metrics := b.metrics
	switch metrics {
	case "":
		metrics = c.Base.String() + "/metrics"
	case "off":
		metrics = ""
	}
	terminal := isTerminal(stderr)
	cfg := loadgen.Config{
		Workloads: works, Concurrency: b.concurrency, Duration: b.duration, Rate: b.rate,
		ReadFraction: b.readFraction, AuthorFollowers: b.authorFollowers, Streams: b.streams, StreamPosts: b.streamPosts,
		SurgeRate: b.surgeRate, SurgeConcurrency: b.surgeConc, Baseline: !b.noBaseline,
		MetricsURL: metrics, MetricsToken: b.metricsToken, Seed: b.seed,
	}
	if !b.quiet {
		cfg.Progress = loadgen.ProgressLine(stderr, terminal)
	}
	rep, err := loadgen.Bench(ctx, c, pop, cfg)
	if terminal && !b.quiet {
		fmt.Fprintln(stderr)
	}
	if err != nil && rep == nil {
		return fmt.Errorf("bench: %w", err)
	}
	if b.jsonOut {
		if werr := rep.WriteJSON(stdout); werr != nil {
			return werr
		}
	} else if werr := rep.WriteText(stdout); werr != nil {
		return werr
	}
	if err != nil {
		return fmt.Errorf("bench: stopped early: %w", err)
	}
	return nil
}

func validWorkload(w string) bool {
	switch w {
	case loadgen.WorkHome, loadgen.WorkPost, loadgen.WorkMix, loadgen.WorkStream, loadgen.WorkSearch, loadgen.WorkSurge:
		return true
	}
	return false
}

// benchSeed is sada bench seed: seed through the API and save.
func benchSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sada bench seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var b benchFlags
	b.register(fs, false)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if b.save == "" {
		return errors.New("bench seed: --save FILE is required")
	}
	c, err := loadgen.NewClient(b.target, b.seedConc+4, b.allowRemote)
	if err != nil {
		return fmt.Errorf("bench seed: %w", err)
	}
	pop, err := seedAPI(ctx, c, &b, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d accounts and %d posts on %s; population in %s\n", len(pop.Accounts), pop.Posts, b.target, b.save)
	return nil
}

// seedAPI seeds through the API as the flags say, saving when asked.
func seedAPI(ctx context.Context, c *loadgen.Client, b *benchFlags, stderr io.Writer) (*loadgen.Population, error) {
	cfg := loadgen.SeedConfig{Accounts: b.accounts, MeanFollows: b.follows, Posts: b.posts, Concurrency: b.seedConc, Seed: b.seed}
	if !b.quiet {
		cfg.Progress = func(format string, args ...any) { fmt.Fprintf(stderr, "seed: "+format+"\n", args...) }
	}
	if b.tokens != "" {
		toks, err := readLines(b.tokens)
		if err != nil {
			return nil, fmt.Errorf("bench: tokens: %w", err)
		}
		cfg.Tokens = toks
	}
	pop, err := loadgen.Seed(ctx, c, cfg)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if b.save != "" {
		if err := pop.Save(b.save); err != nil {
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	return pop, nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no tokens", path)
	}
	return out, nil
}

// isTerminal says whether w is a character device (a terminal), where the
// progress line can be rewritten in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
