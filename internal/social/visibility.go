package social

import (
	"context"
	"fmt"
	"slices"

	"github.com/sada-project/sada/internal/store"
)

// CanSee says whether viewer (nil for a visitor who is not signed in) may
// see st. For a reblog, pass the original too: a reblog is visible only when
// what it points at is.
func (s *Service) CanSee(ctx context.Context, viewer *store.Account, st *store.Status) (bool, error) {
	follows := false
	if needsFollow(viewer, st) {
		rels, err := s.Store.Relationships(ctx, viewer.ID, []int64{st.AccountID})
		if err != nil {
			return false, fmt.Errorf("visibility of status %d: %w", st.ID, err)
		}
		follows = len(rels) == 1 && rels[0].Following
	}
	return canSee(viewer, st, follows), nil
}

// canSee is the visibility rule itself, given whether viewer follows the
// author: public and unlisted posts are for everyone, the rest for the
// author and the mentioned, and private ones for followers too.
func canSee(viewer *store.Account, st *store.Status, followsAuthor bool) bool {
	if st.Visibility == store.Public || st.Visibility == store.Unlisted {
		return true
	}
	if viewer == nil {
		return false
	}
	if viewer.ID == st.AccountID || slices.Contains(st.MentionIDs, viewer.ID) {
		return true
	}
	return st.Visibility == store.Private && followsAuthor
}

// needsFollow says whether canSee's answer for st depends on whether
// viewer follows its author, so that follows are read only when they matter.
func needsFollow(viewer *store.Account, st *store.Status) bool {
	return viewer != nil && st.Visibility == store.Private && viewer.ID != st.AccountID &&
		!slices.Contains(st.MentionIDs, viewer.ID)
}

// Status returns the status with the given id if viewer may see it, and a
// not-found error (never a forbidden one, which would confirm that a hidden
// post exists) otherwise.
func (s *Service) Status(ctx context.Context, viewer *store.Account, id int64) (*store.Status, error) {
	st, err := s.Store.StatusByID(ctx, id)
	if err != nil {
		return nil, hideMissing(err, "Record not found")
	}
	ok, err := s.visible(ctx, viewer, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound("Record not found")
	}
	return st, nil
}

// visible checks a status and, for a reblog, the original it points at.
func (s *Service) visible(ctx context.Context, viewer *store.Account, st *store.Status) (bool, error) {
	ok, err := s.CanSee(ctx, viewer, st)
	if err != nil || !ok || st.ReblogOfID == 0 {
		return ok, err
	}
	orig, err := s.Store.StatusByID(ctx, st.ReblogOfID)
	if err != nil {
		return false, hideMissing(err, "Record not found")
	}
	return s.CanSee(ctx, viewer, orig)
}

// filterVisible keeps the statuses viewer may see, in order. It reads the
// originals of reblogs and the viewer's follows of the authors that matter
// once for the whole list, so a page costs the same few reads however many
// reblogs and private posts it holds.
func (s *Service) filterVisible(ctx context.Context, viewer *store.Account, sts []*store.Status) ([]*store.Status, error) {
	var origIDs []int64
	for _, st := range sts {
		if st.ReblogOfID != 0 {
			origIDs = append(origIDs, st.ReblogOfID)
		}
	}
	origs := map[int64]*store.Status{}
	if len(origIDs) > 0 {
		var err error
		if origs, err = s.Store.StatusesByIDs(ctx, origIDs); err != nil {
			return nil, fmt.Errorf("visibility of reblogged statuses: %w", err)
		}
	}
	var authors []int64
	for _, st := range sts {
		for _, x := range []*store.Status{st, origs[st.ReblogOfID]} {
			if x != nil && needsFollow(viewer, x) {
				authors = append(authors, x.AccountID)
			}
		}
	}
	follows := map[int64]bool{}
	if len(authors) > 0 {
		slices.Sort(authors)
		rels, err := s.Store.Relationships(ctx, viewer.ID, slices.Compact(authors))
		if err != nil {
			return nil, fmt.Errorf("visibility of %d statuses: %w", len(sts), err)
		}
		for _, r := range rels {
			follows[r.Target] = r.Following
		}
	}
	out := sts[:0:0]
	for _, st := range sts {
		ok := canSee(viewer, st, follows[st.AccountID])
		if ok && st.ReblogOfID != 0 {
			orig := origs[st.ReblogOfID]
			ok = orig != nil && canSee(viewer, orig, follows[orig.AccountID])
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}
