package web

import (
	"context"
	"fmt"
	"html/template"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// accountView is an account as pages show it.
type accountView struct {
	ID       int64
	Username string
	Name     string // display name, or the username when it has none
	URL      string // profile path
	Initial  string // the letter of the avatar
	Hue      int    // which of the avatar colours (a0..a7)
}

func viewAccount(ac *store.Account) accountView {
	name := ac.DisplayName
	if strings.TrimSpace(name) == "" {
		name = ac.Username
	}
	return accountView{
		ID: ac.ID, Username: ac.Username, Name: name, URL: "/@" + ac.Username,
		Initial: initial(name), Hue: int(uint64(ac.ID) % 8),
	}
}

// initial is the first letter or digit of a name, upper-cased, for the
// avatar: a picture costs a request and bytes; a letter costs neither.
func initial(name string) string {
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(unicode.ToUpper(r))
		}
	}
	r, _ := utf8.DecodeRuneInString(name)
	return string(r)
}

// postView is a post as pages show it, with everything the template needs
// worked out here so that the template stays plain markup.
type postView struct {
	L *locale
	// EntryID is the id of the timeline row: the repost's own id for a
	// repost, which actions accept (they act on the original) and which
	// the article is anchored by and "more" pages by.
	EntryID    int64
	ID         int64 // the original's id
	Permalink  string
	Author     accountView
	RepostedBy *accountView
	ReplyTo    *accountView // whom it answers, when known
	HTML       template.HTML
	Spoiler    string
	Lang       string
	Visibility store.Visibility
	ISO        string // datetime=""
	Ago        string
	Exact      string
	Replies    string // localised counts; "" for none
	Reposts    string
	Favourites string
	Favourited bool
	Reposted   bool
	SignedIn   bool
	Own        bool // the viewer wrote it: offer delete
	CanRepost  bool
	Focus      bool // the post a permalink page is about
}

// loadPosts renders a list of statuses for viewer (nil when signed out),
// loading what they refer to in a few batched queries: the originals of
// reposts, every account named, and the viewer's favourites and reposts.
// Reposts whose original is gone are left out.
func (h *Web) loadPosts(ctx context.Context, v *visit, sts []*store.Status) ([]postView, error) {
	if len(sts) == 0 {
		return nil, nil
	}
	byID := map[int64]*store.Status{} // the entries and the originals they repost
	var missing []int64
	for _, st := range sts {
		byID[st.ID] = st
	}
	for _, st := range sts {
		if st.ReblogOfID != 0 && byID[st.ReblogOfID] == nil {
			missing = append(missing, st.ReblogOfID)
		}
	}
	if len(missing) > 0 {
		more, err := h.store.StatusesByIDs(ctx, missing)
		if err != nil {
			return nil, fmt.Errorf("load posts: %w", err)
		}
		for id, st := range more {
			byID[id] = st
		}
	}
	var accountIDs, statusIDs []int64
	for _, st := range byID {
		statusIDs = append(statusIDs, st.ID)
		accountIDs = append(accountIDs, st.AccountID)
		accountIDs = append(accountIDs, st.MentionIDs...)
		if st.InReplyToAccountID != 0 {
			accountIDs = append(accountIDs, st.InReplyToAccountID)
		}
	}
	accounts, err := h.store.AccountsByIDs(ctx, accountIDs)
	if err != nil {
		return nil, fmt.Errorf("load posts: %w", err)
	}
	var flags map[int64]store.Flags
	if v.viewer != nil {
		if flags, err = h.store.Flags(ctx, v.viewer.ID, statusIDs); err != nil {
			return nil, fmt.Errorf("load posts: %w", err)
		}
	}
	now := h.now()
	out := make([]postView, 0, len(sts))
	for _, entry := range sts {
		st := entry
		if entry.ReblogOfID != 0 {
			if st = byID[entry.ReblogOfID]; st == nil {
				continue
			}
		}
		author, ok := accounts[st.AccountID]
		if !ok {
			continue
		}
		pv := postView{
			L: v.loc, EntryID: entry.ID, ID: st.ID, Author: viewAccount(author),
			Permalink: "/@" + author.Username + "/" + strconv.FormatInt(st.ID, 10),
			HTML:      postHTML(st.Text, h.linker(st, accounts)),
			Spoiler:   st.SpoilerText, Lang: st.Language, Visibility: st.Visibility,
			ISO: st.CreatedAt.UTC().Format(time.RFC3339), Ago: v.loc.Ago(st.CreatedAt, now), Exact: v.loc.Exact(st.CreatedAt),
			Replies: v.loc.Count(st.RepliesCount), Reposts: v.loc.Count(st.ReblogsCount), Favourites: v.loc.Count(st.FavouritesCount),
			Favourited: flags[st.ID].Favourited, Reposted: flags[st.ID].Reblogged,
			SignedIn:  v.viewer != nil,
			CanRepost: st.Visibility == store.Public || st.Visibility == store.Unlisted,
		}
		if v.viewer != nil {
			pv.Own = st.AccountID == v.viewer.ID
		}
		if entry.ReblogOfID != 0 {
			if by, ok := accounts[entry.AccountID]; ok {
				av := viewAccount(by)
				pv.RepostedBy = &av
			}
		}
		if to, ok := accounts[st.InReplyToAccountID]; ok && st.InReplyToID != 0 {
			av := viewAccount(to)
			pv.ReplyTo = &av
		}
		out = append(out, pv)
	}
	return out, nil
}

// postHTML renders a post's text with post.HTML, which escapes all user
// text, and marks mentions and links left-to-right. They are Latin
// whatever the post's script, and so marked they neither decide the
// direction of the post for dir="auto" (a Persian reply starting with
// "@name" stays right-to-left) nor get their '@' or "https://" moved to
// the wrong end by the bidi algorithm. The markup replaced is post.HTML's
// own; user text cannot contain it, as its '<' is escaped.
func postHTML(text string, l post.Linker) template.HTML {
	s := post.HTML(text, l)
	s = strings.ReplaceAll(s, `<span class="h-card">`, `<span class="h-card" dir="ltr">`)
	s = strings.ReplaceAll(s, `" target="_blank" rel="nofollow noopener noreferrer">`, `" target="_blank" rel="nofollow noopener noreferrer" dir="ltr">`)
	return template.HTML(s)
}

// linker links mentions of the accounts a post mentions to their profiles
// and hashtags to their pages. post.HTML only links http(s) URLs, so the
// links are absolute, on the public base URL.
type linker struct {
	base     string
	domain   string            // ours: @name@ours is local, @name@elsewhere is not
	accounts map[string]string // lower-cased username -> username
}

func (h *Web) linker(st *store.Status, accounts map[int64]*store.Account) linker {
	l := linker{base: h.baseURL, domain: h.domain, accounts: map[string]string{}}
	for _, id := range st.MentionIDs {
		if ac, ok := accounts[id]; ok {
			l.accounts[strings.ToLower(ac.Username)] = ac.Username
		}
	}
	return l
}

func (l linker) MentionURL(m post.Mention) (string, bool) {
	if m.Domain != "" && !strings.EqualFold(m.Domain, l.domain) {
		return "", false
	}
	name, ok := l.accounts[strings.ToLower(m.Username)]
	if !ok {
		return "", false
	}
	return l.base + "/@" + name, true
}

func (l linker) TagURL(name string) string { return l.base + tagPath(name) }

// tagPath is the page of a hashtag, by its canonical key. Letters of any
// script stay as they are (an IRI, which browsers percent-encode when they
// ask): "/tags/سلام" rather than 36 bytes of %D8%B3..., a third of the
// weight of an Arabic tag's link, and readable in the status bar. Tag keys
// hold no ASCII that needs escaping, but anything ASCII other than
// letters, digits and "-._~" is escaped all the same.
func tagPath(name string) string {
	var b strings.Builder
	b.WriteString("/tags/")
	for _, r := range post.TagKey(name) {
		if r >= utf8.RuneSelf || r == '-' || r == '.' || r == '_' || r == '~' ||
			'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' {
			b.WriteRune(r)
			continue
		}
		b.WriteString(url.PathEscape(string(r)))
	}
	return b.String()
}
