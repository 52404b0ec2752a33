package social

import (
	"context"
	"slices"

	"github.com/sada-project/sada/internal/store"
)

// Event kinds, with the names of Mastodon's streaming API.
const (
	EventUpdate       = "update"
	EventDelete       = "delete"
	EventNotification = "notification"
	EventStatusUpdate = "status.update"
)

// InHome says whether st belongs in the home timeline of readerID, who
// follows st's author or not: the rule deliver applies when a post is
// stored, restated for live readers. The author always gets it; a direct
// post goes to the accounts it mentions; anything else to followers.
// Reposts follow the same rule with the reposter as author (only public
// and unlisted posts, or one's own, can be reposted, so a follower of the
// reposter may always see the original).
func InHome(st *store.Status, readerID int64, followsAuthor bool) bool {
	switch {
	case readerID == st.AccountID:
		return true
	case st.Visibility == store.Direct:
		return slices.Contains(st.MentionIDs, readerID)
	}
	return followsAuthor
}

// publishNotifications announces the notifications an action just made.
// The store writes notifications inside the action's own transaction and
// does not return them, so they are looked up by what caused them; the
// newest per recipient is the one this action made. Only done when someone
// listens, and best effort: the action has succeeded whatever happens here,
// and the notification is in the list clients read anyway.
func (s *Service) publishNotifications(ctx context.Context, fromID int64, typ string, statusID, accountID int64) {
	if s.Events == nil {
		return
	}
	ns, err := s.Store.NotificationsCausedBy(ctx, fromID, typ, statusID, accountID)
	if err != nil {
		return
	}
	seen := map[int64]bool{}
	for _, n := range ns {
		if !seen[n.AccountID] {
			seen[n.AccountID] = true
			s.publish(Event{Kind: EventNotification, Notification: n})
		}
	}
}
