package loadgen

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// SeedConfig is the population to create through the API.
type SeedConfig struct {
	Accounts    int // accounts to register (ignored when Tokens is set)
	MeanFollows int // follows per account, on average
	Posts       int // posts to make, spread over the accounts
	Concurrency int // requests at once while seeding
	Seed        uint64
	// Tokens, when set, are existing accounts' access tokens (for a server
	// where the tool cannot register accounts): they are used instead.
	Tokens []string
	// Progress, when set, hears what the seed is doing.
	Progress func(format string, args ...any)
}

// Seed creates a population through the client API: an app, accounts
// (registered with the app's token, as a client app signs people up), a
// power-law follow graph and posts. Refusals for load (429, 503) are
// retried after a pause.
func Seed(ctx context.Context, c *Client, cfg SeedConfig) (*Population, error) {
	say := cfg.Progress
	if say == nil {
		say = func(string, ...any) {}
	}
	conc := max(cfg.Concurrency, 1)
	pop := &Population{Target: c.Base.String()}

	tokens := cfg.Tokens
	if len(tokens) == 0 {
		var err error
		say("registering %d accounts", cfg.Accounts)
		if tokens, err = register(ctx, c, cfg.Accounts, conc); err != nil {
			return nil, err
		}
	}
	pop.Accounts = make([]Account, len(tokens))
	err := parallel(ctx, len(tokens), conc, func(ctx context.Context, i int) error {
		var me struct {
			ID       string `json:"id"`
			Username string `json:"username"`
		}
		if err := retry(ctx, func() error {
			return c.JSON(ctx, "GET", "/api/v1/accounts/verify_credentials", tokens[i], nil, &me)
		}); err != nil {
			return err
		}
		pop.Accounts[i] = Account{ID: me.ID, Username: me.Username, Token: tokens[i]}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed: accounts: %w", err)
	}

	g := PowerLawGraph(cfg.Seed, len(pop.Accounts), max(cfg.MeanFollows, 1), 1.0)
	type edge struct{ from, to int }
	var edges []edge
	for i, fs := range g.Follows {
		for _, j := range fs {
			edges = append(edges, edge{i, j})
		}
	}
	say("following: %d follows", len(edges))
	err = parallel(ctx, len(edges), conc, func(ctx context.Context, k int) error {
		e := edges[k]
		return retry(ctx, func() error {
			return c.JSON(ctx, "POST", "/api/v1/accounts/"+url.PathEscape(pop.Accounts[e.to].ID)+"/follow",
				pop.Accounts[e.from].Token, url.Values{}, nil)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("seed: follows: %w", err)
	}
	pop.Follows = g.Follows
	for i := range pop.Accounts {
		pop.Accounts[i].Followers = g.Followers[i]
		pop.Accounts[i].Following = len(g.Follows[i])
	}

	say("posting: %d posts", cfg.Posts)
	names := make([]string, len(pop.Accounts))
	for i, a := range pop.Accounts {
		names[i] = a.Username
	}
	var mu sync.Mutex
	texts := NewTexts(cfg.Seed, names)
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	err = parallel(ctx, cfg.Posts, conc, func(ctx context.Context, k int) error {
		mu.Lock()
		text, lang := texts.Next()
		author := pop.Accounts[rng.IntN(len(pop.Accounts))]
		mu.Unlock()
		return retry(ctx, func() error {
			return c.JSON(ctx, "POST", "/api/v1/statuses", author.Token,
				url.Values{"status": {text}, "language": {lang}}, nil)
		})
	})
	if err != nil {
		return nil, fmt.Errorf("seed: posts: %w", err)
	}
	pop.Posts = cfg.Posts
	return pop, nil
}

// register signs up n accounts through one app and returns their tokens.
func register(ctx context.Context, c *Client, n, conc int) ([]string, error) {
	var app struct {
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
	}
	const scopes = "read write follow"
	err := c.JSON(ctx, "POST", "/api/v1/apps", "", url.Values{
		"client_name": {"sada bench"}, "redirect_uris": {"urn:ietf:wg:oauth:2.0:oob"}, "scopes": {scopes},
	}, &app)
	if err != nil {
		return nil, fmt.Errorf("seed: register app: %w", err)
	}
	var appTok struct {
		AccessToken string `json:"access_token"`
	}
	err = c.JSON(ctx, "POST", "/oauth/token", "", url.Values{
		"grant_type": {"client_credentials"}, "client_id": {app.ClientID},
		"client_secret": {app.ClientSecret}, "scope": {scopes},
	}, &appTok)
	if err != nil {
		return nil, fmt.Errorf("seed: app token: %w", err)
	}
	// A run prefix keeps usernames unique across seeds of the same server.
	var b [3]byte
	_, _ = crand.Read(b[:])
	prefix := "b" + hex.EncodeToString(b[:])
	tokens := make([]string, n)
	locales := []string{"ar", "fa", "en"}
	err = parallel(ctx, n, conc, func(ctx context.Context, i int) error {
		name := prefix + "_" + strconv.Itoa(i)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		err := retry(ctx, func() error {
			return c.JSON(ctx, "POST", "/api/v1/accounts", appTok.AccessToken, url.Values{
				"username": {name}, "email": {name + "@example.org"}, "password": {"bench-" + prefix + "-password"},
				"agreement": {"true"}, "locale": {locales[i%len(locales)]},
			}, &tok)
		})
		tokens[i] = tok.AccessToken
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seed: register: %w", err)
	}
	return tokens, nil
}

// parallel runs fn for 0..n-1 on conc workers and returns the first error.
func parallel(ctx context.Context, n, conc int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// retry runs fn again after a refusal for load (429 or 503), waiting a
// second longer each time (at most 5 s), up to 8 times.
func retry(ctx context.Context, fn func() error) error {
	for attempt := 0; ; attempt++ {
		err := fn()
		var se *StatusError
		if attempt >= 8 || !errors.As(err, &se) || (se.Status != 429 && se.Status != 503) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(min(attempt+1, 5)) * time.Second):
		}
	}
}
