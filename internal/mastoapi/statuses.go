package mastoapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// maxIdempotencyKey bounds what we store per key.
const maxIdempotencyKey = 128

// createStatus is POST /api/v1/statuses.
func (a *API) createStatus(w http.ResponseWriter, r *http.Request, au auth) error {
	p, err := readParams(w, r)
	if err != nil {
		return err
	}
	if len(p.list("media_ids")) > 0 {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: media attachments are not supported yet")
	}
	if p.has("poll[options][]") || p.has("poll[expires_in]") {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: polls are not supported yet")
	}
	if p.str("scheduled_at") != "" {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: scheduled posts are not supported yet")
	}
	in := social.PostInput{
		Text: p.str("status"), SpoilerText: p.str("spoiler_text"), Language: p.str("language"),
		IdempotencyKey: r.Header.Get("Idempotency-Key"), AppID: au.Token.AppID,
	}
	if len(in.IdempotencyKey) > maxIdempotencyKey {
		return errorf(http.StatusBadRequest, "Idempotency-Key is too long")
	}
	if len(in.Language) > 16 {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: language is not a language code")
	}
	if in.Sensitive, err = p.boolean("sensitive", false); err != nil {
		return err
	}
	if in.Visibility, err = social.ParseVisibility(p.str("visibility")); err != nil {
		return err
	}
	if in.InReplyToID, err = p.id("in_reply_to_id"); err != nil {
		return errorf(http.StatusNotFound, "Record not found")
	}
	st, err := a.Social.Post(r.Context(), au.Account, in)
	if err != nil {
		return err
	}
	return a.writeStatus(w, r, au, st)
}

// writeStatus renders one status for the viewer.
func (a *API) writeStatus(w http.ResponseWriter, r *http.Request, au auth, st *store.Status) error {
	e, err := a.renderStatus(r.Context(), au.Account, st)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// writeStatuses renders a page of statuses with its Link header.
func (a *API) writeStatuses(w http.ResponseWriter, r *http.Request, au auth, sts []*store.Status) error {
	out, err := a.renderStatuses(r.Context(), au.Account, sts)
	if err != nil {
		return err
	}
	a.statusLink(w, r, sts)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// getStatus is GET /api/v1/statuses/:id.
func (a *API) getStatus(w http.ResponseWriter, r *http.Request, au auth) error {
	sid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := a.Social.Status(r.Context(), au.Account, sid)
	if err != nil {
		return err
	}
	return a.writeStatus(w, r, au, st)
}

// deleteStatus is DELETE /api/v1/statuses/:id. As on Mastodon, the answer
// carries the source text so a client can offer "delete and redraft".
func (a *API) deleteStatus(w http.ResponseWriter, r *http.Request, au auth) error {
	sid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	st, err := a.Social.Status(r.Context(), au.Account, sid)
	if err != nil {
		return err
	}
	e, err := a.renderStatus(r.Context(), au.Account, st)
	if err != nil {
		return err
	}
	if _, err := a.Social.Delete(r.Context(), au.Account, sid); err != nil {
		return err
	}
	e.Text = &st.Text
	writeJSON(w, http.StatusOK, e)
	return nil
}

// statusContext is GET /api/v1/statuses/:id/context.
func (a *API) statusContext(w http.ResponseWriter, r *http.Request, au auth) error {
	sid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	anc, desc, err := a.Social.Context(r.Context(), au.Account, sid)
	if err != nil {
		return err
	}
	ancE, err := a.renderStatuses(r.Context(), au.Account, anc)
	if err != nil {
		return err
	}
	descE, err := a.renderStatuses(r.Context(), au.Account, desc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string][]Status{"ancestors": ancE, "descendants": descE})
	return nil
}

// statusAction serves reblog, unreblog, favourite and unfavourite, which
// all take a status id and answer with a status.
func (a *API) statusAction(act func(*social.Service, *http.Request, *store.Account, int64) (*store.Status, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, au auth) error {
		sid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		st, err := act(a.Social, r, au.Account, sid)
		if err != nil {
			return err
		}
		return a.writeStatus(w, r, au, st)
	}
}

func reblog(s *social.Service, r *http.Request, v *store.Account, id int64) (*store.Status, error) {
	return s.Reblog(r.Context(), v, id)
}

func unreblog(s *social.Service, r *http.Request, v *store.Account, id int64) (*store.Status, error) {
	return s.Unreblog(r.Context(), v, id)
}

func favourite(s *social.Service, r *http.Request, v *store.Account, id int64) (*store.Status, error) {
	return s.Favourite(r.Context(), v, id)
}

func unfavourite(s *social.Service, r *http.Request, v *store.Account, id int64) (*store.Status, error) {
	return s.Unfavourite(r.Context(), v, id)
}

// statusAccounts serves reblogged_by and favourited_by.
func (a *API) statusAccounts(list func(store.Store, *http.Request, int64, store.Page) ([]store.AccountRef, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, au auth) error {
		sid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := a.Social.Status(r.Context(), au.Account, sid); err != nil {
			return err
		}
		pg, err := readPage(params(r.URL.Query()), 80)
		if err != nil {
			return err
		}
		refs, err := list(a.Store, r, sid, pg)
		if err != nil {
			return fmt.Errorf("accounts of status %d: %w", sid, err)
		}
		return a.writeAccountRefs(w, r, refs)
	}
}

func rebloggedBy(st store.Store, r *http.Request, id int64, pg store.Page) ([]store.AccountRef, error) {
	return st.RebloggedBy(r.Context(), id, pg)
}

func favouritedBy(st store.Store, r *http.Request, id int64, pg store.Page) ([]store.AccountRef, error) {
	return st.FavouritedBy(r.Context(), id, pg)
}

// favourites is GET /api/v1/favourites, paged by when each was favourited.
func (a *API) favourites(w http.ResponseWriter, r *http.Request, au auth) error {
	pg, err := readPage(params(r.URL.Query()), maxLimit)
	if err != nil {
		return err
	}
	refs, err := a.Store.Favourites(r.Context(), au.Account.ID, pg)
	if err != nil {
		return fmt.Errorf("favourites of %d: %w", au.Account.ID, err)
	}
	sts := make([]*store.Status, 0, len(refs))
	for _, ref := range refs {
		sts = append(sts, ref.Status)
	}
	out, err := a.renderStatuses(r.Context(), au.Account, sts)
	if err != nil {
		return err
	}
	if len(refs) > 0 {
		a.setLink(w, r, refs[0].RowID, refs[len(refs)-1].RowID)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// tagName reads and checks the hashtag in a path.
func tagName(r *http.Request) string {
	return strings.TrimPrefix(r.PathValue("hashtag"), "#")
}
