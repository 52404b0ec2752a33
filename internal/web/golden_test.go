package web

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestPostGolden pins the markup of one post, the piece every timeline
// repeats twenty times: its weight, its labels and its direction marks.
// Run with -update after a deliberate change, and read the diff.
func TestPostGolden(t *testing.T) {
	pages, err := loadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 21, 9, 5, 0, 0, time.UTC)
	now := at.Add(90 * time.Minute)
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			l := locales[lang]
			alice := viewAccount(&store.Account{ID: 3, Username: "alice", DisplayName: "آلیس"})
			bob := viewAccount(&store.Account{ID: 4, Username: "bob"})
			pv := postView{
				L: l, EntryID: 116000000000000002, ID: 116000000000000001, Permalink: "/@alice/116000000000000001",
				Author: alice, RepostedBy: &bob, ReplyTo: &bob,
				HTML:       postHTML("@bob سلام! https://example.org/x #گل\u200cسرخ", linker{base: "https://sada.example", domain: "sada.example", accounts: map[string]string{"bob": "bob"}}),
				Visibility: store.Unlisted, ISO: at.Format(time.RFC3339), Ago: l.Ago(at, now), Exact: l.Exact(at),
				Replies: l.Count(2), Reposts: l.Count(1234), Favourites: l.Count(0),
				Favourited: true, SignedIn: true, CanRepost: true,
			}
			var b bytes.Buffer
			if err := pages["timeline"].ExecuteTemplate(&b, "post", pv); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join("testdata", "post."+lang+".golden")
			if *update {
				if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), b.String()); diff != "" {
				t.Errorf("post markup changed (-want +got); run with -update if meant:\n%s", diff)
			}
		})
	}
}
