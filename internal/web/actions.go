package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// statusAct is one of social's actions on a post.
type statusAct func(s *social.Service, ctx context.Context, viewer *store.Account, id int64) (*store.Status, error)

var (
	actFavourite   statusAct = (*social.Service).Favourite
	actUnfavourite statusAct = (*social.Service).Unfavourite
	actReblog      statusAct = (*social.Service).Reblog
	actUnreblog    statusAct = (*social.Service).Unreblog
)

// statusAction is POST /p/ID/(un)favourite and (un)reblog: do it,
// then go back to the post on the page the button was on.
func (h *Web) statusAction(act statusAct) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, ok := h.signedIn(w, r)
		if !ok {
			return
		}
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if _, err := act(h.social, r.Context(), v.viewer, id); err != nil {
			h.fail(w, r, err)
			return
		}
		redirect(w, r, back(r, "p-"+strconv.FormatInt(id, 10)))
	}
}
