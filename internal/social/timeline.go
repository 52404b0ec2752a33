package social

import (
	"context"
	"fmt"
	"slices"

	"github.com/sada-project/sada/internal/store"
)

// followerVisibilities are what a follower (or the author) may read of an
// account's posts; everyone else reads only the first two.
var (
	followerVisibilities = []store.Visibility{store.Public, store.Unlisted, store.Private}
	publicVisibilities   = []store.Visibility{store.Public, store.Unlisted}
)

// Home assembles viewer's home timeline: the entries fanned out to it on
// write, merged with the recent posts of followed accounts that readers pull
// (those with very many followers). Its cost depends on the page size and
// the few pulled accounts, not on how much is stored.
func (s *Service) Home(ctx context.Context, viewer *store.Account, p store.Page) ([]*store.Status, error) {
	sts, err := s.Store.HomeTimeline(ctx, viewer.ID, p)
	if err != nil {
		return nil, fmt.Errorf("home of %d: %w", viewer.ID, err)
	}
	pulled, err := s.Store.PullFollowees(ctx, viewer.ID)
	if err != nil {
		return nil, fmt.Errorf("home of %d: %w", viewer.ID, err)
	}
	pp := pullPage(p, sts)
	for _, aid := range pulled {
		more, err := s.Store.AccountStatuses(ctx, aid, store.StatusFilter{Visibilities: followerVisibilities}, pp)
		if err != nil {
			return nil, fmt.Errorf("home of %d, pulling %d: %w", viewer.ID, aid, err)
		}
		sts = append(sts, more...)
	}
	if len(pulled) == 0 {
		return sts, nil
	}
	return mergePage(sts, p), nil
}

// pullPage narrows the page asked of pulled accounts once the fanned-out
// entries fill it: a pulled post older than the oldest of a full page of
// entries (or, paging up with min_id, newer than the newest) cannot make
// the merged page, so it need not be read. Profiling home reads on a
// power-law population (a reader follows about 16 pulled accounts) showed
// three quarters of the time reading and filling such posts only to drop
// them in mergePage.
func pullPage(p store.Page, home []*store.Status) store.Page {
	if p.Limit <= 0 || len(home) < p.Limit {
		return p
	}
	// home is newest first, as HomeTimeline returns it.
	newest, oldest := home[0].ID, home[len(home)-1].ID
	if p.MinID != 0 {
		if p.MaxID == 0 || newest < p.MaxID {
			p.MaxID = newest
		}
		return p
	}
	p.SinceID = max(p.SinceID, oldest)
	return p
}

// mergePage sorts statuses from several sources newest first, drops
// duplicates and keeps the page: the newest Limit, or with MinID the Limit
// just above it.
func mergePage(sts []*store.Status, p store.Page) []*store.Status {
	slices.SortFunc(sts, func(a, b *store.Status) int { return compareDesc(a.ID, b.ID) })
	sts = slices.CompactFunc(sts, func(a, b *store.Status) bool { return a.ID == b.ID })
	if len(sts) <= p.Limit {
		return sts
	}
	if p.MinID != 0 {
		return sts[len(sts)-p.Limit:]
	}
	return sts[:p.Limit]
}

func compareDesc(a, b int64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// AccountStatuses lists what account posted that viewer may see.
func (s *Service) AccountStatuses(ctx context.Context, viewer *store.Account, accountID int64, f store.StatusFilter, p store.Page) ([]*store.Status, error) {
	if _, err := s.Store.AccountByID(ctx, accountID); err != nil {
		return nil, hideMissing(err, "Record not found")
	}
	f.Visibilities = publicVisibilities
	if viewer != nil {
		if viewer.ID == accountID {
			f.Visibilities = nil // all, direct included
		} else if rel, err := s.relationship(ctx, viewer.ID, accountID); err != nil {
			return nil, err
		} else if rel.Following {
			f.Visibilities = followerVisibilities
		}
	}
	sts, err := s.Store.AccountStatuses(ctx, accountID, f, p)
	if err != nil {
		return nil, fmt.Errorf("statuses of %d: %w", accountID, err)
	}
	// Reblogs of posts the viewer may not see are dropped here.
	return s.filterVisible(ctx, viewer, sts)
}

// Context returns the visible ancestors and descendants of a status.
func (s *Service) Context(ctx context.Context, viewer *store.Account, statusID int64) (anc, desc []*store.Status, err error) {
	st, err := s.Status(ctx, viewer, statusID)
	if err != nil {
		return nil, nil, err
	}
	const limit = 4096 // a thread deeper than this is shown cut
	if anc, err = s.Store.Ancestors(ctx, st.ID, limit); err != nil {
		return nil, nil, fmt.Errorf("context of %d: %w", st.ID, err)
	}
	if desc, err = s.Store.Descendants(ctx, st.ID, limit); err != nil {
		return nil, nil, fmt.Errorf("context of %d: %w", st.ID, err)
	}
	if anc, err = s.filterVisible(ctx, viewer, anc); err != nil {
		return nil, nil, err
	}
	desc, err = s.filterVisible(ctx, viewer, desc)
	return anc, desc, err
}
