package web

import (
	"context"
	"encoding/xml"
	"net/http"
	"strconv"
	"time"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// Atom feeds (RFC 4287) of an account's public posts and of a hashtag, so
// people can follow sada from a feed reader. Entries carry the post as
// HTML, rendered by the same rules as the pages.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  *atomPerson `xml:"author,omitempty"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomEntry struct {
	ID        string      `xml:"id"`
	Title     string      `xml:"title"`
	Published string      `xml:"published"`
	Updated   string      `xml:"updated"`
	Link      atomLink    `xml:"link"`
	Author    atomPerson  `xml:"author"`
	Content   atomContent `xml:"content"`
}

type atomContent struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// accountFeed is GET /@name.atom: the account's public and unlisted posts,
// without replies and reposts, as anyone may see them.
func (h *Web) accountFeed(w http.ResponseWriter, r *http.Request, name string) {
	ac, err := h.accountByName(r, name)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sts, err := h.social.AccountStatuses(r.Context(), nil, ac.ID,
		store.StatusFilter{ExcludeReplies: true, ExcludeReblogs: true}, store.Page{Limit: pageLimit})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	profile := h.baseURL + "/@" + ac.Username
	f := atomFeed{
		ID: profile, Title: viewAccount(ac).Name + " (@" + ac.Username + ")",
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: profile},
			{Rel: "self", Type: "application/atom+xml", Href: profile + ".atom"},
		},
		Author: &atomPerson{Name: viewAccount(ac).Name, URI: profile},
	}
	h.writeFeed(w, r, f, sts, ac.CreatedAt)
}

// tagFeed is GET /tags/NAME.atom: the tag's public posts.
func (h *Web) tagFeed(w http.ResponseWriter, r *http.Request, name string) {
	sts, err := h.social.TagTimeline(r.Context(), name, store.Page{Limit: pageLimit})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := h.baseURL + tagPath(name)
	f := atomFeed{
		ID: page, Title: "#" + name + " · " + h.site,
		Links: []atomLink{
			{Rel: "alternate", Type: "text/html", Href: page},
			{Rel: "self", Type: "application/atom+xml", Href: page + ".atom"},
		},
	}
	h.writeFeed(w, r, f, sts, time.Unix(0, 0))
}

// writeFeed fills in the entries and writes the feed. An empty feed is
// dated by since (the account's creation), as Atom requires a date.
func (h *Web) writeFeed(w http.ResponseWriter, r *http.Request, f atomFeed, sts []*store.Status, since time.Time) {
	entries, err := h.feedEntries(r.Context(), sts)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Entries = entries
	f.Updated = since.UTC().Format(time.RFC3339)
	if len(sts) > 0 {
		f.Updated = sts[0].CreatedAt.UTC().Format(time.RFC3339)
	}
	out, err := xml.MarshalIndent(f, "", " ")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(xml.Header))
	w.Write(out)
}

func (h *Web) feedEntries(ctx context.Context, sts []*store.Status) ([]atomEntry, error) {
	var ids []int64
	for _, st := range sts {
		ids = append(ids, st.AccountID)
		ids = append(ids, st.MentionIDs...)
	}
	accounts, err := h.store.AccountsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var out []atomEntry
	for _, st := range sts {
		ac, ok := accounts[st.AccountID]
		if !ok || st.ReblogOfID != 0 {
			continue
		}
		link := h.baseURL + "/@" + ac.Username + "/" + strconv.FormatInt(st.ID, 10)
		at := st.CreatedAt.UTC().Format(time.RFC3339)
		out = append(out, atomEntry{
			ID: link, Title: excerpt(st.Text, 80), Published: at, Updated: at,
			Link:    atomLink{Rel: "alternate", Type: "text/html", Href: link},
			Author:  atomPerson{Name: viewAccount(ac).Name, URI: h.baseURL + "/@" + ac.Username},
			Content: atomContent{Type: "html", Body: post.HTML(st.Text, h.linker(st, accounts))},
		})
	}
	return out, nil
}
