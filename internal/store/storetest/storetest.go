// Package storetest is the contract suite for store.Store: every backend runs
// Run unchanged from its own tests, so the behaviour the domain relies on is
// written down once and checked everywhere. It uses the interface only.
package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// Run runs the contract suite. open must return a fresh, empty store for each
// call and arrange its Close with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"CreateAccount", testCreateAccount},
		{"AccountLookups", testAccountLookups},
		{"UpdateAccount", testUpdateAccount},
		{"AccountsAndCounts", testAccountsAndCounts},
		{"Follow", testFollow},
		{"Unfollow", testUnfollow},
		{"FollowRequests", testFollowRequests},
		{"Relationships", testRelationships},
		{"PullFollowees", testPullFollowees},
		{"CreateStatus", testCreateStatus},
		{"Idempotency", testIdempotency},
		{"FanOut", testFanOut},
		{"Backfill", testBackfill},
		{"Reblogs", testReblogs},
		{"DeleteStatus", testDeleteStatus},
		{"DeleteReblogAndReply", testDeleteReblogAndReply},
		{"Threads", testThreads},
		{"Favourites", testFavourites},
		{"Flags", testFlags},
		{"HomePaging", testHomePaging},
		{"ListPaging", testListPaging},
		{"AccountStatuses", testAccountStatuses},
		{"PublicAndTagTimelines", testPublicAndTagTimelines},
		{"TrimHomeTimelines", testTrimHomeTimelines},
		{"Notifications", testNotifications},
		{"Apps", testApps},
		{"AuthCodes", testAuthCodes},
		{"Tokens", testTokens},
		{"Sessions", testSessions},
		{"SMSPhones", testSMSPhones},
		{"SMSCodes", testSMSCodes},
		{"SMSRecipients", testSMSRecipients},
		{"SMSInbound", testSMSInbound},
		{"SMSOutbox", testSMSOutbox},
		{"SMSFanOutCursor", testSMSFanOutCursor},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// now is a timestamp every backend stores exactly (milliseconds survive
// SQLite and PostgreSQL alike).
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// mustCreateAccount creates an account with username and the email
// username@example.com.
func mustCreateAccount(t *testing.T, st store.Store, username string) *store.Account {
	t.Helper()
	a := &store.Account{
		ID:           id.New(),
		Username:     username,
		Email:        username + "@example.com",
		DisplayName:  strings.ToUpper(username),
		PasswordHash: "hash-" + username,
		Language:     "en",
		CreatedAt:    now(),
	}
	if err := st.CreateAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateAccount(%s): %v", username, err)
	}
	return a
}

func mustAccount(t *testing.T, st store.Store, accountID int64) *store.Account {
	t.Helper()
	a, err := st.AccountByID(t.Context(), accountID)
	if err != nil {
		t.Fatalf("AccountByID(%d): %v", accountID, err)
	}
	return a
}

func mustStatus(t *testing.T, st store.Store, statusID int64) *store.Status {
	t.Helper()
	s, err := st.StatusByID(t.Context(), statusID)
	if err != nil {
		t.Fatalf("StatusByID(%d): %v", statusID, err)
	}
	return s
}

// postOption changes the NewStatus mustPost writes.
type postOption func(*store.NewStatus)

func withText(s string) postOption { return func(n *store.NewStatus) { n.Status.Text = s } }

func withVisibility(v store.Visibility) postOption {
	return func(n *store.NewStatus) { n.Status.Visibility = v }
}

func replyTo(parent *store.Status) postOption {
	return func(n *store.NewStatus) {
		n.Status.InReplyToID = parent.ID
		n.Status.InReplyToAccountID = parent.AccountID
	}
}

// withTags tags the post; keys are the lower-cased names.
func withTags(names ...string) postOption {
	return func(n *store.NewStatus) {
		n.Tags = names
		n.TagKeys = nil
		for _, name := range names {
			n.TagKeys = append(n.TagKeys, strings.ToLower(name))
		}
	}
}

func mentioning(ids ...int64) postOption {
	return func(n *store.NewStatus) { n.MentionIDs = ids }
}

// noFanOut leaves followers' homes alone; only HomeIDs get the post.
func noFanOut() postOption { return func(n *store.NewStatus) { n.FanOutToFollowers = false } }

func withHomeIDs(ids ...int64) postOption {
	return func(n *store.NewStatus) { n.HomeIDs = append(n.HomeIDs, ids...) }
}

func withKey(key string) postOption { return func(n *store.NewStatus) { n.IdempotencyKey = key } }

func markPull() postOption { return func(n *store.NewStatus) { n.MarkPull = true } }

// newPost is the NewStatus mustPost writes before options: a public post
// fanned out to followers and to the author's own home, as the timeline
// package does.
func newPost(author *store.Account, opts ...postOption) store.NewStatus {
	n := store.NewStatus{
		Status: &store.Status{
			ID:         id.New(),
			AccountID:  author.ID,
			Text:       "hello",
			Visibility: store.Public,
			Language:   "en",
			CreatedAt:  now(),
		},
		FanOutToFollowers: true,
		HomeIDs:           []int64{author.ID},
	}
	for _, o := range opts {
		o(&n)
	}
	return n
}

// mustPost creates a status by author.
func mustPost(t *testing.T, st store.Store, author *store.Account, opts ...postOption) *store.Status {
	t.Helper()
	n := newPost(author, opts...)
	s, existing, err := st.CreateStatus(t.Context(), n)
	if err != nil {
		t.Fatalf("CreateStatus by %s: %v", author.Username, err)
	}
	if existing {
		t.Fatalf("CreateStatus by %s: existing = true for a new post", author.Username)
	}
	return s
}

// newReblog is by's reblog of of, fanned out like a post.
func newReblog(by *store.Account, of *store.Status) store.NewStatus {
	return store.NewStatus{
		Status: &store.Status{
			ID:         id.New(),
			AccountID:  by.ID,
			Visibility: store.Public,
			ReblogOfID: of.ID,
			CreatedAt:  now(),
		},
		FanOutToFollowers: true,
		HomeIDs:           []int64{by.ID},
	}
}

func mustReblog(t *testing.T, st store.Store, by *store.Account, of *store.Status) *store.Status {
	t.Helper()
	s, _, err := st.CreateStatus(t.Context(), newReblog(by, of))
	if err != nil {
		t.Fatalf("reblog of %d by %s: %v", of.ID, by.Username, err)
	}
	return s
}

func mustFollow(t *testing.T, st store.Store, follower, target *store.Account) {
	t.Helper()
	if err := st.Follow(t.Context(), follower.ID, target.ID, 0); err != nil {
		t.Fatalf("%s follows %s: %v", follower.Username, target.Username, err)
	}
}

func mustFavourite(t *testing.T, st store.Store, by *store.Account, s *store.Status) {
	t.Helper()
	if err := st.Favourite(t.Context(), by.ID, s.ID); err != nil {
		t.Fatalf("%s favourites %d: %v", by.Username, s.ID, err)
	}
}

// all is a page large enough for every list in these tests.
var all = store.Page{Limit: 200}

func statusIDs(sts []*store.Status) []int64 {
	ids := make([]int64, len(sts))
	for i, s := range sts {
		ids[i] = s.ID
	}
	return ids
}

func idsOf(sts ...*store.Status) []int64 { return statusIDs(sts) }

func refIDs(refs []store.AccountRef) []int64 {
	ids := make([]int64, len(refs))
	for i, r := range refs {
		ids[i] = r.Account.ID
	}
	return ids
}

func accountIDs(as ...*store.Account) []int64 {
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids
}

func homeIDs(t *testing.T, st store.Store, accountID int64, p store.Page) []int64 {
	t.Helper()
	sts, err := st.HomeTimeline(t.Context(), accountID, p)
	if err != nil {
		t.Fatalf("HomeTimeline(%d): %v", accountID, err)
	}
	return statusIDs(sts)
}

func inHome(t *testing.T, st store.Store, accountID, statusID int64) bool {
	t.Helper()
	return slices.Contains(homeIDs(t, st, accountID, all), statusID)
}

// notice is the part of a notification tests compare.
type notice struct {
	Type     string
	FromID   int64
	StatusID int64
}

func (n notice) String() string { return fmt.Sprintf("%s from %d on %d", n.Type, n.FromID, n.StatusID) }

func notices(t *testing.T, st store.Store, accountID int64) []notice {
	t.Helper()
	ns, err := st.Notifications(t.Context(), accountID, nil, nil, all)
	if err != nil {
		t.Fatalf("Notifications(%d): %v", accountID, err)
	}
	out := make([]notice, len(ns))
	for i, n := range ns {
		if n.AccountID != accountID {
			t.Errorf("notification %d: AccountID = %d, want %d", n.ID, n.AccountID, accountID)
		}
		out[i] = notice{n.Type, n.FromID, n.StatusID}
	}
	return out
}

func wantErrIs(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", what, err, target)
	}
}

func wantIDs(t *testing.T, what string, got, want []int64) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantCount(t *testing.T, what string, got, want int64) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %d, want %d", what, got, want)
	}
}
