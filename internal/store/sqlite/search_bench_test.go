package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
)

// BenchmarkSearchStatuses times full-text searches over SADA_BENCH_POSTS
// posts (100,000) by 1,000 accounts, their words drawn from a vocabulary
// of Persian, Arabic and English words with a few very common ones. Run:
//
//	go test -run '^$' -bench SearchStatuses ./internal/store/sqlite/
func BenchmarkSearchStatuses(b *testing.B) {
	n := 100_000
	if v := os.Getenv("SADA_BENCH_POSTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "sada.db"), Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	viewer := seedSearch(b, s, n)

	tests := []struct {
		name, query string
		prefix      bool
		page        store.Page
	}{
		{"common word", "ایران", false, store.Page{Limit: 20}},
		{"rare word", "rare", false, store.Page{Limit: 20}},
		{"two words", "ایران freedom", false, store.Page{Limit: 20}},
		{"prefix", "free", true, store.Page{Limit: 20}},
		{"common word, deep max_id", "ایران", false, store.Page{Limit: 20, MaxID: id.FromTime(time.Now().Add(-time.Hour)) + 1}},
		{"no match", "nothing", false, store.Page{Limit: 20}},
	}
	for _, tc := range tests {
		b.Run(tc.name, func(b *testing.B) {
			q := store.StatusSearch{Terms: search.Terms(tc.query), Prefix: tc.prefix, ViewerID: viewer, Page: tc.page}
			for b.Loop() {
				if _, err := s.SearchStatuses(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// seedSearch writes n posts straight into the tables, in one transaction,
// and returns an account that follows a tenth of the authors. Two posts
// in a hundred are private. The posts span the last two hours, newest
// with the highest id, as ids are made.
func seedSearch(b *testing.B, s *Store, n int) int64 {
	b.Helper()
	ctx := context.Background()
	words := strings.Fields(`ایران آزادی زن زندگی خبر امروز تهران مردم شهر خیابان
		الحرية الشعب اليوم مدينة أخبار freedom people today street news city women life
		کتاب مدرسه دانشگاه کار خانه نان آب برق اینترنت قطع وصل`)
	rng := rand.New(rand.NewPCG(1, 2))
	var viewer int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		var accounts []int64
		for i := range 1000 {
			a := id.New()
			accounts = append(accounts, a)
			if _, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, username, username_key, created_at)
				VALUES (?, ?, ?, 0)`, a, fmt.Sprint("user", i), fmt.Sprint("user", i)); err != nil {
				return err
			}
		}
		viewer = accounts[0]
		for i := 0; i < len(accounts); i += 10 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO follows (id, account_id, target_id, created_at) VALUES (?, ?, ?, 0)`,
				id.New(), viewer, accounts[i]); err != nil {
				return err
			}
		}
		start := time.Now().Add(-2 * time.Hour)
		for i := range n {
			var text []string
			if rng.IntN(2) == 0 {
				text = append(text, "ایران") // in half the posts
			}
			for range 8 {
				// Squaring skews towards the first words: a few common, most rare.
				f := rng.Float64()
				text = append(text, words[int(f*f*float64(len(words)))])
			}
			if i%10_000 == 0 {
				text = append(text, "rare")
			}
			vis := "public"
			if rng.IntN(50) == 0 {
				vis = "private"
			}
			at := start.Add(time.Duration(i) * 2 * time.Hour / time.Duration(n))
			sid := id.FromTime(at) | int64(rng.IntN(1<<16))
			body := strings.Join(text, " ")
			if _, err := tx.ExecContext(ctx, `INSERT INTO statuses (id, account_id, text, visibility, created_at)
				VALUES (?, ?, ?, ?, ?)`, sid, accounts[rng.IntN(len(accounts))], body, vis, toMicro(at)); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO status_search (rowid, body) VALUES (?, ?)`,
				sid, search.IndexText(body)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return viewer
}
