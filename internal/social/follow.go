package social

import (
	"context"
	"errors"
	"fmt"

	"github.com/sada-project/sada/internal/store"
)

// Follow follows target at once, or asks to when target is locked. Asking
// again, or following someone already followed, changes nothing.
func (s *Service) Follow(ctx context.Context, viewer *store.Account, targetID int64) (store.Relationship, error) {
	if viewer.ID == targetID {
		return store.Relationship{}, forbidden("You cannot follow yourself")
	}
	target, err := s.Store.AccountByID(ctx, targetID)
	if err != nil {
		return store.Relationship{}, hideMissing(err, "Record not found")
	}
	kind := store.NotifyFollow
	if target.Locked {
		kind = store.NotifyFollowRequest
		err = s.Store.RequestFollow(ctx, viewer.ID, target.ID)
	} else {
		err = s.Store.Follow(ctx, viewer.ID, target.ID, s.Backfill)
	}
	if err == nil {
		s.publishNotifications(ctx, viewer.ID, kind, 0, target.ID)
	} else if !errors.Is(err, store.ErrConflict) {
		return store.Relationship{}, fmt.Errorf("follow %d: %w", target.ID, err)
	}
	return s.relationship(ctx, viewer.ID, target.ID)
}

// Unfollow stops following target, or withdraws a pending request.
func (s *Service) Unfollow(ctx context.Context, viewer *store.Account, targetID int64) (store.Relationship, error) {
	if _, err := s.Store.AccountByID(ctx, targetID); err != nil {
		return store.Relationship{}, hideMissing(err, "Record not found")
	}
	if err := s.Store.Unfollow(ctx, viewer.ID, targetID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return store.Relationship{}, fmt.Errorf("unfollow %d: %w", targetID, err)
	}
	return s.relationship(ctx, viewer.ID, targetID)
}

// AnswerRequest accepts or rejects requester's pending request to follow viewer.
func (s *Service) AnswerRequest(ctx context.Context, viewer *store.Account, requesterID int64, accept bool) (store.Relationship, error) {
	var err error
	if accept {
		err = s.Store.AcceptFollowRequest(ctx, requesterID, viewer.ID, s.Backfill)
	} else {
		err = s.Store.RejectFollowRequest(ctx, requesterID, viewer.ID)
	}
	if err != nil {
		return store.Relationship{}, hideMissing(err, "Follow request not found")
	}
	if accept {
		s.publishNotifications(ctx, requesterID, store.NotifyFollow, 0, viewer.ID)
	}
	return s.relationship(ctx, viewer.ID, requesterID)
}

func (s *Service) relationship(ctx context.Context, viewerID, targetID int64) (store.Relationship, error) {
	rels, err := s.Store.Relationships(ctx, viewerID, []int64{targetID})
	if err != nil || len(rels) != 1 {
		return store.Relationship{}, fmt.Errorf("relationship %d to %d: %w", viewerID, targetID, err)
	}
	return rels[0], nil
}
