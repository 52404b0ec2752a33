package social

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/store"
)

// TestPullPageKeepsTheMergedPage checks that narrowing the pulled
// accounts' page never changes what Home returns: for random homes, pulled
// posts and pages, merging everything equals merging the home with only
// the pulled posts inside pullPage.
func TestPullPageKeepsTheMergedPage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	// within returns the statuses of ids inside p as a store would: newest
	// first, at most Limit of them (the lowest ones with MinID).
	within := func(ids []int64, p store.Page) []*store.Status {
		var in []int64
		for _, id := range ids {
			lower := max(p.SinceID, p.MinID)
			if (p.MaxID == 0 || id < p.MaxID) && id > lower {
				in = append(in, id)
			}
		}
		slices.Sort(in)
		if p.MinID != 0 {
			in = in[:min(len(in), p.Limit)]
		} else {
			in = in[max(len(in)-p.Limit, 0):]
		}
		slices.Reverse(in)
		out := make([]*store.Status, len(in))
		for i, id := range in {
			out[i] = &store.Status{ID: id}
		}
		return out
	}
	ids := func(sts []*store.Status) []int64 {
		out := []int64{}
		for _, st := range sts {
			out = append(out, st.ID)
		}
		return out
	}
	for range 2000 {
		var home, pulled []int64
		for id := int64(1); id <= 200; id++ {
			switch rng.IntN(4) {
			case 0:
				home = append(home, id)
			case 1:
				pulled = append(pulled, id)
			case 2: // in both: an old post of a now-pulled account
				home = append(home, id)
				pulled = append(pulled, id)
			}
		}
		p := store.Page{Limit: 1 + rng.IntN(30)}
		switch rng.IntN(4) {
		case 1:
			p.MaxID = int64(rng.IntN(200))
		case 2:
			p.SinceID = int64(rng.IntN(200))
		case 3:
			p.MinID = int64(rng.IntN(200))
		}
		h := within(home, p)
		want := mergePage(append(slices.Clone(h), within(pulled, p)...), p)
		got := mergePage(append(slices.Clone(h), within(pulled, pullPage(p, h))...), p)
		if d := cmp.Diff(ids(want), ids(got)); d != "" {
			t.Fatalf("page %+v: merged page changed (-want +got):\n%s", p, d)
		}
	}
}
