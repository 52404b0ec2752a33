package web

import (
	"context"
)

// trendView is a trending hashtag in the home page's sidebar.
type trendView struct{ Name, URL, Uses string }

// trendLimit is how many trending hashtags the sidebar shows.
const trendLimit = 5

// trending returns the sidebar's trending hashtags with their use over the
// days the ranker keeps (package trends ranks them, and caches the ranking
// for a minute). They are extra: when they cannot be had, the page goes
// without them and the fault is logged.
func (h *Web) trending(ctx context.Context, l *locale) []trendView {
	tags, err := h.trends.Top(ctx, trendLimit)
	if err != nil {
		h.log.WarnContext(ctx, "web: trends", "err", err)
		return nil
	}
	out := make([]trendView, len(tags))
	for i, t := range tags {
		var uses int64
		for _, d := range t.History {
			uses += d.Uses
		}
		out[i] = trendView{Name: t.Key, URL: tagPath(t.Key), Uses: l.T("trends_uses", "n", uses)}
	}
	return out
}
