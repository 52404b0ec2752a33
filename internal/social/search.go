package social

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
)

// SearchQuery is what a person searches for and which part of the results
// they want. Every surface (the API, the web search page) fills one in.
type SearchQuery struct {
	Text      string
	AccountID int64      // statuses: only those by this account
	Following bool       // accounts: only those the viewer follows
	Page      store.Page // statuses are paged by id; Limit applies to every kind
	Offset    int        // results to skip
}

// minPrefix is the shortest last word also matched as the start of longer
// words ("iran" finds "iranian", "انتخاب" finds "انتخابات"). A prefix
// costs in proportion to the posts holding any word it starts (whole words
// stop at the page's last result), so short ones, which start most words,
// are matched whole. See docs/PERFORMANCE.md.
const minPrefix = 3

// SearchStatuses finds posts by the words in them, newest first, among
// those viewer may see. As on Mastodon, only signed-in people search posts:
// a visitor (nil viewer) gets none.
func (s *Service) SearchStatuses(ctx context.Context, viewer *store.Account, q SearchQuery) ([]*store.Status, error) {
	terms := search.Terms(q.Text)
	if viewer == nil || len(terms) == 0 {
		return nil, nil
	}
	sts, err := s.Store.SearchStatuses(ctx, store.StatusSearch{
		Terms: terms, Prefix: utf8.RuneCountInString(terms[len(terms)-1]) >= minPrefix,
		ViewerID: viewer.ID, AccountID: q.AccountID, Page: q.Page, Offset: q.Offset,
	})
	if err != nil {
		return nil, fmt.Errorf("search statuses: %w", err)
	}
	return sts, nil
}

// SearchAccounts finds accounts by the start of words in their username or
// display name; "@name" and "@name@ourdomain" work too. sada does not
// federate, so an address on another server finds nothing.
func (s *Service) SearchAccounts(ctx context.Context, viewer *store.Account, q SearchQuery) ([]*store.Account, error) {
	text := strings.TrimPrefix(strings.TrimSpace(q.Text), "@")
	if user, domain, ok := strings.Cut(text, "@"); ok && !strings.ContainsFunc(user, unicode.IsSpace) {
		if !strings.EqualFold(domain, s.Domain) {
			return nil, nil
		}
		text = user
	}
	terms := search.Terms(text)
	if len(terms) == 0 || (q.Following && viewer == nil) {
		return nil, nil
	}
	as := store.AccountSearch{Terms: terms, Username: text, Limit: q.Page.Limit, Offset: q.Offset}
	if q.Following {
		as.FollowedBy = viewer.ID
	}
	accounts, err := s.Store.SearchAccounts(ctx, as)
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	return accounts, nil
}

// SearchTags finds hashtags (used in public or unlisted posts) by the start
// of their name, with or without '#', in any of the spellings search
// treats as one.
func (s *Service) SearchTags(ctx context.Context, q SearchQuery) ([]string, error) {
	prefix := search.Normalize(strings.TrimPrefix(strings.TrimSpace(q.Text), "#"))
	if prefix == "" || strings.ContainsFunc(prefix, unicode.IsSpace) {
		return nil, nil
	}
	keys, err := s.Store.SearchTags(ctx, prefix, q.Page.Limit, q.Offset)
	if err != nil {
		return nil, fmt.Errorf("search tags: %w", err)
	}
	return keys, nil
}
