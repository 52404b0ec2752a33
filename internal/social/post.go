package social

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// PostInput is what a person asks to post.
type PostInput struct {
	Text           string
	SpoilerText    string
	Sensitive      bool
	Visibility     store.Visibility // "" means public
	InReplyToID    int64
	Language       string
	IdempotencyKey string
	AppID          int64
}

// ParseVisibility turns an API or form value into a Visibility.
func ParseVisibility(v string) (store.Visibility, error) {
	switch vis := store.Visibility(v); vis {
	case store.Public, store.Unlisted, store.Private, store.Direct:
		return vis, nil
	case "":
		return store.Public, nil
	}
	return "", invalid("Validation failed: visibility must be public, unlisted, private or direct")
}

// Post checks the text, resolves mentions and tags, stores the post and
// delivers it. It returns the stored status (the earlier one when the
// idempotency key was already used).
func (s *Service) Post(ctx context.Context, author *store.Account, in PostInput) (*store.Status, error) {
	text, spoiler, err := checkText(in.Text, in.SpoilerText)
	if err != nil {
		return nil, err
	}
	vis, err := ParseVisibility(string(in.Visibility))
	if err != nil {
		return nil, err
	}
	st := &store.Status{
		ID: id.New(), AccountID: author.ID, Text: text, SpoilerText: spoiler,
		Sensitive: in.Sensitive || spoiler != "", Visibility: vis, Language: in.Language,
		CreatedAt: time.Now().UTC(), ApplicationID: in.AppID,
	}
	if in.InReplyToID != 0 {
		parent, err := s.Status(ctx, author, in.InReplyToID)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				// Mastodon's answer, a 404, to a parent gone or never seen.
				return nil, notFound("The post you are trying to reply to does not appear to exist.")
			}
			return nil, err
		}
		if parent.ReblogOfID != 0 {
			return nil, invalid("Validation failed: you cannot reply to a repost; reply to the original")
		}
		st.InReplyToID, st.InReplyToAccountID = parent.ID, parent.AccountID
	}
	ents := post.Parse(text)
	mentions, err := s.resolveMentions(ctx, ents.Mentions)
	if err != nil {
		return nil, err
	}
	n := store.NewStatus{Status: st, MentionIDs: mentions, IdempotencyKey: in.IdempotencyKey}
	for _, t := range ents.Tags {
		n.Tags = append(n.Tags, t)
		n.TagKeys = append(n.TagKeys, post.TagKey(t))
	}
	s.deliver(author, &n)
	saved, existing, err := s.Store.CreateStatus(ctx, n)
	if err != nil {
		return nil, fmt.Errorf("post by %d: %w", author.ID, err)
	}
	if !existing {
		s.publish(Event{Kind: "update", Status: saved})
		if len(saved.MentionIDs) > 0 {
			s.publishNotifications(ctx, author.ID, store.NotifyMention, saved.ID, 0)
		}
	}
	return saved, nil
}

// checkText applies the text rules to the body and the content warning
// together: as on Mastodon, both count towards the limit.
func checkText(text, spoiler string) (string, string, error) {
	text, err := post.Check(text)
	if err != nil {
		return "", "", invalid("Validation failed: %v", err)
	}
	spoiler = strings.TrimSpace(post.Normalize(spoiler))
	if spoiler != "" {
		if _, err := post.Check(spoiler); err != nil {
			return "", "", invalid("Validation failed: content warning: %v", err)
		}
		if n := post.Length(text) + post.Length(spoiler); n > post.MaxLength {
			return "", "", invalid("Validation failed: %v", &post.TooLongError{Length: n, Max: post.MaxLength})
		}
	}
	return text, spoiler, nil
}

// deliver decides whose home timelines get the status: the author's, the
// mentioned accounts' for a direct post, and the followers' for everything
// else unless the author has so many followers that readers pull instead.
func (s *Service) deliver(author *store.Account, n *store.NewStatus) {
	n.HomeIDs = []int64{author.ID}
	if n.Status.Visibility == store.Direct {
		n.HomeIDs = append(n.HomeIDs, n.MentionIDs...)
		return
	}
	if author.Pull || author.FollowersCount >= s.PullThreshold {
		n.MarkPull = !author.Pull
		return
	}
	n.FanOutToFollowers = true
}

// resolveMentions returns the ids of local accounts mentioned, ignoring
// names that match nobody and accounts on other servers.
func (s *Service) resolveMentions(ctx context.Context, ms []post.Mention) ([]int64, error) {
	var names []string
	for _, m := range ms {
		if m.Domain == "" || strings.EqualFold(m.Domain, s.Domain) {
			names = append(names, m.Username)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	found, err := s.Store.AccountsByUsernames(ctx, names)
	if err != nil {
		return nil, fmt.Errorf("resolve mentions: %w", err)
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, name := range names {
		if a, ok := found[strings.ToLower(name)]; ok && !seen[a.ID] {
			seen[a.ID] = true
			ids = append(ids, a.ID)
		}
	}
	return ids, nil
}

// Delete removes the viewer's own status.
func (s *Service) Delete(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	st, err := s.Status(ctx, viewer, statusID)
	if err != nil {
		return nil, err
	}
	if st.AccountID != viewer.ID {
		return nil, forbidden("This action is not allowed")
	}
	if err := s.Store.DeleteStatus(ctx, st.ID); err != nil {
		return nil, fmt.Errorf("delete status %d: %w", st.ID, err)
	}
	s.publish(Event{Kind: "delete", Status: st, StatusID: st.ID})
	return st, nil
}

// Reblog reposts a status (the original, when given a reblog). Reposting
// twice returns the existing reblog, as Mastodon does.
func (s *Service) Reblog(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	orig, err := s.original(ctx, viewer, statusID)
	if err != nil {
		return nil, err
	}
	if orig.Visibility == store.Direct || (orig.Visibility == store.Private && orig.AccountID != viewer.ID) {
		return nil, forbidden("This post cannot be reposted")
	}
	if rb, err := s.Store.ReblogBy(ctx, viewer.ID, orig.ID); err == nil {
		return rb, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("reblog %d: %w", orig.ID, err)
	}
	rb := &store.Status{
		ID: id.New(), AccountID: viewer.ID, Visibility: orig.Visibility,
		ReblogOfID: orig.ID, CreatedAt: time.Now().UTC(),
	}
	n := store.NewStatus{Status: rb}
	s.deliver(viewer, &n)
	saved, _, err := s.Store.CreateStatus(ctx, n)
	if errors.Is(err, store.ErrConflict) { // a concurrent request won the race
		return s.Store.ReblogBy(ctx, viewer.ID, orig.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("reblog %d: %w", orig.ID, err)
	}
	s.publish(Event{Kind: "update", Status: saved})
	s.publishNotifications(ctx, viewer.ID, store.NotifyReblog, orig.ID, orig.AccountID)
	return saved, nil
}

// original returns the visible status with the given id or, when that is a
// reblog, the status it reposts: actions on a reblog act on the original,
// as on Mastodon.
func (s *Service) original(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	st, err := s.Status(ctx, viewer, statusID)
	if err != nil || st.ReblogOfID == 0 {
		return st, err
	}
	return s.Status(ctx, viewer, st.ReblogOfID)
}

// Unreblog removes the viewer's reblog of a status, if there is one, and
// returns the original.
func (s *Service) Unreblog(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	orig, err := s.original(ctx, viewer, statusID)
	if err != nil {
		return nil, err
	}
	rb, err := s.Store.ReblogBy(ctx, viewer.ID, orig.ID)
	if errors.Is(err, store.ErrNotFound) {
		return orig, nil
	}
	if err != nil {
		return nil, fmt.Errorf("unreblog %d: %w", orig.ID, err)
	}
	if err := s.Store.DeleteStatus(ctx, rb.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("unreblog %d: %w", orig.ID, err)
	}
	s.publish(Event{Kind: "delete", Status: rb, StatusID: rb.ID})
	return s.Store.StatusByID(ctx, orig.ID)
}

// Favourite marks a status the viewer can see; doing it twice is fine.
func (s *Service) Favourite(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	st, err := s.original(ctx, viewer, statusID)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Favourite(ctx, viewer.ID, st.ID); err == nil {
		s.publishNotifications(ctx, viewer.ID, store.NotifyFavourite, st.ID, st.AccountID)
	} else if !errors.Is(err, store.ErrConflict) {
		return nil, fmt.Errorf("favourite %d: %w", st.ID, err)
	}
	return s.Store.StatusByID(ctx, st.ID)
}

// Unfavourite removes the mark; removing a mark that is not there is fine.
func (s *Service) Unfavourite(ctx context.Context, viewer *store.Account, statusID int64) (*store.Status, error) {
	st, err := s.original(ctx, viewer, statusID)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Unfavourite(ctx, viewer.ID, st.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("unfavourite %d: %w", st.ID, err)
	}
	return s.Store.StatusByID(ctx, st.ID)
}
