package social_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// These benchmarks measure the delivery policy end to end on a real SQLite
// file: posting by accounts with few and very many followers, and reading a
// home timeline while following few or many accounts. Run with
//
//	go test -run '^$' -bench . -benchtime 200x ./internal/social/
//
// Figures are recorded in docs/PERFORMANCE.md.

func benchService(b *testing.B) (*social.Service, store.Store) {
	b.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), sqlite.Options{Synchronous: "FULL"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return social.New(st, "bench.example"), st
}

func benchAccounts(b *testing.B, st store.Store, prefix string, n int) []*store.Account {
	b.Helper()
	out := make([]*store.Account, n)
	for i := range out {
		a := &store.Account{ID: id.New(), Username: fmt.Sprintf("%s%d", prefix, i), CreatedAt: time.Now()}
		if err := st.CreateAccount(context.Background(), a); err != nil {
			b.Fatal(err)
		}
		out[i] = a
	}
	return out
}

func benchFollow(b *testing.B, st store.Store, followers []*store.Account, target int64) {
	b.Helper()
	for _, f := range followers {
		if err := st.Follow(context.Background(), f.ID, target, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPost posts as an account with 100 followers (fanned out on
// write) and as one with 20,000 (past the pull threshold, so readers merge
// its posts): the second must cost no more than the first.
func BenchmarkPost(b *testing.B) {
	for _, n := range []int{100, 20_000} {
		b.Run(fmt.Sprintf("followers=%d", n), func(b *testing.B) {
			svc, st := benchService(b)
			ctx := context.Background()
			author := benchAccounts(b, st, "author", 1)[0]
			benchFollow(b, st, benchAccounts(b, st, "f", n), author.ID)
			author, _ = st.AccountByID(ctx, author.ID)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := svc.Post(ctx, author, social.PostInput{Text: fmt.Sprintf("خبر %d #تهران https://example.org/%d", i, i)}); err != nil {
					b.Fatal(err)
				}
				if i == 0 {
					author, _ = st.AccountByID(ctx, author.ID) // picks up the Pull flag
				}
			}
		})
	}
}

// BenchmarkHome reads a home timeline page while following 10 or 2,000
// accounts, one of which has more followers than the pull threshold.
func BenchmarkHome(b *testing.B) {
	for _, following := range []int{10, 2_000} {
		b.Run(fmt.Sprintf("following=%d", following), func(b *testing.B) {
			svc, st := benchService(b)
			svc.PullThreshold = 2 // makes the first author a pulled one cheaply
			ctx := context.Background()
			reader := benchAccounts(b, st, "reader", 1)[0]
			authors := benchAccounts(b, st, "author", following)
			for _, a := range authors {
				if err := st.Follow(ctx, reader.ID, a.ID, 0); err != nil {
					b.Fatal(err)
				}
			}
			benchFollow(b, st, benchAccounts(b, st, "extra", 2), authors[0].ID)
			svc2 := social.New(st, "bench.example") // normal threshold for the rest
			for i := 0; i < 2000; i++ {
				a := authors[i%len(authors)]
				s := svc2
				if i%len(authors) == 0 {
					s = svc
				}
				a, _ = st.AccountByID(ctx, a.ID)
				if _, err := s.Post(ctx, a, social.PostInput{Text: fmt.Sprintf("post %d", i)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				sts, err := svc.Home(ctx, reader, store.Page{Limit: 20})
				if err != nil {
					b.Fatal(err)
				}
				if len(sts) != 20 {
					b.Fatalf("home has %d statuses, want 20", len(sts))
				}
			}
		})
	}
}
