package mastoapi

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/trends"
)

// SearchResults is Mastodon's Search entity.
type SearchResults struct {
	Accounts []Account `json:"accounts"`
	Statuses []Status  `json:"statuses"`
	Hashtags []Tag     `json:"hashtags"`
}

// maxSearchOffset bounds how deep a search pages with offset; max_id goes
// further for statuses.
const maxSearchOffset = 10_000

// search is GET /api/v2/search. As on Mastodon, anyone may search accounts
// and hashtags; statuses are searched for signed-in people only, and
// resolve and offset need a user token.
func (a *API) search(w http.ResponseWriter, r *http.Request, au auth) error {
	p := params(r.URL.Query())
	q := social.SearchQuery{Text: strings.TrimSpace(p.str("q"))}
	if q.Text == "" {
		return errorf(http.StatusBadRequest, "param is missing or the value is empty: q")
	}
	typ := p.str("type")
	switch typ {
	case "", "accounts", "hashtags", "statuses":
	default:
		return errorf(http.StatusBadRequest, "type must be accounts, hashtags or statuses")
	}
	var err error
	if q.Page, err = readPage(p, maxLimit); err != nil {
		return err
	}
	if q.Offset, err = p.integer("offset", 0, 0, maxSearchOffset); err != nil {
		return err
	}
	if q.AccountID, err = p.id("account_id"); err != nil {
		return err
	}
	if q.Following, err = p.boolean("following", false); err != nil {
		return err
	}
	resolve, err := p.boolean("resolve", false)
	if err != nil {
		return err
	}
	if _, err := p.boolean("exclude_unreviewed", false); err != nil {
		return err
	}
	if (resolve || q.Offset > 0) && au.Account == nil {
		return errorf(http.StatusUnauthorized, "Search queries that resolve remote resources or use pagination require a user token")
	}

	out := SearchResults{Accounts: []Account{}, Statuses: []Status{}, Hashtags: []Tag{}}
	ctx := r.Context()
	if typ == "" || typ == "accounts" {
		as, err := a.Social.SearchAccounts(ctx, au.Account, q)
		if err != nil {
			return err
		}
		for _, ac := range as {
			out.Accounts = append(out.Accounts, a.account(ac))
		}
	}
	if typ == "" || typ == "statuses" {
		sts, err := a.Social.SearchStatuses(ctx, au.Account, q)
		if err != nil {
			return err
		}
		if out.Statuses, err = a.renderStatuses(ctx, au.Account, sts); err != nil {
			return err
		}
	}
	if typ == "" || typ == "hashtags" {
		keys, err := a.Social.SearchTags(ctx, q)
		if err != nil {
			return err
		}
		if out.Hashtags, err = a.renderTags(ctx, keys, time.Now()); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// TagHistory is one day of Tag.history; Mastodon sends the numbers as
// strings.
type TagHistory struct {
	Day      string `json:"day"`
	Uses     string `json:"uses"`
	Accounts string `json:"accounts"`
}

func tagHistory(days []store.TagDay) []any {
	out := make([]any, 0, len(days))
	for _, d := range days {
		out = append(out, TagHistory{
			Day: fmt.Sprint(d.Day.Unix()), Uses: fmt.Sprint(d.Uses), Accounts: fmt.Sprint(d.Accounts),
		})
	}
	return out
}

// renderTags renders hashtags with their last week of use.
func (a *API) renderTags(ctx context.Context, keys []string, now time.Time) ([]Tag, error) {
	out := make([]Tag, 0, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	history, err := trends.History(ctx, a.Store, keys, now)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		out = append(out, Tag{Name: k, URL: a.tagURL(k), History: tagHistory(history[k])})
	}
	return out, nil
}
