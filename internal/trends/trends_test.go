package trends_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/trends"
)

// now is the clock of these tests: no test waits for real time to pass.
var now = time.Date(2025, 6, 14, 18, 30, 0, 0, time.UTC)

type world struct {
	t        *testing.T
	st       store.Store
	accounts []*store.Account
}

func newWorld(t *testing.T, accounts int) *world {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sada.db"), sqlite.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{t: t, st: st}
	for i := range accounts {
		a := &store.Account{ID: id.New(), Username: fmt.Sprintf("user%d", i), CreatedAt: now.Add(-30 * 24 * time.Hour)}
		if err := st.CreateAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
		w.accounts = append(w.accounts, a)
	}
	return w
}

// post has account i post the tags, ago before now.
func (w *world) post(i int, ago time.Duration, vis store.Visibility, tags ...string) {
	w.t.Helper()
	n := store.NewStatus{Status: &store.Status{
		ID: id.New(), AccountID: w.accounts[i].ID, Text: "#" + tags[0], Visibility: vis, CreatedAt: now.Add(-ago),
	}}
	for _, tag := range tags {
		n.Tags = append(n.Tags, tag)
		n.TagKeys = append(n.TagKeys, post.TagKey(tag))
	}
	if _, _, err := w.st.CreateStatus(w.t.Context(), n); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) top(at time.Time) []trends.Tag {
	w.t.Helper()
	r := trends.New(w.st)
	r.Now = func() time.Time { return at }
	tags, err := r.Top(w.t.Context(), 10)
	if err != nil {
		w.t.Fatal(err)
	}
	return tags
}

func keys(tags []trends.Tag) []string {
	out := []string{}
	for _, t := range tags {
		out = append(out, t.Key)
	}
	return out
}

// TestBurstRisesSpamStaysOut drives a week of ordinary use, then a burst
// of a new tag from many accounts and a flood of one tag from one account.
func TestBurstRisesSpamStaysOut(t *testing.T) {
	w := newWorld(t, 40)
	hour := time.Hour
	// A week of ordinary use: "tehran" by ten regulars every six hours,
	// "weather" by a few people a day.
	for ago := 7 * 24 * hour; ago > 6*hour; ago -= 6 * hour {
		for i := range 10 {
			w.post(i, ago-time.Duration(i)*time.Minute, store.Public, "Tehran")
		}
	}
	for day := range 7 {
		for i := 10; i < 13; i++ {
			w.post(i, time.Duration(day*24+10)*hour, store.Public, "weather")
		}
	}
	before := w.top(now.Add(-2 * hour))
	if slices.Contains(keys(before), "mahsaamini") {
		t.Fatalf("trending before the burst: %v", keys(before))
	}

	// The last six hours: the regulars as usual, a burst of a new tag from
	// twenty accounts (some tagging it twice), and one account posting
	// "buyfollowers" a hundred times.
	for i := range 10 {
		w.post(i, 3*hour, store.Public, "tehran")
	}
	for i := 10; i < 30; i++ {
		w.post(i, time.Duration(i)*time.Minute, store.Public, "MahsaAmini", "tehran")
		if i%3 == 0 {
			w.post(i, time.Duration(i)*time.Minute/2, store.Unlisted, "mahsaamini")
		}
	}
	for range 100 {
		w.post(39, 30*time.Minute, store.Public, "buyfollowers")
	}
	// Private posts are nobody's trend.
	for i := 30; i < 39; i++ {
		w.post(i, hour, store.Private, "secret")
	}

	got := w.top(now)
	if len(got) == 0 || got[0].Key != "mahsaamini" {
		t.Fatalf("trends = %v, want mahsaamini first", keys(got))
	}
	for _, k := range []string{"buyfollowers", "secret", "weather"} {
		if slices.Contains(keys(got), k) {
			t.Errorf("trends = %v: %q should not trend", keys(got), k)
		}
	}
	if top := got[0]; top.Accounts != 20 || len(top.History) != trends.HistoryDays ||
		top.History[0].Uses != 26 || top.History[0].Accounts != 20 || !top.History[0].Day.Equal(now.Truncate(24*hour)) {
		t.Errorf("top = %+v, want 20 accounts and a %d-day history starting today with 26 uses by 20 accounts",
			top, trends.HistoryDays)
	}
	// The regulars' tag got twenty newcomers too, so it rises, below the
	// new one: expected about ten regulars, observed thirty.
	if i := slices.Index(keys(got), "tehran"); i != 1 {
		t.Errorf("trends = %v, want tehran second", keys(got))
	}
}

func TestScore(t *testing.T) {
	window, baseline := 6*time.Hour, 7*24*time.Hour
	tests := []struct {
		name                  string
		observed, accountHour int64
		want                  float64
	}{
		{"new tag, many accounts", 20, 0, 400},
		{"new tag, one account", 1, 0, 1},
		{"as usual", 10, 270, 0},
		{"below usual", 3, 270, 0},
		{"ten times usual", 100, 270, 810},
	}
	for _, tc := range tests {
		got := trends.Score(tc.observed, tc.accountHour, window, baseline)
		if math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%s: Score(%d, %d) = %v, want %v", tc.name, tc.observed, tc.accountHour, got, tc.want)
		}
	}
}

func TestCacheAndPrune(t *testing.T) {
	w := newWorld(t, 3)
	for i := range 3 {
		w.post(i, time.Hour, store.Public, "first")
	}
	r := trends.New(w.st)
	clock := now
	r.Now = func() time.Time { return clock }
	top := func() []string {
		t.Helper()
		tags, err := r.Top(t.Context(), 10)
		if err != nil {
			t.Fatal(err)
		}
		return keys(tags)
	}
	if got := top(); !slices.Equal(got, []string{"first"}) {
		t.Fatalf("trends = %v, want [first]", got)
	}
	for i := range 3 {
		w.post(i, 0, store.Public, "second")
	}
	if got := top(); !slices.Equal(got, []string{"first"}) {
		t.Errorf("within the TTL: %v, want the cached [first]", got)
	}
	clock = clock.Add(r.TTL)
	if got := top(); len(got) != 2 {
		t.Errorf("after the TTL: %v, want two tags", got)
	}
	// Weeks later nothing trends, and the old counts are gone.
	clock = clock.Add(30 * 24 * time.Hour)
	if got := top(); len(got) != 0 {
		t.Errorf("a month later: %v, want none", got)
	}
	h, err := w.st.TagHistory(t.Context(), []string{"first"}, now.Add(-24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if h["first"][0].Uses != 0 {
		t.Errorf("history after pruning: %+v, want the counts gone", h["first"])
	}
}
