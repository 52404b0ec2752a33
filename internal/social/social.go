package social

import (
	"github.com/sada-project/sada/internal/store"
)

// Defaults for the delivery policy.
const (
	// DefaultPullThreshold is the follower count above which an account's
	// posts are merged into readers' home timelines at read time instead of
	// being copied to every follower when posted. Measured on SQLite, a
	// fan-out to 10,000 followers holds the single writer for 50-150 ms;
	// at 1,000 it stays near 10 ms, and a post by an account with a hundred
	// thousand followers costs what any other post costs.
	DefaultPullThreshold = 1000
	// DefaultBackfill is how many recent posts of a newly followed account
	// are copied into the follower's home timeline.
	DefaultBackfill = 40
	// HomeSize is how many entries each home timeline keeps.
	HomeSize = 800
)

// Event is something a live reader may want to hear about at once.
type Event struct {
	Kind         string // "update", "delete", "notification", "status.update"
	Status       *store.Status
	Notification *store.Notification
	StatusID     int64 // for delete
}

// Publisher receives events after they are stored. The streaming hub
// implements it; it must not block.
type Publisher interface {
	Publish(e Event)
}

// Service carries out actions against a store.
type Service struct {
	Store         store.Store
	Domain        string // our own host, to recognise @user@ourdomain as local
	PullThreshold int64
	Backfill      int
	Events        Publisher // may be nil
}

// New returns a Service with the default policy.
func New(st store.Store, domain string) *Service {
	return &Service{Store: st, Domain: domain, PullThreshold: DefaultPullThreshold, Backfill: DefaultBackfill}
}

func (s *Service) publish(e Event) {
	if s.Events != nil {
		s.Events.Publish(e)
	}
}
