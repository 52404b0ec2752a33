// Package trends finds the hashtags people have suddenly started using:
// not the most used ones, but those used much more in the recent window
// than their own usual rate.
//
// For each tag used by a public or unlisted post in the window:
//
//	observed = distinct accounts that used it in the window
//	expected = its baseline account-hours (the distinct accounts of each
//	           hour of the baseline, added up) × window / baseline
//	score    = (observed − expected)² / max(expected, 1)   if observed > expected
//
// a chi-square-like surprise that grows with both how far above its usual
// rate a tag is and how many people that is. Counting accounts, not posts,
// means one account repeating a tag adds one however often it posts; a tag
// also needs MinAccounts distinct accounts in the window to trend at all.
// Expected counts an account once per hour it was active, so a tag its
// regulars use all day has a high baseline and needs many new people to
// trend.
package trends

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// Defaults of a Ranker.
const (
	DefaultWindow      = 6 * time.Hour
	DefaultBaseline    = 7 * 24 * time.Hour
	DefaultMinAccounts = 3
	// DefaultTTL is how long a ranking is reused: trends move over minutes,
	// and the web interface shows them on every home page.
	DefaultTTL = time.Minute
	// HistoryDays of use are shown with each tag, as Mastodon does.
	HistoryDays = 7
	// pruneEvery is how often counts older than the baseline are deleted.
	pruneEvery = time.Hour
	// maxTrends bounds a ranking whatever limit is asked.
	maxTrends = 40
)

// Tag is a trending hashtag.
type Tag struct {
	Key      string // as post.TagKey makes it; what Mastodon calls the name
	Score    float64
	Accounts int64          // distinct accounts in the window
	History  []store.TagDay // the last HistoryDays days, newest first
}

// Ranker ranks trending tags from the store's counts. Its fields may be
// set before first use; New sets the defaults.
type Ranker struct {
	Store       store.Store
	Window      time.Duration // the recent period whose use is compared
	Baseline    time.Duration // the period before now (window included) a tag's usual rate is taken from
	MinAccounts int64
	TTL         time.Duration
	Now         func() time.Time // the clock, replaceable in tests

	mu       sync.Mutex
	cached   []Tag
	cachedAt time.Time
	prunedAt time.Time
}

// New returns a Ranker with the default window, baseline and threshold.
func New(st store.Store) *Ranker {
	return &Ranker{
		Store: st, Window: DefaultWindow, Baseline: DefaultBaseline,
		MinAccounts: DefaultMinAccounts, TTL: DefaultTTL, Now: time.Now,
	}
}

// Score is the formula in the package documentation.
func Score(observed, baselineAccountHours int64, window, baseline time.Duration) float64 {
	rest := baseline - window
	if rest <= 0 {
		rest = time.Hour
	}
	expected := float64(baselineAccountHours) * window.Hours() / rest.Hours()
	o := float64(observed)
	if o <= expected {
		return 0
	}
	return (o - expected) * (o - expected) / max(expected, 1)
}

// Top returns up to limit trending tags, highest score first, each with its
// history. It is what GET /api/v1/trends/tags and the web sidebar show.
func (r *Ranker) Top(ctx context.Context, limit int) ([]Tag, error) {
	limit = min(max(limit, 0), maxTrends)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.Now()
	if r.cached == nil || r.TTL <= 0 || now.Sub(r.cachedAt) >= r.TTL || now.Before(r.cachedAt) {
		tags, err := r.rank(ctx, now)
		if err != nil {
			return nil, err
		}
		r.cached, r.cachedAt = tags, now
		r.prune(ctx, now)
	}
	return slices.Clone(r.cached[:min(limit, len(r.cached))]), nil
}

// rank computes the ranking at now.
func (r *Ranker) rank(ctx context.Context, now time.Time) ([]Tag, error) {
	activity, err := r.Store.TagActivity(ctx, now.Add(-r.Window), now.Add(-r.Baseline))
	if err != nil {
		return nil, fmt.Errorf("trends: %w", err)
	}
	tags := []Tag{}
	for _, a := range activity {
		if a.Accounts < r.MinAccounts {
			continue
		}
		if s := Score(a.Accounts, a.BaselineAccountHours, r.Window, r.Baseline); s > 0 {
			tags = append(tags, Tag{Key: a.Key, Score: s, Accounts: a.Accounts})
		}
	}
	slices.SortFunc(tags, func(a, b Tag) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Accounts, a.Accounts), strings.Compare(a.Key, b.Key))
	})
	tags = tags[:min(len(tags), maxTrends)]
	if err := r.history(ctx, tags, now); err != nil {
		return nil, err
	}
	return tags, nil
}

// history fills in the tags' last HistoryDays days.
func (r *Ranker) history(ctx context.Context, tags []Tag, now time.Time) error {
	if len(tags) == 0 {
		return nil
	}
	keys := make([]string, len(tags))
	for i, t := range tags {
		keys[i] = t.Key
	}
	h, err := History(ctx, r.Store, keys, now)
	if err != nil {
		return err
	}
	for i := range tags {
		tags[i].History = h[tags[i].Key]
	}
	return nil
}

// History returns the last HistoryDays days of use of each key, newest
// first: the history Mastodon shows with every Tag (in search results too).
func History(ctx context.Context, st store.Store, keys []string, now time.Time) (map[string][]store.TagDay, error) {
	h, err := st.TagHistory(ctx, keys, now.Add(-(HistoryDays-1)*24*time.Hour), now)
	if err != nil {
		return nil, fmt.Errorf("tag history: %w", err)
	}
	return h, nil
}

// prune drops counts trends no longer need, at most once per pruneEvery.
// A failure is retried next time; rankings do not depend on it.
func (r *Ranker) prune(ctx context.Context, now time.Time) {
	if now.Sub(r.prunedAt) < pruneEvery && !now.Before(r.prunedAt) {
		return
	}
	keep := max(r.Baseline, HistoryDays*24*time.Hour) + 24*time.Hour
	if _, err := r.Store.PruneTagActivity(ctx, now.Add(-keep)); err == nil {
		r.prunedAt = now
	}
}
