package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/sada-project/sada/internal/store"
)

// Store wraps a store.Store to time the operations on the request path
// (sada_store_operation_seconds) and count posts by delivery. Methods it
// does not override pass straight through, untimed.
type Store struct {
	store.Store
	m *Metrics
	// One observer per operation, looked up once: WithLabelValues on every
	// call would hash the label each time.
	ops map[string]prometheus.Observer
}

var _ store.Store = (*Store)(nil)

// timedOps are the operations Store times.
var timedOps = []string{
	"CreateStatus", "HomeTimeline", "AccountStatuses", "PublicTimeline", "TagTimeline",
	"TokenByHash", "AccountByID", "AccountsByIDs", "AccountsByUsernames", "StatusByID", "StatusesByIDs",
	"Flags", "PullFollowees", "Relationships", "Follow", "Unfollow", "DeleteStatus", "Favourite",
	"Notifications", "CreateAccount", "CreateToken", "AppByID", "TrimHomeTimelines",
}

// WrapStore returns st with its hot operations timed.
func (m *Metrics) WrapStore(st store.Store) *Store {
	s := &Store{Store: st, m: m, ops: make(map[string]prometheus.Observer, len(timedOps))}
	for _, op := range timedOps {
		s.ops[op] = m.StoreSeconds.WithLabelValues(op)
	}
	return s
}

// Unwrap returns the wrapped store, for code that needs the concrete backend.
func (s *Store) Unwrap() store.Store { return s.Store }

func (s *Store) since(op string, start time.Time) { s.ops[op].Observe(time.Since(start).Seconds()) }

// CreateStatus times the write and counts the post by how it is delivered.
func (s *Store) CreateStatus(ctx context.Context, n store.NewStatus) (*store.Status, bool, error) {
	defer s.since("CreateStatus", time.Now())
	st, existing, err := s.Store.CreateStatus(ctx, n)
	if err == nil && !existing {
		delivery := "pull"
		switch {
		case n.FanOutToFollowers:
			delivery = "fanout"
		case n.Status != nil && n.Status.Visibility == store.Direct:
			delivery = "direct"
		}
		s.m.Posts.WithLabelValues(delivery).Inc()
	}
	return st, existing, err
}

// HomeTimeline is timed.
func (s *Store) HomeTimeline(ctx context.Context, accountID int64, p store.Page) ([]*store.Status, error) {
	defer s.since("HomeTimeline", time.Now())
	return s.Store.HomeTimeline(ctx, accountID, p)
}

// AccountStatuses is timed.
func (s *Store) AccountStatuses(ctx context.Context, accountID int64, f store.StatusFilter, p store.Page) ([]*store.Status, error) {
	defer s.since("AccountStatuses", time.Now())
	return s.Store.AccountStatuses(ctx, accountID, f, p)
}

// PublicTimeline is timed.
func (s *Store) PublicTimeline(ctx context.Context, p store.Page) ([]*store.Status, error) {
	defer s.since("PublicTimeline", time.Now())
	return s.Store.PublicTimeline(ctx, p)
}

// TagTimeline is timed.
func (s *Store) TagTimeline(ctx context.Context, tagKey string, p store.Page) ([]*store.Status, error) {
	defer s.since("TagTimeline", time.Now())
	return s.Store.TagTimeline(ctx, tagKey, p)
}

// TokenByHash is timed: it runs on every authenticated request.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (*store.Token, error) {
	defer s.since("TokenByHash", time.Now())
	return s.Store.TokenByHash(ctx, tokenHash)
}

// AccountByID is timed.
func (s *Store) AccountByID(ctx context.Context, id int64) (*store.Account, error) {
	defer s.since("AccountByID", time.Now())
	return s.Store.AccountByID(ctx, id)
}

// AccountsByIDs is timed.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*store.Account, error) {
	defer s.since("AccountsByIDs", time.Now())
	return s.Store.AccountsByIDs(ctx, ids)
}

// AccountsByUsernames is timed.
func (s *Store) AccountsByUsernames(ctx context.Context, usernames []string) (map[string]*store.Account, error) {
	defer s.since("AccountsByUsernames", time.Now())
	return s.Store.AccountsByUsernames(ctx, usernames)
}

// StatusByID is timed.
func (s *Store) StatusByID(ctx context.Context, id int64) (*store.Status, error) {
	defer s.since("StatusByID", time.Now())
	return s.Store.StatusByID(ctx, id)
}

// StatusesByIDs is timed.
func (s *Store) StatusesByIDs(ctx context.Context, ids []int64) (map[int64]*store.Status, error) {
	defer s.since("StatusesByIDs", time.Now())
	return s.Store.StatusesByIDs(ctx, ids)
}

// Flags is timed.
func (s *Store) Flags(ctx context.Context, viewerID int64, ids []int64) (map[int64]store.Flags, error) {
	defer s.since("Flags", time.Now())
	return s.Store.Flags(ctx, viewerID, ids)
}

// PullFollowees is timed.
func (s *Store) PullFollowees(ctx context.Context, accountID int64) ([]int64, error) {
	defer s.since("PullFollowees", time.Now())
	return s.Store.PullFollowees(ctx, accountID)
}

// Relationships is timed.
func (s *Store) Relationships(ctx context.Context, viewerID int64, targets []int64) ([]store.Relationship, error) {
	defer s.since("Relationships", time.Now())
	return s.Store.Relationships(ctx, viewerID, targets)
}

// Follow is timed.
func (s *Store) Follow(ctx context.Context, followerID, targetID int64, backfill int) error {
	defer s.since("Follow", time.Now())
	return s.Store.Follow(ctx, followerID, targetID, backfill)
}

// Unfollow is timed.
func (s *Store) Unfollow(ctx context.Context, followerID, targetID int64) error {
	defer s.since("Unfollow", time.Now())
	return s.Store.Unfollow(ctx, followerID, targetID)
}

// DeleteStatus is timed.
func (s *Store) DeleteStatus(ctx context.Context, id int64) error {
	defer s.since("DeleteStatus", time.Now())
	return s.Store.DeleteStatus(ctx, id)
}

// Favourite is timed.
func (s *Store) Favourite(ctx context.Context, accountID, statusID int64) error {
	defer s.since("Favourite", time.Now())
	return s.Store.Favourite(ctx, accountID, statusID)
}

// Notifications is timed.
func (s *Store) Notifications(ctx context.Context, accountID int64, include, exclude []string, p store.Page) ([]*store.Notification, error) {
	defer s.since("Notifications", time.Now())
	return s.Store.Notifications(ctx, accountID, include, exclude, p)
}

// CreateAccount is timed.
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	defer s.since("CreateAccount", time.Now())
	return s.Store.CreateAccount(ctx, a)
}

// CreateToken is timed.
func (s *Store) CreateToken(ctx context.Context, t *store.Token) error {
	defer s.since("CreateToken", time.Now())
	return s.Store.CreateToken(ctx, t)
}

// AppByID is timed.
func (s *Store) AppByID(ctx context.Context, id int64) (*store.App, error) {
	defer s.since("AppByID", time.Now())
	return s.Store.AppByID(ctx, id)
}

// TrimHomeTimelines is timed.
func (s *Store) TrimHomeTimelines(ctx context.Context, keep int) (int64, error) {
	defer s.since("TrimHomeTimelines", time.Now())
	return s.Store.TrimHomeTimelines(ctx, keep)
}
