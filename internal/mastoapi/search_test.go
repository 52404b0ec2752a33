package mastoapi_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// searchIDs runs GET /api/v2/search?q=query&type=statuses as token and
// returns the status ids.
func (ts *testServer) searchIDs(t *testing.T, token, query string, extra ...string) []string {
	t.Helper()
	q := url.Values{"q": {query}, "type": {"statuses"}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	res := ts.get(t, "/api/v2/search?"+q.Encode(), token).want(t, 200).obj(t)
	var out []string
	for _, st := range res["statuses"].([]any) {
		out = append(out, st.(map[string]any)["id"].(string))
	}
	return out
}

func TestSearchStatusesVisibility(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	bob := ts.signUp(t, "bob")     // follows alice
	carol := ts.signUp(t, "carol") // does not
	dave := ts.signUp(t, "dave")   // is mentioned
	ts.follow(t, bob, alice)
	id := func(st map[string]any) string { return st["id"].(string) }

	// Each post is searchable as soon as the API has answered for it.
	public := ts.postStatus(t, alice, "the protest in Tehran")
	if got := ts.searchIDs(t, carol.Token, "tehran"); !cmp.Equal(got, []string{id(public)}) {
		t.Fatalf("right after posting: %v, want [%s]", got, id(public))
	}
	unlisted := ts.postStatus(t, alice, "another protest", map[string]any{"visibility": "unlisted"})
	private := ts.postStatus(t, alice, "a protest for followers", map[string]any{"visibility": "private"})
	direct := ts.postStatus(t, alice, "@dave the protest, quietly", map[string]any{"visibility": "direct"})
	ts.call(t, "POST", "/api/v1/statuses/"+id(public)+"/reblog", bob.Token, nil).want(t, 200)

	tests := []struct {
		name  string
		token string
		want  []string
	}{
		{"author", alice.Token, []string{id(direct), id(private), id(unlisted), id(public)}},
		{"follower", bob.Token, []string{id(private), id(unlisted), id(public)}},
		{"someone else", carol.Token, []string{id(unlisted), id(public)}},
		{"mentioned", dave.Token, []string{id(direct), id(unlisted), id(public)}},
		{"visitor: statuses need a token", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantIDs(t, "search protest", ts.searchIDs(t, tc.token, "protest"), tc.want...)
		})
	}

	// The results are statuses as the REST API shows them to the reader.
	res := ts.get(t, "/api/v2/search?type=statuses&q=tehran", bob.Token).want(t, 200).obj(t)
	rest := ts.get(t, "/api/v1/statuses/"+id(public), bob.Token).want(t, 200).obj(t)
	if diff := cmp.Diff([]any{rest}, res["statuses"]); diff != "" {
		t.Errorf("search result differs from GET /api/v1/statuses/:id (-rest +search):\n%s", diff)
	}

	t.Run("paging", func(t *testing.T) {
		wantIDs(t, "limit", ts.searchIDs(t, alice.Token, "protest", "limit", "2"), id(direct), id(private))
		wantIDs(t, "offset", ts.searchIDs(t, alice.Token, "protest", "limit", "2", "offset", "2"), id(unlisted), id(public))
		wantIDs(t, "max_id", ts.searchIDs(t, alice.Token, "protest", "max_id", id(private)), id(unlisted), id(public))
		wantIDs(t, "min_id", ts.searchIDs(t, alice.Token, "protest", "min_id", id(public), "limit", "1"), id(unlisted))
		wantIDs(t, "account_id", ts.searchIDs(t, alice.Token, "protest", "account_id", bob.ID))
	})
	t.Run("deleted", func(t *testing.T) {
		ts.call(t, "DELETE", "/api/v1/statuses/"+id(public), alice.Token, nil).want(t, 200)
		wantIDs(t, "after delete", ts.searchIDs(t, carol.Token, "tehran"))
	})
}

// TestSearchNormalisation posts each spelling and searches with another:
// the rules of package search, end to end over HTTP.
func TestSearchNormalisation(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	tests := []struct {
		rule, text, query string
	}{
		{"tashkeel", "كَتَبَ الطالبُ", "كتب"},
		{"tatweel", "يوم جـــميل", "جميل"},
		{"alef forms", "أحمد، إسلام، آمنة", "احمد اسلام امنه"},
		{"yeh", "علی آمد", "علي"},
		{"alef maksura", "المستشفى", "المستشفي"},
		{"kaf", "کتاب", "كتاب"},
		{"teh marbuta and heh", "مدرسة", "مدرسه"},
		{"ZWNJ, query without", "می\u200cخواهم بروم", "میخواهم"},
		{"ZWNJ, query with", "میخواهم بمانم", "می\u200cخواهم"},
		{"part of a compound", "کتاب\u200cها", "کتاب"},
		{"Persian digits", "سال ۱۴۰۱", "1401"},
		{"Arabic-Indic digits", "عام ٢٠٢٢", "2022"},
		{"Latin case and accents", "Café in MÜNCHEN", "cafe munchen"},
		{"prefix of the last word", "Iranian voices", "iran"},
	}
	ids := make([]string, len(tests))
	for i, tc := range tests {
		ids[i] = ts.postStatus(t, alice, tc.text)["id"].(string)
	}
	for i, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			// Some rules overlap (two posts with the same word): each post
			// must be among its query's results.
			if got := ts.searchIDs(t, alice.Token, tc.query); !slices.Contains(got, ids[i]) {
				t.Errorf("search %q: %v, want it to include %s (%q)", tc.query, got, ids[i], tc.text)
			}
		})
	}
}

func TestSearchAccountsAndHashtags(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	ali := ts.signUp(t, "ali")
	ts.call(t, "PATCH", "/api/v1/accounts/update_credentials", ali.Token,
		map[string]any{"display_name": "علی رضایی"}).want(t, 200)
	ts.follow(t, alice, ali)
	ts.postStatus(t, alice, "#آزادی #Freedom now")
	ts.postStatus(t, alice, "#secret plans", map[string]any{"visibility": "private"})

	search := func(token string, q url.Values) map[string]any {
		t.Helper()
		return ts.get(t, "/api/v2/search?"+q.Encode(), token).want(t, 200).obj(t)
	}
	accountIDs := func(res map[string]any) []string {
		var out []string
		for _, a := range res["accounts"].([]any) {
			out = append(out, a.(map[string]any)["id"].(string))
		}
		return out
	}
	tagNames := func(res map[string]any) []string {
		var out []string
		for _, h := range res["hashtags"].([]any) {
			out = append(out, h.(map[string]any)["name"].(string))
		}
		return out
	}

	t.Run("accounts", func(t *testing.T) {
		wantIDs(t, "exact username first", accountIDs(search("", url.Values{"q": {"ali"}, "type": {"accounts"}})), ali.ID, alice.ID)
		wantIDs(t, "@name@domain", accountIDs(search("", url.Values{"q": {"@alice@" + ts.Listener.Addr().String()}})), alice.ID)
		wantIDs(t, "other servers", accountIDs(search("", url.Values{"q": {"alice@mastodon.social"}})))
		wantIDs(t, "display name, other yeh", accountIDs(search("", url.Values{"q": {"رضايي"}})), ali.ID)
		wantIDs(t, "following", accountIDs(search(alice.Token, url.Values{"q": {"ali"}, "following": {"true"}})), ali.ID)
	})
	t.Run("hashtags", func(t *testing.T) {
		res := search("", url.Values{"q": {"#free"}, "type": {"hashtags"}})
		if got := tagNames(res); !cmp.Equal(got, []string{"freedom"}) {
			t.Fatalf("hashtags %v, want [freedom]", got)
		}
		tag := res["hashtags"].([]any)[0].(map[string]any)
		history := tag["history"].([]any)
		if len(history) != 7 {
			t.Fatalf("history of %d days, want 7", len(history))
		}
		today := history[0].(map[string]any)
		if today["uses"] != "1" || today["accounts"] != "1" || today["day"] == "" {
			t.Errorf("today: %v, want 1 use by 1 account, as strings", today)
		}
		if !strings.HasSuffix(tag["url"].(string), "/tags/freedom") {
			t.Errorf("url %v", tag["url"])
		}
		if got := tagNames(search("", url.Values{"q": {"ازادي"}})); !cmp.Equal(got, []string{"آزادی"}) {
			t.Errorf("Persian tag by Arabic spelling: %v", got)
		}
		if got := tagNames(search("", url.Values{"q": {"secret"}})); len(got) != 0 {
			t.Errorf("a tag only private posts use: %v", got)
		}
	})
	t.Run("all kinds", func(t *testing.T) {
		res := search(alice.Token, url.Values{"q": {"freedom"}})
		if len(res["statuses"].([]any)) != 1 || len(res["hashtags"].([]any)) != 1 || len(res["accounts"].([]any)) != 0 {
			t.Errorf("search freedom: %v", res)
		}
	})
}

func TestSearchBadInput(t *testing.T) {
	ts := newServer(t)
	alice := ts.signUp(t, "alice")
	ts.postStatus(t, alice, "something to find")
	// Whatever q holds, the answer is a result or a 4xx: the harness fails
	// any 5xx. None of these is FTS syntax by the time it reaches the index.
	for _, q := range []string{
		`"`, `"unclosed`, `*`, `something*`, `a OR b`, `NEAR(a b)`, `-something`, `col:value`, `^start`,
		`(`, `)`, `{a b}`, `'`, `\`, `%`, `_`, `a AND`, `\x00`, "caf\xe9", strings.Repeat("word ", 500),
		"🙂", "#", "@", "@@", "#@", "؟", "\u200c", "…", "+",
	} {
		res := ts.get(t, "/api/v2/search?"+url.Values{"q": {q}}.Encode(), alice.Token)
		if res.Status != 200 {
			t.Errorf("q=%q: status %d: %s", q, res.Status, res.Body)
		}
	}
	tests := []struct {
		name, query, token string
		want               int
	}{
		{"no q", "type=statuses", "", 400},
		{"empty q", "q=+", "", 400},
		{"bad type", "q=a&type=lists", "", 400},
		{"offset without a user", "q=a&offset=5", "", 401},
		{"resolve without a user", "q=a&resolve=true", "", 401},
		{"bad limit", "q=a&limit=many", "", 400},
		{"bad max_id", "q=a&max_id=x", alice.Token, 400},
		{"bad boolean", "q=a&following=maybe", alice.Token, 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts.get(t, "/api/v2/search?"+tc.query, tc.token).wantError(t, tc.want)
		})
	}
	// With a user, offset and resolve are fine (resolve finds nothing more:
	// sada does not federate).
	ts.get(t, "/api/v2/search?q=something&offset=1&resolve=true", alice.Token).want(t, 200)
	ts.get(t, "/api/v2/search?q=something&limit=1000", alice.Token).want(t, 200)
}
