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
	if st.Visibility == store.Public || st.Visibility == store.Unlisted {
		return true, nil
	}
	if viewer == nil {
		return false, nil
	}
	if viewer.ID == st.AccountID || slices.Contains(st.MentionIDs, viewer.ID) {
		return true, nil
	}
	if st.Visibility != store.Private {
		return false, nil
	}
	rels, err := s.Store.Relationships(ctx, viewer.ID, []int64{st.AccountID})
	if err != nil {
		return false, fmt.Errorf("visibility of status %d: %w", st.ID, err)
	}
	return len(rels) == 1 && rels[0].Following, nil
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

// filterVisible keeps the statuses viewer may see, in order.
func (s *Service) filterVisible(ctx context.Context, viewer *store.Account, sts []*store.Status) ([]*store.Status, error) {
	out := sts[:0:0]
	for _, st := range sts {
		ok, err := s.visible(ctx, viewer, st)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}
