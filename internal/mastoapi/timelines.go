package mastoapi

import (
	"fmt"
	"net/http"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// homeTimeline is GET /api/v1/timelines/home.
func (a *API) homeTimeline(w http.ResponseWriter, r *http.Request, au auth) error {
	pg, err := readPage(params(r.URL.Query()), maxLimit)
	if err != nil {
		return err
	}
	sts, err := a.Social.Home(r.Context(), au.Account, pg)
	if err != nil {
		return err
	}
	return a.writeStatuses(w, r, au, sts)
}

// publicTimeline is GET /api/v1/timelines/public. Every account is local,
// so local=true changes nothing and remote=true (or only_media, as sada has
// no media yet) matches nothing.
func (a *API) publicTimeline(w http.ResponseWriter, r *http.Request, au auth) error {
	p := params(r.URL.Query())
	pg, err := readPage(p, maxLimit)
	if err != nil {
		return err
	}
	var none bool
	for _, k := range []string{"remote", "only_media"} {
		v, err := p.boolean(k, false)
		if err != nil {
			return err
		}
		none = none || v
	}
	if _, err := p.boolean("local", false); err != nil {
		return err
	}
	var sts []*store.Status
	if !none {
		if sts, err = a.Store.PublicTimeline(r.Context(), pg); err != nil {
			return fmt.Errorf("public timeline: %w", err)
		}
	}
	return a.writeStatuses(w, r, au, sts)
}

// tagTimeline is GET /api/v1/timelines/tag/:hashtag.
func (a *API) tagTimeline(w http.ResponseWriter, r *http.Request, au auth) error {
	name := tagName(r)
	if !post.ValidTag(name) {
		return errNotFound
	}
	pg, err := readPage(params(r.URL.Query()), maxLimit)
	if err != nil {
		return err
	}
	sts, err := a.Store.TagTimeline(r.Context(), post.TagKey(name), pg)
	if err != nil {
		return fmt.Errorf("tag timeline %q: %w", name, err)
	}
	return a.writeStatuses(w, r, au, sts)
}
