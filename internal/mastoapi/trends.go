package mastoapi

import (
	"net/http"
)

// Page sizes of GET /api/v1/trends/tags, as Mastodon: 10 by default, at most 20.
const (
	defaultTrends = 10
	maxTrends     = 20
)

// trendTags is GET /api/v1/trends/tags (and its old name /api/v1/trends):
// hashtags used much more than usual lately, ranked by package trends.
func (rt *realtime) trendTags(w http.ResponseWriter, r *http.Request, _ auth) error {
	p := params(r.URL.Query())
	limit, err := p.integer("limit", defaultTrends, 1, maxTrends)
	if err != nil {
		return err
	}
	offset, err := p.integer("offset", 0, 0, maxTrends)
	if err != nil {
		return err
	}
	top, err := rt.trends.Top(r.Context(), offset+limit)
	if err != nil {
		return err
	}
	out := []Tag{}
	for _, t := range top[min(offset, len(top)):] {
		out = append(out, Tag{Name: t.Key, URL: rt.tagURL(t.Key), History: tagHistory(t.History)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
