package loadgen

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// BulkWriter takes a population's rows in bulk; sada's SQLite Seeder is
// one. Statuses come oldest first.
type BulkWriter interface {
	Account(a *store.Account) error
	Token(t *store.Token) error
	Follow(id, follower, target int64, at time.Time) error
	Status(st *store.Status, tags, tagKeys []string) error
	Home(accountID int64, statusIDs []int64) error
}

// StoreSeedConfig is a population to write directly into a store.
type StoreSeedConfig struct {
	Accounts    int
	MeanFollows int
	Posts       int
	Seed        uint64
	// AppID is the app the tokens belong to (created by the caller).
	AppID int64
	// PasswordHash is given to every account (hashing one password per
	// account would dominate the seed).
	PasswordHash string
	// HashToken is how the server stores tokens (mastoapi.HashToken).
	HashToken func(string) string
	// PullThreshold and HomeSize are the server's delivery policy: accounts
	// with that many followers are read at read time, and each home keeps
	// its newest HomeSize entries.
	PullThreshold int
	HomeSize      int
	// Span is how far back in time the posts go.
	Span     time.Duration
	Progress func(format string, args ...any)
}

// SeedStore writes the same shape Seed makes through the API (power-law
// follows, posts in Arabic, Persian and English with tags, mentions and
// links) straight into w, with home timelines as fan-out on write would
// have left them (the newest HomeSize entries of each), and returns the
// population with every account's token.
func SeedStore(ctx context.Context, w BulkWriter, cfg StoreSeedConfig) (*Population, error) {
	say := cfg.Progress
	if say == nil {
		say = func(string, ...any) {}
	}
	n := cfg.Accounts
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	g := PowerLawGraph(cfg.Seed, n, max(cfg.MeanFollows, 1), 1.0)
	now := time.Now().UTC()
	start := now.Add(-cfg.Span - time.Hour)

	var b [3]byte
	_, _ = crand.Read(b[:])
	prefix := "s" + hex.EncodeToString(b[:])
	pop := &Population{Accounts: make([]Account, n), Follows: g.Follows, Posts: cfg.Posts}
	ids := make([]int64, n)
	names := make([]string, n)
	byName := make(map[string]int64, n)
	gen := &pastIDs{rng: rng}
	say("accounts: %d", n)
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		created := start.Add(time.Duration(i) * time.Millisecond)
		ids[i] = gen.at(created)
		names[i] = prefix + "_" + strconv.Itoa(i)
		byName[strings.ToLower(names[i])] = ids[i]
		a := &store.Account{ID: ids[i], Username: names[i], Email: names[i] + "@example.org",
			PasswordHash: cfg.PasswordHash, Language: []string{"ar", "fa", "en"}[i%3], CreatedAt: created,
			Pull: g.Followers[i] >= cfg.PullThreshold}
		if err := w.Account(a); err != nil {
			return nil, err
		}
		var tb [20]byte
		_, _ = crand.Read(tb[:])
		tok := hex.EncodeToString(tb[:])
		if err := w.Token(&store.Token{ID: gen.at(created), TokenHash: cfg.HashToken(tok), AppID: cfg.AppID, AccountID: ids[i],
			Scopes: []string{"read", "write", "follow"}, CreatedAt: created}); err != nil {
			return nil, err
		}
		pop.Accounts[i] = Account{ID: strconv.FormatInt(ids[i], 10), Username: names[i], Token: tok,
			Followers: g.Followers[i], Following: len(g.Follows[i])}
	}

	followers := make([][]int32, n)
	edges := 0
	for i, fs := range g.Follows {
		for _, j := range fs {
			followers[j] = append(followers[j], int32(i))
			edges++
		}
	}
	say("follows: %d", edges)
	for i, fs := range g.Follows {
		for _, j := range fs {
			if err := w.Follow(gen.at(start.Add(time.Hour)), ids[i], ids[j], start.Add(time.Hour)); err != nil {
				return nil, err
			}
		}
	}

	// Each home is a ring of its newest HomeSize status ids, filled as
	// fan-out on write would fill it, and written out at the end.
	homes := make([]ring, n)
	texts := NewTexts(cfg.Seed, names)
	step := cfg.Span / time.Duration(max(cfg.Posts, 1))
	say("posts: %d", cfg.Posts)
	for k := range cfg.Posts {
		if k%100_000 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if k > 0 {
				say("posts: %d of %d", k, cfg.Posts)
			}
		}
		at := start.Add(time.Hour + time.Duration(k)*step)
		author := rng.IntN(n)
		raw, lang := texts.Next()
		text, err := post.Check(raw)
		if err != nil {
			return nil, fmt.Errorf("seed: generated text %q: %w", raw, err)
		}
		vis := store.Public
		switch r := rng.IntN(100); {
		case r < 3:
			vis = store.Private
		case r < 10:
			vis = store.Unlisted
		}
		st := &store.Status{ID: gen.at(at), AccountID: ids[author], Text: text,
			Visibility: vis, Language: lang, CreatedAt: at, ApplicationID: cfg.AppID}
		ents := post.Parse(text)
		var tags, keys []string
		for _, t := range ents.Tags {
			tags, keys = append(tags, t), append(keys, post.TagKey(t))
		}
		for _, m := range ents.Mentions {
			if aid, ok := byName[strings.ToLower(m.Username)]; ok && m.Domain == "" {
				st.MentionIDs = append(st.MentionIDs, aid)
			}
		}
		if err := w.Status(st, tags, keys); err != nil {
			return nil, err
		}
		homes[author].add(st.ID, cfg.HomeSize)
		if g.Followers[author] < cfg.PullThreshold {
			for _, f := range followers[author] {
				homes[f].add(st.ID, cfg.HomeSize)
			}
		}
	}
	say("home timelines")
	for i := range homes {
		if err := w.Home(ids[i], homes[i].ids()); err != nil {
			return nil, err
		}
	}
	return pop, nil
}

// ring keeps the newest ids added, up to a size.
type ring struct {
	buf  []int64
	next int
}

func (r *ring) add(v int64, size int) {
	if len(r.buf) < size {
		r.buf = append(r.buf, v)
		return
	}
	r.buf[r.next] = v
	r.next = (r.next + 1) % size
}

// ids returns the ids oldest first, which writes a home in key order.
func (r *ring) ids() []int64 {
	return append(append([]int64(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}

// pastIDs makes ids for rows dated in the past, as package id would have
// made them then: the time in the high bits, random low bits, and strictly
// increasing.
type pastIDs struct {
	rng  *rand.Rand
	last int64
}

func (p *pastIDs) at(t time.Time) int64 {
	v := max(id.FromTime(t)|int64(p.rng.IntN(1<<16)), p.last+1)
	p.last = v
	return v
}
