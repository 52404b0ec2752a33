package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/account"
	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/loadgen"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// benchSeedStore is sada bench seed-store: the population's shape written
// straight into sada's own SQLite store in bulk, for sizes (10,000
// accounts, a million posts) that registering through the API would take
// hours to reach. It writes only to the data directory given.
func benchSeedStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sada bench seed-store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "sada's data directory to seed (required; stop the server first)")
	accounts := fs.Int("accounts", 10_000, "accounts to create")
	follows := fs.Int("follows", 50, "follows per account, on average (a power-law spread of followers)")
	posts := fs.Int("posts", 1_000_000, "posts to create, spread over --span")
	span := fs.Duration("span", 30*24*time.Hour, "how far back the posts go")
	save := fs.String("save", "", "write the population (with every account's token) to this file (required)")
	target := fs.String("target", "", "the URL the server will answer on, recorded in the population file")
	seed := fs.Uint64("seed", 1, "random seed, for repeatable populations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" || *save == "" {
		return errors.New("bench seed-store: --data DIR and --save FILE are required")
	}
	cfg, err := loadConfig("bench seed-store", []string{"--data", *data}, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()

	hash, err := account.HashPassword("bench-password")
	if err != nil {
		return err
	}
	app := &store.App{ID: id.New(), Name: "sada bench", RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob"},
		Scopes: []string{"read", "write", "follow"}, ClientID: "bench-" + fmt.Sprint(id.New()), ClientSecret: fmt.Sprint(id.New())}
	if err := st.CreateApp(ctx, app); err != nil {
		return fmt.Errorf("bench seed-store: %w", err)
	}
	sd, err := st.NewSeeder(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	pop, err := loadgen.SeedStore(ctx, sd, loadgen.StoreSeedConfig{
		Accounts: *accounts, MeanFollows: *follows, Posts: *posts, Seed: *seed, AppID: app.ID,
		PasswordHash: hash, HashToken: mastoapi.HashToken,
		PullThreshold: social.DefaultPullThreshold, HomeSize: social.HomeSize, Span: *span,
		Progress: func(format string, args ...any) {
			fmt.Fprintf(stderr, "seed-store %5.1fs: "+format+"\n", append([]any{time.Since(start).Seconds()}, args...)...)
		},
	})
	if err != nil {
		return errors.Join(fmt.Errorf("bench seed-store: %w", err), sd.Abort())
	}
	if err := sd.Finish(social.DefaultPullThreshold); err != nil {
		return fmt.Errorf("bench seed-store: %w", err)
	}
	pop.Target = strings.TrimRight(*target, "/")
	if err := pop.Save(*save); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d accounts, %d posts into %s in %s; population in %s\n",
		*accounts, *posts, cfg.DatabasePath(), time.Since(start).Round(time.Second), *save)
	return nil
}
