package social

import (
	"context"
	"fmt"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// PublicTimeline lists public posts (no reposts), which anyone may read.
func (s *Service) PublicTimeline(ctx context.Context, p store.Page) ([]*store.Status, error) {
	sts, err := s.Store.PublicTimeline(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("public timeline: %w", err)
	}
	return sts, nil
}

// TagTimeline lists the public posts carrying the hashtag name (without
// '#', in any case or normalisation form). A name no post could carry is
// not found, as on Mastodon.
func (s *Service) TagTimeline(ctx context.Context, name string, p store.Page) ([]*store.Status, error) {
	if !post.ValidTag(name) {
		return nil, notFound("Record not found")
	}
	sts, err := s.Store.TagTimeline(ctx, post.TagKey(name), p)
	if err != nil {
		return nil, fmt.Errorf("tag timeline %q: %w", name, err)
	}
	return sts, nil
}
