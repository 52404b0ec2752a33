package mastoapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/sada-project/sada/internal/store"
)

// Page sizes, as Mastodon: 20 by default, at most 40 (80 for account lists).
const (
	defaultLimit = 20
	maxLimit     = 40
)

// readPage parses max_id, since_id, min_id and limit.
func readPage(p params, maxL int) (store.Page, error) {
	var pg store.Page
	var err error
	if pg.MaxID, err = p.id("max_id"); err != nil {
		return pg, err
	}
	if pg.SinceID, err = p.id("since_id"); err != nil {
		return pg, err
	}
	if pg.MinID, err = p.id("min_id"); err != nil {
		return pg, err
	}
	pg.Limit, err = p.integer("limit", defaultLimit, 1, maxL)
	return pg, err
}

// setLink writes Mastodon's Link header for a page whose first and last
// rows have the given ids: next (older, max_id) first, then prev (newer,
// min_id). Other query parameters are kept so filters survive paging.
func (a *API) setLink(w http.ResponseWriter, r *http.Request, newest, oldest int64) {
	if newest == 0 && oldest == 0 {
		return
	}
	link := func(key string, v int64) string {
		q := url.Values{}
		for k, vs := range r.URL.Query() {
			switch k {
			case "max_id", "since_id", "min_id", "access_token":
				continue
			}
			q[k] = vs
		}
		q.Set(key, strconv.FormatInt(v, 10))
		return a.BaseURL + r.URL.Path + "?" + q.Encode()
	}
	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`, link("max_id", oldest), link("min_id", newest)))
}

// statusLink sets Link for a list of statuses paged by their own ids.
func (a *API) statusLink(w http.ResponseWriter, r *http.Request, sts []*store.Status) {
	if len(sts) > 0 {
		a.setLink(w, r, sts[0].ID, sts[len(sts)-1].ID)
	}
}
