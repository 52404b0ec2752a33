package mastoapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// register is POST /api/v1/accounts: sign-up with an app token; it answers
// with a user token, as Mastodon does.
func (a *API) register(w http.ResponseWriter, r *http.Request, au auth) error {
	if a.Config.Registrations != config.RegistrationsOpen {
		return errorf(http.StatusForbidden, "Registrations are closed on this server")
	}
	p, err := readParams(w, r)
	if err != nil {
		return err
	}
	agreed, err := p.boolean("agreement", false)
	if err != nil {
		return err
	}
	if !agreed {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: agreement must be accepted")
	}
	ac, err := a.Social.Register(r.Context(), social.NewAccount{
		Username: p.str("username"), Email: p.str("email"), Password: p.str("password"), Language: p.str("locale"),
	})
	if err != nil {
		return err
	}
	// As on Mastodon, the new account's token has the scopes of the app
	// token that signed it up, not every scope the app registered.
	resp, err := a.issueToken(r, au.Token.AppID, ac.ID, au.Token.Scopes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// verifyCredentials is GET /api/v1/accounts/verify_credentials.
func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request, au auth) error {
	return a.writeCredentials(w, r, au.Account)
}

// writeCredentials answers with the own account, source and role included.
func (a *API) writeCredentials(w http.ResponseWriter, r *http.Request, ac *store.Account) error {
	reqs, err := a.Store.FollowRequests(r.Context(), ac.ID, store.Page{Limit: 100})
	if err != nil {
		return fmt.Errorf("credentials of %d: %w", ac.ID, err)
	}
	writeJSON(w, http.StatusOK, a.credentialAccount(ac, len(reqs)))
	return nil
}

// updateCredentials is PATCH /api/v1/accounts/update_credentials.
func (a *API) updateCredentials(w http.ResponseWriter, r *http.Request, au auth) error {
	p, err := readParams(w, r)
	if err != nil {
		return err
	}
	var prof social.Profile
	for _, f := range []struct {
		key string
		dst **string
	}{{"display_name", &prof.DisplayName}, {"note", &prof.Note}, {"source[language]", &prof.Language}} {
		if p.has(f.key) {
			v := p.str(f.key)
			*f.dst = &v
		}
	}
	for _, f := range []struct {
		key string
		dst **bool
	}{{"locked", &prof.Locked}, {"bot", &prof.Bot}} {
		if p.has(f.key) {
			v, err := p.boolean(f.key, false)
			if err != nil {
				return err
			}
			*f.dst = &v
		}
	}
	if p.has("avatar") || p.has("header") {
		return errorf(http.StatusUnprocessableEntity, "Validation failed: profile images are not supported yet")
	}
	ac, err := a.Social.UpdateProfile(r.Context(), au.Account, prof)
	if err != nil {
		return err
	}
	return a.writeCredentials(w, r, ac)
}

// getAccount is GET /api/v1/accounts/:id.
func (a *API) getAccount(w http.ResponseWriter, r *http.Request, _ auth) error {
	aid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ac, err := a.Store.AccountByID(r.Context(), aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.account(ac))
	return nil
}

// lookup is GET /api/v1/accounts/lookup?acct=name or name@ourdomain.
func (a *API) lookup(w http.ResponseWriter, r *http.Request, _ auth) error {
	acct := strings.TrimPrefix(r.URL.Query().Get("acct"), "@")
	name, domain, _ := strings.Cut(acct, "@")
	if name == "" || (domain != "" && !strings.EqualFold(domain, a.Domain)) {
		return errNotFound
	}
	ac, err := a.Store.AccountByUsername(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a.account(ac))
	return nil
}

// accountStatuses is GET /api/v1/accounts/:id/statuses.
func (a *API) accountStatuses(w http.ResponseWriter, r *http.Request, au auth) error {
	aid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p := params(r.URL.Query())
	pg, err := readPage(p, maxLimit)
	if err != nil {
		return err
	}
	var f store.StatusFilter
	if f.ExcludeReplies, err = p.boolean("exclude_replies", false); err != nil {
		return err
	}
	if f.ExcludeReblogs, err = p.boolean("exclude_reblogs", false); err != nil {
		return err
	}
	onlyMedia, err := p.boolean("only_media", false)
	if err != nil {
		return err
	}
	pinned, err := p.boolean("pinned", false)
	if err != nil {
		return err
	}
	var sts []*store.Status
	// sada has no media or pins yet, so those filters honestly match nothing.
	if !onlyMedia && !pinned {
		if sts, err = a.Social.AccountStatuses(r.Context(), au.Account, aid, f, pg); err != nil {
			return err
		}
	} else if _, err := a.Store.AccountByID(r.Context(), aid); err != nil {
		return err
	}
	return a.writeStatuses(w, r, au, sts)
}

// follows serves the followers and following lists.
func (a *API) follows(list func(*API, *http.Request, int64, store.Page) ([]store.AccountRef, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, _ auth) error {
		aid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if _, err := a.Store.AccountByID(r.Context(), aid); err != nil {
			return err
		}
		pg, err := readPage(params(r.URL.Query()), 80)
		if err != nil {
			return err
		}
		refs, err := list(a, r, aid, pg)
		if err != nil {
			return fmt.Errorf("list follows of %d: %w", aid, err)
		}
		return a.writeAccountRefs(w, r, refs)
	}
}

func followersOf(a *API, r *http.Request, aid int64, pg store.Page) ([]store.AccountRef, error) {
	return a.Store.Followers(r.Context(), aid, pg)
}

func followingOf(a *API, r *http.Request, aid int64, pg store.Page) ([]store.AccountRef, error) {
	return a.Store.Following(r.Context(), aid, pg)
}

// writeAccountRefs answers a paged list of accounts.
func (a *API) writeAccountRefs(w http.ResponseWriter, r *http.Request, refs []store.AccountRef) error {
	if len(refs) > 0 {
		a.setLink(w, r, refs[0].RowID, refs[len(refs)-1].RowID)
	}
	writeJSON(w, http.StatusOK, a.renderAccounts(refs))
	return nil
}

// follow is POST /api/v1/accounts/:id/follow.
func (a *API) follow(w http.ResponseWriter, r *http.Request, au auth) error {
	aid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rel, err := a.Social.Follow(r.Context(), au.Account, aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, relationship(rel))
	return nil
}

// unfollow is POST /api/v1/accounts/:id/unfollow.
func (a *API) unfollow(w http.ResponseWriter, r *http.Request, au auth) error {
	aid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rel, err := a.Social.Unfollow(r.Context(), au.Account, aid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, relationship(rel))
	return nil
}

// relationships is GET /api/v1/accounts/relationships?id[]=…
func (a *API) relationships(w http.ResponseWriter, r *http.Request, au auth) error {
	p := params(r.URL.Query())
	var ids []int64
	for _, s := range p.list("id") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errorf(http.StatusBadRequest, "id must be a list of account ids")
		}
		ids = append(ids, n)
	}
	if len(ids) > 80 {
		return errorf(http.StatusBadRequest, "at most 80 ids at once")
	}
	rels, err := a.Store.Relationships(r.Context(), au.Account.ID, ids)
	if err != nil {
		return fmt.Errorf("relationships: %w", err)
	}
	out := make([]Relationship, 0, len(rels))
	for _, rel := range rels {
		out = append(out, relationship(rel))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// followRequests is GET /api/v1/follow_requests.
func (a *API) followRequests(w http.ResponseWriter, r *http.Request, au auth) error {
	pg, err := readPage(params(r.URL.Query()), 80)
	if err != nil {
		return err
	}
	refs, err := a.Store.FollowRequests(r.Context(), au.Account.ID, pg)
	if err != nil {
		return fmt.Errorf("follow requests: %w", err)
	}
	return a.writeAccountRefs(w, r, refs)
}

// answerRequest serves authorize and reject of a follow request.
func (a *API) answerRequest(accept bool) handler {
	return func(w http.ResponseWriter, r *http.Request, au auth) error {
		aid, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rel, err := a.Social.AnswerRequest(r.Context(), au.Account, aid, accept)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, relationship(rel))
		return nil
	}
}
