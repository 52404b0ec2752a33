package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

type notificationView struct {
	ID      int64
	Type    string
	From    accountView
	Text    string // "followed you", in the reader's language
	ISO     string
	Ago     string
	Exact   string
	Post    []postView // the post it is about, if any and still visible
	Pending bool       // a follow request still waiting for an answer
}

type notificationsPage struct {
	page
	List []notificationView
	More string
}

// notifications is GET /notifications: mentions, follows, follow requests
// (with accept and reject), reposts and favourites, newest first.
func (h *Web) notifications(w http.ResponseWriter, r *http.Request) {
	v, ok := h.signedIn(w, r)
	if !ok {
		return
	}
	pg, err := readPage(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctx := r.Context()
	ns, err := h.store.Notifications(ctx, v.viewer.ID, nil, nil, pg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var from []int64
	for _, n := range ns {
		from = append(from, n.FromID)
	}
	accounts, err := h.store.AccountsByIDs(ctx, from)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rels, err := h.store.Relationships(ctx, v.viewer.ID, from)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	now := h.now()
	list := make([]notificationView, 0, len(ns))
	for i, n := range ns {
		ac, ok := accounts[n.FromID]
		if !ok {
			continue
		}
		nv := notificationView{
			ID: n.ID, Type: n.Type, From: viewAccount(ac), Text: v.loc.T("notification." + n.Type),
			ISO: n.CreatedAt.UTC().Format(time.RFC3339), Ago: v.loc.Ago(n.CreatedAt, now), Exact: v.loc.Exact(n.CreatedAt),
			Pending: n.Type == store.NotifyFollowRequest && rels[i].RequestedBy,
		}
		if n.StatusID != 0 {
			// Through social, so a post the reader may no longer see stays hidden.
			st, err := h.social.Status(ctx, v.viewer, n.StatusID)
			switch {
			case errors.Is(err, social.ErrNotFound):
			case err != nil:
				h.fail(w, r, err)
				return
			default:
				if nv.Post, err = h.loadPosts(ctx, v, []*store.Status{st}); err != nil {
					h.fail(w, r, err)
					return
				}
			}
		}
		list = append(list, nv)
	}
	var last int64
	if len(ns) > 0 {
		last = ns[len(ns)-1].ID
	}
	h.render(w, r, http.StatusOK, "notifications", notificationsPage{
		page: h.page(r, v.loc.T("notifications.title"), "notifications"), List: list, More: moreURL(r, len(ns), last),
	})
}
