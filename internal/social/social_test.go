package social

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sada-project/sada/internal/store"
)

// follows is a fake store that knows only who follows whom; any other
// method panics through the nil embedded interface, which shows a test
// reaching further than it means to.
type follows struct {
	store.Store
	edges map[[2]int64]bool // {follower, target}
}

func (f follows) Relationships(_ context.Context, viewer int64, targets []int64) ([]store.Relationship, error) {
	out := make([]store.Relationship, len(targets))
	for i, t := range targets {
		out[i] = store.Relationship{Target: t, Following: f.edges[[2]int64{viewer, t}], FollowedBy: f.edges[[2]int64{t, viewer}]}
	}
	return out, nil
}

func TestCanSee(t *testing.T) {
	const author, follower, mentioned, stranger = 1, 2, 3, 4
	s := New(follows{edges: map[[2]int64]bool{{follower, author}: true}}, "example.org")
	accounts := map[string]*store.Account{
		"visitor": nil, "author": {ID: author}, "follower": {ID: follower}, "mentioned": {ID: mentioned}, "stranger": {ID: stranger},
	}
	tests := []struct {
		vis  store.Visibility
		want []string // who may see it
	}{
		{store.Public, []string{"visitor", "author", "follower", "mentioned", "stranger"}},
		{store.Unlisted, []string{"visitor", "author", "follower", "mentioned", "stranger"}},
		{store.Private, []string{"author", "follower", "mentioned"}},
		{store.Direct, []string{"author", "mentioned"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.vis), func(t *testing.T) {
			st := &store.Status{ID: 10, AccountID: author, Visibility: tt.vis, MentionIDs: []int64{mentioned}}
			var got []string
			for _, name := range []string{"visitor", "author", "follower", "mentioned", "stranger"} {
				ok, err := s.CanSee(context.Background(), accounts[name], st)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					got = append(got, name)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("readers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseVisibility(t *testing.T) {
	tests := []struct {
		in   string
		want store.Visibility
		err  bool
	}{
		{"", store.Public, false},
		{"public", store.Public, false},
		{"unlisted", store.Unlisted, false},
		{"private", store.Private, false},
		{"direct", store.Direct, false},
		{"Public", "", true},
		{"limited", "", true},
		{"friends", "", true},
	}
	for _, tt := range tests {
		got, err := ParseVisibility(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseVisibility(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseVisibility(%q): error %v is not ErrInvalid", tt.in, err)
		}
	}
}

func TestMergePage(t *testing.T) {
	sts := func(ids ...int64) []*store.Status {
		out := make([]*store.Status, len(ids))
		for i, id := range ids {
			out[i] = &store.Status{ID: id}
		}
		return out
	}
	tests := []struct {
		name string
		in   []int64
		page store.Page
		want []int64
	}{
		{"sorted newest first", []int64{3, 9, 1, 7}, store.Page{Limit: 10}, []int64{9, 7, 3, 1}},
		{"duplicates dropped", []int64{5, 3, 5, 3, 4}, store.Page{Limit: 10}, []int64{5, 4, 3}},
		{"newest kept", []int64{1, 2, 3, 4, 5}, store.Page{Limit: 2}, []int64{5, 4}},
		{"min_id keeps those just above it", []int64{2, 3, 4, 5, 6}, store.Page{MinID: 1, Limit: 2}, []int64{3, 2}},
		{"since_id keeps the newest", []int64{2, 3, 4, 5}, store.Page{SinceID: 1, Limit: 2}, []int64{5, 4}},
		{"empty", nil, store.Page{Limit: 2}, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []int64{}
			for _, st := range mergePage(sts(tt.in...), tt.page) {
				got = append(got, st.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mergePage (-want +got):\n%s", diff)
			}
		})
	}
}
