package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
)

// RunRealtime runs the contract of the store methods behind search, trends
// and live delivery. Every backend runs it beside Run, with the same open.
func RunRealtime(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"SearchStatusesVisibility", testSearchStatusesVisibility},
		{"SearchStatusesNormalisation", testSearchStatusesNormalisation},
		{"SearchStatusesPaging", testSearchStatusesPaging},
		{"SearchAccounts", testSearchAccounts},
		{"SearchTags", testSearchTags},
		{"TagActivity", testTagActivity},
		{"TagHistoryAndPrune", testTagHistoryAndPrune},
		{"FollowersAmong", testFollowersAmong},
		{"NotificationsCausedBy", testNotificationsCausedBy},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func createdAt(at time.Time) postOption { return func(n *store.NewStatus) { n.Status.CreatedAt = at } }

func withSpoiler(s string) postOption { return func(n *store.NewStatus) { n.Status.SpoilerText = s } }

// searchIDs runs a status search for query as viewer.
func searchIDs(t *testing.T, st store.Store, viewer *store.Account, query string, change ...func(*store.StatusSearch)) []int64 {
	t.Helper()
	q := store.StatusSearch{Terms: search.Terms(query), ViewerID: viewer.ID, Page: all}
	for _, c := range change {
		c(&q)
	}
	sts, err := st.SearchStatuses(t.Context(), q)
	if err != nil {
		t.Fatalf("SearchStatuses(%q): %v", query, err)
	}
	return statusIDs(sts)
}

func testSearchStatusesVisibility(t *testing.T, st store.Store) {
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob") // follows alice
	carol := mustCreateAccount(t, st, "carol")
	dave := mustCreateAccount(t, st, "dave") // mentioned
	mustFollow(t, st, bob, alice)

	public := mustPost(t, st, alice, withText("news from Tehran"))
	unlisted := mustPost(t, st, alice, withText("more news, unlisted"), withVisibility(store.Unlisted))
	private := mustPost(t, st, alice, withText("news for followers"), withVisibility(store.Private))
	direct := mustPost(t, st, alice, withText("@dave news for you"), withVisibility(store.Direct), mentioning(dave.ID), noFanOut())
	privateMention := mustPost(t, st, alice, withText("@dave private news"), withVisibility(store.Private), mentioning(dave.ID))
	carolsDirect := mustPost(t, st, carol, withText("news only for me"), withVisibility(store.Direct), noFanOut())
	mustReblog(t, st, bob, public) // reblogs have no text and are never found
	mustPost(t, st, carol, withText("nothing to see"))

	tests := []struct {
		name   string
		viewer *store.Account
		want   []*store.Status
	}{
		{"the author sees everything", alice, []*store.Status{privateMention, direct, private, unlisted, public}},
		{"a follower sees private posts", bob, []*store.Status{privateMention, private, unlisted, public}},
		{"anyone sees public and unlisted", carol, []*store.Status{carolsDirect, unlisted, public}},
		{"the mentioned see direct and private mentions", dave, []*store.Status{privateMention, direct, unlisted, public}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantIDs(t, "search news", searchIDs(t, st, tc.viewer, "news"), idsOf(tc.want...))
		})
	}

	if err := st.DeleteStatus(t.Context(), public.ID); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "after delete", searchIDs(t, st, carol, "tehran"), nil)
	if err := st.Unfollow(t.Context(), bob.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "after unfollow", searchIDs(t, st, bob, "followers"), nil)
}

// testSearchStatusesNormalisation checks each rule of search.Normalize end
// to end: a post written one way is found by a query written another.
func testSearchStatusesNormalisation(t *testing.T, st store.Store) {
	alice := mustCreateAccount(t, st, "alice")
	tests := []struct {
		rule, text, query string
	}{
		{"tashkeel", "كَتَبَ الطالبُ الدرسَ", "كتب"},
		{"tatweel", "يوم جـــميل", "جميل"},
		{"alef hamza", "أحمد هنا", "احمد"},
		{"alef madda", "آزادی", "ازادی"},
		{"yeh (Persian in text)", "علی آمد", "علي"},
		{"yeh (Persian in query)", "علي جاء", "علی"},
		{"alef maksura", "المستشفى مغلق", "المستشفي"},
		{"kaf", "کتاب خوب", "كتاب"},
		{"teh marbuta", "مدرسة البنات", "مدرسه"},
		{"heh for teh marbuta", "مدرسه پسرانه", "مدرسة"},
		{"ZWNJ in text", "من می\u200cخواهم بروم", "میخواهم"},
		{"ZWNJ in query", "من میخواهم بمانم", "می\u200cخواهم"},
		{"part of a ZWNJ compound", "کتاب\u200cها روی میز", "کتاب"},
		{"Persian digits", "سال ۱۴۰۱", "1401"},
		{"Arabic-Indic digits", "عام ٢٠٢٢", "۲۰۲۲"},
		{"Latin case", "FREEDOM now", "freedom"},
		{"Latin accents", "Café Müller", "cafe muller"},
		{"content warning", "", "spoiler"},
	}
	posts := make([]*store.Status, len(tests))
	for i, tc := range tests {
		opts := []postOption{withText(tc.text)}
		if tc.text == "" {
			opts = []postOption{withText("hidden text"), withSpoiler("spoiler ahead")}
		}
		posts[i] = mustPost(t, st, alice, opts...)
	}
	for i, tc := range tests {
		t.Run(tc.rule, func(t *testing.T) {
			got := searchIDs(t, st, alice, tc.query)
			if !slices.Contains(got, posts[i].ID) {
				t.Errorf("search %q: %v, want it to contain %d (%q)", tc.query, got, posts[i].ID, tc.text)
			}
		})
	}
	t.Run("every term must match", func(t *testing.T) {
		wantIDs(t, "search", searchIDs(t, st, alice, "cafe tehran"), nil)
	})
	t.Run("prefix of the last term", func(t *testing.T) {
		wantIDs(t, "whole words only", searchIDs(t, st, alice, "freed"), nil)
		prefix := func(q *store.StatusSearch) { q.Prefix = true }
		wantIDs(t, "prefix", searchIDs(t, st, alice, "freed", prefix), idsOf(posts[15]))
	})
	t.Run("syntax is never read as a query", func(t *testing.T) {
		for _, terms := range [][]string{{`a"b`}, {`"`}, {"*"}, {"OR"}, {"NEAR"}, {"col:x"}, {""}} {
			_, err := st.SearchStatuses(t.Context(), store.StatusSearch{Terms: terms, ViewerID: alice.ID, Page: all})
			if err != nil {
				t.Errorf("terms %q: %v", terms, err)
			}
		}
	})
}

func testSearchStatusesPaging(t *testing.T, st store.Store) {
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	var mine []*store.Status
	for range 5 {
		mine = append(mine, mustPost(t, st, alice, withText("protest today")))
	}
	bobs := mustPost(t, st, bob, withText("protest too"))
	// Newest first: bob's post, then alice's from the last.
	page := func(p store.Page, offset int, account int64) func(*store.StatusSearch) {
		return func(q *store.StatusSearch) { q.Page, q.Offset, q.AccountID = p, offset, account }
	}
	tests := []struct {
		name   string
		change func(*store.StatusSearch)
		want   []*store.Status
	}{
		{"limit", page(store.Page{Limit: 2}, 0, 0), []*store.Status{bobs, mine[4]}},
		{"offset", page(store.Page{Limit: 2}, 2, 0), []*store.Status{mine[3], mine[2]}},
		{"max_id", page(store.Page{MaxID: mine[2].ID, Limit: 10}, 0, 0), []*store.Status{mine[1], mine[0]}},
		{"min_id", page(store.Page{MinID: mine[0].ID, Limit: 2}, 0, 0), []*store.Status{mine[2], mine[1]}},
		{"since_id", page(store.Page{SinceID: mine[3].ID, Limit: 10}, 0, 0), []*store.Status{bobs, mine[4]}},
		{"account", page(store.Page{Limit: 10}, 0, bob.ID), []*store.Status{bobs}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantIDs(t, "search", searchIDs(t, st, alice, "protest", tc.change), idsOf(tc.want...))
		})
	}
}

func testSearchAccounts(t *testing.T, st store.Store) {
	ctx := t.Context()
	ali := mustCreateAccount(t, st, "ali")
	alireza := mustCreateAccount(t, st, "alireza")
	mahsa := mustCreateAccount(t, st, "mahsa_jina")
	fan := mustCreateAccount(t, st, "fan")
	mustFollow(t, st, fan, alireza) // alireza has more followers than ali
	mustFollow(t, st, mahsa, alireza)
	mahsa.DisplayName = "مهسا امینی"
	if err := st.UpdateAccount(ctx, mahsa); err != nil {
		t.Fatal(err)
	}
	ali.DisplayName = "علی رضایی" // Persian yeh
	if err := st.UpdateAccount(ctx, ali); err != nil {
		t.Fatal(err)
	}

	find := func(query string, change ...func(*store.AccountSearch)) []int64 {
		t.Helper()
		q := store.AccountSearch{Terms: search.Terms(query), Limit: 40}
		for _, c := range change {
			c(&q)
		}
		as, err := st.SearchAccounts(ctx, q)
		if err != nil {
			t.Fatalf("SearchAccounts(%q): %v", query, err)
		}
		var ids []int64
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return ids
	}
	exact := func(name string) func(*store.AccountSearch) {
		return func(q *store.AccountSearch) { q.Username = name }
	}
	wantIDs(t, "username prefix, by followers", find("ali"), accountIDs(alireza, ali))
	wantIDs(t, "exact username first", find("ali", exact("ALI")), accountIDs(ali, alireza))
	wantIDs(t, "a word of a username", find("jina"), accountIDs(mahsa))
	wantIDs(t, "display name, Arabic yeh finds Persian", find("رضايي"), accountIDs(ali))
	wantIDs(t, "display name word prefix", find("امی"), accountIDs(mahsa))
	wantIDs(t, "every term", find("mahsa امینی"), accountIDs(mahsa))
	wantIDs(t, "no match", find("zzz"), nil)
	wantIDs(t, "followed only", find("ali", func(q *store.AccountSearch) { q.FollowedBy = fan.ID }), accountIDs(alireza))
	wantIDs(t, "limit and offset", find("ali", func(q *store.AccountSearch) { q.Limit, q.Offset = 1, 1 }), accountIDs(ali))

	// A renamed account is found by its new name only.
	mahsa.DisplayName = "Jina"
	if err := st.UpdateAccount(ctx, mahsa); err != nil {
		t.Fatal(err)
	}
	wantIDs(t, "old display name", find("مهسا"), nil)
	newcomer := mustCreateAccount(t, st, "newcomer")
	wantIDs(t, "new account", find("newc"), accountIDs(newcomer))
}

func testSearchTags(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	old := now().Add(-time.Hour)
	mustPost(t, st, alice, withTags("cafeteria"), createdAt(old))
	mustPost(t, st, alice, withTags("café", "آزادی"))
	mustPost(t, st, alice, withTags("cafe_secret"), withVisibility(store.Private))
	mustPost(t, st, alice, withTags("cafe_direct"), withVisibility(store.Direct), noFanOut())
	mustPost(t, st, alice, withTags("cafe_quiet"), withVisibility(store.Unlisted), createdAt(old.Add(-time.Hour)))

	tests := []struct {
		name, prefix  string
		limit, offset int
		want          []string
	}{
		{"exact first, then recent", "cafe", 10, 0, []string{"café", "cafeteria", "cafe_quiet"}},
		{"limit", "caf", 1, 0, []string{"café"}},
		{"offset", "caf", 10, 1, []string{"cafeteria", "cafe_quiet"}},
		{"normalised", search.Normalize("ازادي"), 10, 0, []string{"آزادی"}},
		{"no match", "zzz", 10, 0, nil},
		{"empty prefix", "", 10, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := st.SearchTags(ctx, tc.prefix, tc.limit, tc.offset)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("SearchTags(%q) (-want +got):\n%s", tc.prefix, diff)
			}
		})
	}
}

// hourStart is a fixed hour, so the tests do not depend on the clock.
var hourStart = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func testTagActivity(t *testing.T, st store.Store) {
	ctx := t.Context()
	accs := make([]*store.Account, 4)
	for i, name := range []string{"a0", "a1", "a2", "a3"} {
		accs[i] = mustCreateAccount(t, st, name)
	}
	in := func(d time.Duration) postOption { return createdAt(hourStart.Add(d)) }
	// The baseline: "steady" by two accounts, three days ago in one hour
	// and one account the day after.
	mustPost(t, st, accs[0], withTags("steady"), in(-72*time.Hour))
	mustPost(t, st, accs[1], withTags("steady"), in(-72*time.Hour+time.Minute))
	mustPost(t, st, accs[1], withTags("steady"), in(-72*time.Hour+2*time.Minute)) // same hour: one account
	mustPost(t, st, accs[0], withTags("steady"), in(-48*time.Hour))
	// The window: "steady" again, a burst of "burst", and one account
	// repeating "spam" in two hours.
	mustPost(t, st, accs[0], withTags("steady"), in(10*time.Minute))
	for i := range 3 {
		mustPost(t, st, accs[i], withTags("burst", "steady"), in(time.Duration(20+i)*time.Minute))
	}
	for i := range 5 {
		mustPost(t, st, accs[3], withTags("spam"), in(time.Duration(i)*30*time.Minute))
	}
	// Neither private posts nor reblogs count.
	mustPost(t, st, accs[3], withTags("burst"), withVisibility(store.Private), in(30*time.Minute))
	mustReblog(t, st, accs[3], mustPost(t, st, accs[0], withTags("quiet"), in(-100*time.Hour)))

	got, err := st.TagActivity(ctx, hourStart, hourStart.Add(-7*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.TagActivity{
		{Key: "burst", Accounts: 3, Uses: 3},
		{Key: "spam", Accounts: 1, Uses: 5},
		{Key: "steady", Accounts: 3, Uses: 4, BaselineAccountHours: 3},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TagActivity (-want +got):\n%s", diff)
	}
	// Times inside an hour count from the start of the hour.
	got, err = st.TagActivity(ctx, hourStart.Add(59*time.Minute), hourStart.Add(-49*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(got, func(a store.TagActivity) bool { return a.Key == "steady" }); i < 0 || got[i].BaselineAccountHours != 1 {
		t.Errorf("TagActivity from 59 minutes past, baseline from 49 hours before: %+v, want steady with 1 baseline account-hour", got)
	}
}

func testTagHistoryAndPrune(t *testing.T, st store.Store) {
	ctx := t.Context()
	a := mustCreateAccount(t, st, "a")
	b := mustCreateAccount(t, st, "b")
	day := 24 * time.Hour
	mustPost(t, st, a, withTags("iran"), createdAt(hourStart))
	mustPost(t, st, a, withTags("iran"), createdAt(hourStart.Add(time.Hour)))
	mustPost(t, st, b, withTags("iran"), createdAt(hourStart.Add(2*time.Hour)))
	mustPost(t, st, b, withTags("iran", "news"), createdAt(hourStart.Add(-2*day)))
	mustPost(t, st, b, withTags("iran"), createdAt(hourStart.Add(-10*day)))

	midnight := hourStart.Truncate(day)
	history := func() map[string][]store.TagDay {
		t.Helper()
		h, err := st.TagHistory(ctx, []string{"iran", "news", "unused"}, hourStart.Add(-2*day), hourStart)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	days := func(counts ...[2]int64) []store.TagDay {
		var out []store.TagDay
		for i, c := range counts {
			out = append(out, store.TagDay{Day: midnight.Add(-time.Duration(i) * day), Uses: c[0], Accounts: c[1]})
		}
		return out
	}
	want := map[string][]store.TagDay{
		"iran":   days([2]int64{3, 2}, [2]int64{0, 0}, [2]int64{1, 1}),
		"news":   days([2]int64{0, 0}, [2]int64{0, 0}, [2]int64{1, 1}),
		"unused": days([2]int64{0, 0}, [2]int64{0, 0}, [2]int64{0, 0}),
	}
	if diff := cmp.Diff(want, history()); diff != "" {
		t.Errorf("TagHistory (-want +got):\n%s", diff)
	}

	n, err := st.PruneTagActivity(ctx, hourStart.Add(-day))
	if err != nil {
		t.Fatal(err)
	}
	// Gone: the hour and day rows of the posts two and ten days ago (two
	// tags, then one).
	if n != 12 {
		t.Errorf("PruneTagActivity removed %d rows, want 12", n)
	}
	want["iran"][2], want["news"][2] = store.TagDay{Day: want["iran"][2].Day}, store.TagDay{Day: want["news"][2].Day}
	if diff := cmp.Diff(want, history()); diff != "" {
		t.Errorf("TagHistory after prune (-want +got):\n%s", diff)
	}
	// Hashtag search still knows the tags.
	if keys, err := st.SearchTags(ctx, "new", 10, 0); err != nil || !slices.Equal(keys, []string{"news"}) {
		t.Errorf("SearchTags after prune = %v, %v; want [news]", keys, err)
	}
	if _, err := st.TagHistory(ctx, nil, hourStart, hourStart.Add(-day)); err == nil {
		t.Error("TagHistory with from after to: no error")
	}
}

func testFollowersAmong(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	dave := mustCreateAccount(t, st, "dave")
	mustFollow(t, st, bob, alice)
	mustFollow(t, st, carol, alice)
	mustFollow(t, st, alice, dave) // the other way round does not count
	if err := st.RequestFollow(ctx, dave.ID, bob.ID); err != nil {
		t.Fatal(err)
	}

	got, err := st.FollowersAmong(ctx, alice.ID, []int64{dave.ID, carol.ID, alice.ID, bob.ID, carol.ID, 12345})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := accountIDs(bob, carol)
	slices.Sort(want)
	wantIDs(t, "followers of alice", got, want)
	if got, err := st.FollowersAmong(ctx, bob.ID, []int64{dave.ID}); err != nil || len(got) != 0 {
		t.Errorf("a pending request: %v, %v; want none", got, err)
	}
	if got, err := st.FollowersAmong(ctx, alice.ID, nil); err != nil || len(got) != 0 {
		t.Errorf("no candidates: %v, %v; want none", got, err)
	}
}

func testNotificationsCausedBy(t *testing.T, st store.Store) {
	ctx := t.Context()
	alice := mustCreateAccount(t, st, "alice")
	bob := mustCreateAccount(t, st, "bob")
	carol := mustCreateAccount(t, st, "carol")
	post := mustPost(t, st, alice, mentioning(bob.ID, carol.ID, alice.ID))
	mustFavourite(t, st, bob, post)
	rb := mustReblog(t, st, carol, post)
	mustFollow(t, st, bob, alice)
	if err := st.Unfollow(ctx, bob.ID, alice.ID); err != nil {
		t.Fatal(err)
	}
	mustFollow(t, st, bob, alice) // a second follow notification
	if err := st.RequestFollow(ctx, carol.ID, bob.ID); err != nil {
		t.Fatal(err)
	}

	caused := func(from *store.Account, typ string, statusID int64, to *store.Account) []notice {
		t.Helper()
		var toID int64
		if to != nil {
			toID = to.ID
		}
		ns, err := st.NotificationsCausedBy(ctx, from.ID, typ, statusID, toID)
		if err != nil {
			t.Fatalf("NotificationsCausedBy: %v", err)
		}
		var out []notice
		for i, n := range ns {
			if i > 0 && n.ID > ns[i-1].ID {
				t.Errorf("not newest first: %d after %d", n.ID, ns[i-1].ID)
			}
			out = append(out, notice{n.Type, n.FromID, n.StatusID})
			if to != nil && n.AccountID != to.ID {
				t.Errorf("notification for %d, want %d", n.AccountID, to.ID)
			}
		}
		return out
	}
	mention := notice{store.NotifyMention, alice.ID, post.ID}
	tests := []struct {
		name string
		got  []notice
		want []notice
	}{
		{"mentions, not of the author", caused(alice, store.NotifyMention, post.ID, nil), []notice{mention, mention}},
		{"mention of one account", caused(alice, store.NotifyMention, post.ID, carol), []notice{mention}},
		{"favourite", caused(bob, store.NotifyFavourite, post.ID, nil), []notice{{store.NotifyFavourite, bob.ID, post.ID}}},
		{"reblog, about the original", caused(carol, store.NotifyReblog, post.ID, alice), []notice{{store.NotifyReblog, carol.ID, post.ID}}},
		{"nothing about the reblog itself", caused(carol, store.NotifyReblog, rb.ID, nil), nil},
		{"follows, newest first", caused(bob, store.NotifyFollow, 0, alice), []notice{{store.NotifyFollow, bob.ID, 0}, {store.NotifyFollow, bob.ID, 0}}},
		{"follow request", caused(carol, store.NotifyFollowRequest, 0, bob), []notice{{store.NotifyFollowRequest, carol.ID, 0}}},
		{"another recipient", caused(carol, store.NotifyFollowRequest, 0, alice), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
