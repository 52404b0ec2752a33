package mastoapi

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/sada-project/sada/internal/store"
)

var notificationTypes = []string{store.NotifyMention, store.NotifyFollow, store.NotifyFollowRequest, store.NotifyReblog, store.NotifyFavourite}

// knownTypes keeps the types sada has; a client asking for types sada never
// makes (polls, updates) simply gets none of them.
func knownTypes(ts []string) []string {
	return slices.DeleteFunc(slices.Clone(ts), func(t string) bool { return !slices.Contains(notificationTypes, t) })
}

// notifications is GET /api/v1/notifications.
func (a *API) notifications(w http.ResponseWriter, r *http.Request, au auth) error {
	p := params(r.URL.Query())
	pg, err := readPage(p, 80)
	if err != nil {
		return err
	}
	include := p.list("types")
	if len(include) > 0 {
		if include = knownTypes(include); len(include) == 0 {
			writeJSON(w, http.StatusOK, []Notification{})
			return nil
		}
	}
	fromID, err := p.id("account_id")
	if err != nil {
		return err
	}
	ns, newest, oldest, err := a.listNotifications(r.Context(), au.Account.ID, include, knownTypes(p.list("exclude_types")), fromID, pg)
	if err != nil {
		return err
	}
	out, err := a.renderNotifications(r, au, ns)
	if err != nil {
		return err
	}
	a.setLink(w, r, newest, oldest)
	writeJSON(w, http.StatusOK, out)
	return nil
}

// maxScans bounds how many batches one request reads looking for a
// sender's notifications; the Link header lets the client read on.
const maxScans = 10

// listNotifications reads a page of notifications. The store filters by
// type; the sender (account_id, when fromID is not 0) is filtered here, and
// reading goes on in batches until the page is full, so that a sender's
// notifications are not lost behind a page of others'. newest and oldest
// bound what the page covers, for its Link header.
func (a *API) listNotifications(ctx context.Context, accountID int64, include, exclude []string, fromID int64, pg store.Page) (out []*store.Notification, newest, oldest int64, err error) {
	for range maxScans {
		var ns []*store.Notification
		ns, err = a.Store.Notifications(ctx, accountID, include, exclude, pg)
		if err != nil {
			return nil, 0, 0, fmt.Errorf("notifications of %d: %w", accountID, err)
		}
		if len(ns) == 0 {
			break
		}
		more := len(ns) == pg.Limit
		newest = max(newest, ns[0].ID)
		if last := ns[len(ns)-1].ID; oldest == 0 || last < oldest {
			oldest = last
		}
		ns = slices.DeleteFunc(ns, func(n *store.Notification) bool { return fromID != 0 && n.FromID != fromID })
		if pg.MinID != 0 {
			out = append(ns, out...) // reading upwards, each batch is newer
		} else {
			out = append(out, ns...)
		}
		if fromID == 0 || len(out) >= pg.Limit || !more {
			break
		}
		if pg.MinID != 0 {
			pg.MinID = newest
		} else {
			pg.MaxID = oldest
		}
	}
	if len(out) >= pg.Limit {
		// Keep the end next to where the client reads from.
		if pg.MinID != 0 {
			out = out[len(out)-pg.Limit:]
		} else {
			out = out[:pg.Limit]
		}
		newest, oldest = out[0].ID, out[len(out)-1].ID
	}
	return out, newest, oldest, nil
}

// renderNotifications loads the accounts and statuses notifications point at.
func (a *API) renderNotifications(r *http.Request, au auth, ns []*store.Notification) ([]Notification, error) {
	var accountIDs, statusIDs []int64
	for _, n := range ns {
		accountIDs = append(accountIDs, n.FromID)
		if n.StatusID != 0 {
			statusIDs = append(statusIDs, n.StatusID)
		}
	}
	accounts, err := a.Store.AccountsByIDs(r.Context(), accountIDs)
	if err != nil {
		return nil, fmt.Errorf("render notifications: %w", err)
	}
	stmap, err := a.Store.StatusesByIDs(r.Context(), statusIDs)
	if err != nil {
		return nil, fmt.Errorf("render notifications: %w", err)
	}
	var sts []*store.Status
	for _, sid := range statusIDs {
		if st := stmap[sid]; st != nil {
			sts = append(sts, st)
		}
	}
	rendered, err := a.renderStatuses(r.Context(), au.Account, sts)
	if err != nil {
		return nil, err
	}
	byID := map[string]*Status{}
	for i := range rendered {
		byID[rendered[i].ID] = &rendered[i]
	}
	out := make([]Notification, 0, len(ns))
	for _, n := range ns {
		from := accounts[n.FromID]
		if from == nil {
			continue
		}
		e := Notification{ID: idStr(n.ID), Type: n.Type, GroupKey: "ungrouped-" + idStr(n.ID), CreatedAt: timeStr(n.CreatedAt), Account: a.account(from)}
		if n.StatusID != 0 {
			if e.Status = byID[idStr(n.StatusID)]; e.Status == nil {
				continue // the status is gone
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// notification is GET /api/v1/notifications/:id.
func (a *API) notification(w http.ResponseWriter, r *http.Request, au auth) error {
	nid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := a.Store.Notification(r.Context(), au.Account.ID, nid)
	if err != nil {
		return err
	}
	out, err := a.renderNotifications(r, au, []*store.Notification{n})
	if err != nil {
		return err
	}
	if len(out) == 0 {
		return errNotFound
	}
	writeJSON(w, http.StatusOK, out[0])
	return nil
}

// dismissNotification is POST /api/v1/notifications/:id/dismiss.
func (a *API) dismissNotification(w http.ResponseWriter, r *http.Request, au auth) error {
	nid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Store.DismissNotification(r.Context(), au.Account.ID, nid); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

// clearNotifications is POST /api/v1/notifications/clear.
func (a *API) clearNotifications(w http.ResponseWriter, r *http.Request, au auth) error {
	if err := a.Store.ClearNotifications(r.Context(), au.Account.ID); err != nil {
		return fmt.Errorf("clear notifications: %w", err)
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}
