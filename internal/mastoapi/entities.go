package mastoapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/store"
)

// The JSON shapes below follow the Mastodon documentation's entities, field
// for field where sada has the data; clients parse them strictly.

// Account is Mastodon's Account entity.
type Account struct {
	ID             string    `json:"id"`
	Username       string    `json:"username"`
	Acct           string    `json:"acct"`
	DisplayName    string    `json:"display_name"`
	Locked         bool      `json:"locked"`
	Bot            bool      `json:"bot"`
	Discoverable   bool      `json:"discoverable"`
	Indexable      bool      `json:"indexable"`
	Group          bool      `json:"group"`
	CreatedAt      string    `json:"created_at"`
	Note           string    `json:"note"`
	URL            string    `json:"url"`
	URI            string    `json:"uri"`
	Avatar         string    `json:"avatar"`
	AvatarStatic   string    `json:"avatar_static"`
	Header         string    `json:"header"`
	HeaderStatic   string    `json:"header_static"`
	FollowersCount int64     `json:"followers_count"`
	FollowingCount int64     `json:"following_count"`
	StatusesCount  int64     `json:"statuses_count"`
	LastStatusAt   *string   `json:"last_status_at"`
	Emojis         []any     `json:"emojis"`
	Fields         []any     `json:"fields"`
	Roles          []any     `json:"roles"`
	Source         *Source   `json:"source,omitempty"`
	Role           *Role     `json:"role,omitempty"`
	Moved          *struct{} `json:"moved,omitempty"`
}

// Source is the editable form of the own account (verify_credentials).
type Source struct {
	Privacy             string `json:"privacy"`
	Sensitive           bool   `json:"sensitive"`
	Language            string `json:"language"`
	Note                string `json:"note"`
	Fields              []any  `json:"fields"`
	FollowRequestsCount int    `json:"follow_requests_count"`
}

// Role is the own account's role (verify_credentials).
type Role struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Permissions string `json:"permissions"`
	Color       string `json:"color"`
	Highlighted bool   `json:"highlighted"`
}

// Status is Mastodon's Status entity.
type Status struct {
	ID                 string    `json:"id"`
	URI                string    `json:"uri"`
	URL                string    `json:"url"`
	CreatedAt          string    `json:"created_at"`
	EditedAt           *string   `json:"edited_at"`
	Account            Account   `json:"account"`
	Content            string    `json:"content"`
	Text               *string   `json:"text,omitempty"`
	Visibility         string    `json:"visibility"`
	Sensitive          bool      `json:"sensitive"`
	SpoilerText        string    `json:"spoiler_text"`
	MediaAttachments   []any     `json:"media_attachments"`
	Application        *AppRef   `json:"application"`
	Mentions           []Mention `json:"mentions"`
	Tags               []Tag     `json:"tags"`
	Emojis             []any     `json:"emojis"`
	ReblogsCount       int64     `json:"reblogs_count"`
	FavouritesCount    int64     `json:"favourites_count"`
	RepliesCount       int64     `json:"replies_count"`
	InReplyToID        *string   `json:"in_reply_to_id"`
	InReplyToAccountID *string   `json:"in_reply_to_account_id"`
	Reblog             *Status   `json:"reblog"`
	Poll               *struct{} `json:"poll"`
	Card               *struct{} `json:"card"`
	Language           *string   `json:"language"`
	Favourited         *bool     `json:"favourited,omitempty"`
	Reblogged          *bool     `json:"reblogged,omitempty"`
	Muted              *bool     `json:"muted,omitempty"`
	Bookmarked         *bool     `json:"bookmarked,omitempty"`
	Pinned             *bool     `json:"pinned,omitempty"`
	Filtered           []any     `json:"filtered"`
}

// AppRef is the application shown on a status.
type AppRef struct {
	Name    string  `json:"name"`
	Website *string `json:"website"`
}

// Mention is Status.mentions[].
type Mention struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	URL      string `json:"url"`
	Acct     string `json:"acct"`
}

// Tag is Mastodon's Tag entity (history is filled by trends, later).
type Tag struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	History []any  `json:"history,omitempty"`
}

// Relationship is Mastodon's Relationship entity.
type Relationship struct {
	ID                  string   `json:"id"`
	Following           bool     `json:"following"`
	ShowingReblogs      bool     `json:"showing_reblogs"`
	Notifying           bool     `json:"notifying"`
	Languages           []string `json:"languages"`
	FollowedBy          bool     `json:"followed_by"`
	Blocking            bool     `json:"blocking"`
	BlockedBy           bool     `json:"blocked_by"`
	Muting              bool     `json:"muting"`
	MutingNotifications bool     `json:"muting_notifications"`
	Requested           bool     `json:"requested"`
	RequestedBy         bool     `json:"requested_by"`
	DomainBlocking      bool     `json:"domain_blocking"`
	Endorsed            bool     `json:"endorsed"`
	Note                string   `json:"note"`
}

// Notification is Mastodon's Notification entity.
type Notification struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`
	GroupKey  string  `json:"group_key"`
	CreatedAt string  `json:"created_at"`
	Account   Account `json:"account"`
	Status    *Status `json:"status,omitempty"`
}

func idStr(n int64) string { return strconv.FormatInt(n, 10) }

func optID(n int64) *string {
	if n == 0 {
		return nil
	}
	s := idStr(n)
	return &s
}

// timeStr formats a time as Mastodon does: UTC with milliseconds.
func timeStr(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func relationship(r store.Relationship) Relationship {
	return Relationship{
		ID: idStr(r.Target), Following: r.Following, ShowingReblogs: r.Following, FollowedBy: r.FollowedBy,
		Requested: r.Requested, RequestedBy: r.RequestedBy, Languages: nil,
	}
}

// accountURL is the public profile page of a username.
func (a *API) accountURL(username string) string { return a.BaseURL + "/@" + username }

func (a *API) account(ac *store.Account) Account {
	out := Account{
		ID: idStr(ac.ID), Username: ac.Username, Acct: ac.Username, DisplayName: ac.DisplayName,
		Locked: ac.Locked, Bot: ac.Bot, Discoverable: true, Indexable: true,
		// Mastodon reports the day an account was made, not the instant.
		CreatedAt: timeStr(ac.CreatedAt.UTC().Truncate(24 * time.Hour)),
		Note:      post.HTML(ac.Note, a.linker(nil)),
		URL:       a.accountURL(ac.Username), URI: a.BaseURL + "/users/" + ac.Username,
		Avatar: a.BaseURL + avatarPath, AvatarStatic: a.BaseURL + avatarPath,
		Header: a.BaseURL + headerPath, HeaderStatic: a.BaseURL + headerPath,
		FollowersCount: ac.FollowersCount, FollowingCount: ac.FollowingCount, StatusesCount: ac.StatusesCount,
		Emojis: []any{}, Fields: []any{}, Roles: []any{},
	}
	if !ac.LastStatusAt.IsZero() {
		d := ac.LastStatusAt.UTC().Format("2006-01-02")
		out.LastStatusAt = &d
	}
	return out
}

// credentialAccount is the own account with its source and role.
func (a *API) credentialAccount(ac *store.Account, requests int) Account {
	out := a.account(ac)
	out.Source = &Source{Privacy: "public", Language: ac.Language, Note: ac.Note, Fields: []any{}, FollowRequestsCount: requests}
	role := Role{ID: "-99", Name: "", Permissions: "0", Color: ""}
	if ac.Admin {
		role = Role{ID: "3", Name: "Owner", Permissions: "1", Color: "", Highlighted: true}
	}
	out.Role = &role
	return out
}

// linker resolves mentions among the accounts a status mentions, and tags
// to their timeline pages.
type linker struct {
	a        *API
	accounts map[string]*store.Account // by lower-cased username
}

func (a *API) linker(mentioned []*store.Account) linker {
	l := linker{a: a, accounts: map[string]*store.Account{}}
	for _, ac := range mentioned {
		l.accounts[strings.ToLower(ac.Username)] = ac
	}
	return l
}

func (l linker) MentionURL(m post.Mention) (string, bool) {
	if m.Domain != "" && !strings.EqualFold(m.Domain, l.a.Domain) {
		return "", false
	}
	ac, ok := l.accounts[strings.ToLower(m.Username)]
	if !ok {
		return "", false
	}
	return l.a.accountURL(ac.Username), true
}

func (l linker) TagURL(name string) string { return l.a.tagURL(name) }

func (a *API) tagURL(name string) string { return a.BaseURL + "/tags/" + pathEscape(post.TagKey(name)) }

// renderer turns statuses into entities, loading what they refer to in a
// few batched queries rather than one per status.
type renderer struct {
	a        *API
	viewer   *store.Account
	accounts map[int64]*store.Account
	statuses map[int64]*store.Status
	flags    map[int64]store.Flags
	apps     map[int64]*AppRef
}

func (a *API) renderStatuses(ctx context.Context, viewer *store.Account, sts []*store.Status) ([]Status, error) {
	rd := &renderer{a: a, viewer: viewer, statuses: map[int64]*store.Status{}}
	var missing []int64
	for _, st := range sts {
		rd.statuses[st.ID] = st
	}
	for _, st := range sts {
		if st.ReblogOfID != 0 && rd.statuses[st.ReblogOfID] == nil {
			missing = append(missing, st.ReblogOfID)
		}
	}
	if len(missing) > 0 {
		more, err := a.Store.StatusesByIDs(ctx, missing)
		if err != nil {
			return nil, fmt.Errorf("render statuses: %w", err)
		}
		for k, v := range more {
			rd.statuses[k] = v
		}
	}
	var accountIDs, statusIDs []int64
	for _, st := range rd.statuses {
		statusIDs = append(statusIDs, st.ID)
		accountIDs = append(accountIDs, st.AccountID)
		accountIDs = append(accountIDs, st.MentionIDs...)
	}
	var err error
	if rd.accounts, err = a.Store.AccountsByIDs(ctx, accountIDs); err != nil {
		return nil, fmt.Errorf("render statuses: %w", err)
	}
	if viewer != nil {
		if rd.flags, err = a.Store.Flags(ctx, viewer.ID, statusIDs); err != nil {
			return nil, fmt.Errorf("render statuses: %w", err)
		}
	}
	if rd.apps, err = a.apps(ctx, rd.statuses); err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(sts))
	for _, st := range sts {
		if e, ok := rd.status(st); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// apps loads the applications statuses were posted with. A page holds
// few distinct apps (people use one or two clients), so one lookup each is
// cheap; an app that is gone is simply not shown.
func (a *API) apps(ctx context.Context, sts map[int64]*store.Status) (map[int64]*AppRef, error) {
	out := map[int64]*AppRef{}
	for _, st := range sts {
		if st.ApplicationID == 0 {
			continue
		}
		if _, done := out[st.ApplicationID]; done {
			continue
		}
		app, err := a.Store.AppByID(ctx, st.ApplicationID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			out[st.ApplicationID] = nil
		case err != nil:
			return nil, fmt.Errorf("render statuses: %w", err)
		default:
			ref := &AppRef{Name: app.Name}
			if app.Website != "" {
				ref.Website = &app.Website
			}
			out[st.ApplicationID] = ref
		}
	}
	return out, nil
}

// renderStatus renders one status.
func (a *API) renderStatus(ctx context.Context, viewer *store.Account, st *store.Status) (Status, error) {
	out, err := a.renderStatuses(ctx, viewer, []*store.Status{st})
	if err != nil {
		return Status{}, err
	}
	if len(out) == 0 {
		return Status{}, errNotFound
	}
	return out[0], nil
}

// status builds one entity; ok is false when its author (or a reblog's
// original) has vanished between the queries.
func (rd *renderer) status(st *store.Status) (Status, bool) {
	author := rd.accounts[st.AccountID]
	if author == nil {
		return Status{}, false
	}
	a := rd.a
	out := Status{
		ID: idStr(st.ID), URI: a.BaseURL + "/users/" + author.Username + "/statuses/" + idStr(st.ID),
		URL: a.accountURL(author.Username) + "/" + idStr(st.ID), CreatedAt: timeStr(st.CreatedAt),
		Account: a.account(author), Visibility: string(st.Visibility), Sensitive: st.Sensitive,
		SpoilerText: st.SpoilerText, MediaAttachments: []any{}, Mentions: []Mention{}, Tags: []Tag{},
		Emojis: []any{}, ReblogsCount: st.ReblogsCount, FavouritesCount: st.FavouritesCount,
		RepliesCount: st.RepliesCount, InReplyToID: optID(st.InReplyToID),
		InReplyToAccountID: optID(st.InReplyToAccountID), Filtered: []any{},
		Application: rd.apps[st.ApplicationID],
	}
	if !st.EditedAt.IsZero() {
		e := timeStr(st.EditedAt)
		out.EditedAt = &e
	}
	if st.Language != "" {
		out.Language = &st.Language
	}
	if rd.viewer != nil {
		f := rd.flags[st.ID]
		no := false
		out.Favourited, out.Reblogged = &f.Favourited, &f.Reblogged
		out.Muted, out.Bookmarked, out.Pinned = &no, &no, &no
	}
	if st.ReblogOfID != 0 {
		orig := rd.statuses[st.ReblogOfID]
		if orig == nil {
			return Status{}, false
		}
		r, ok := rd.status(orig)
		if !ok {
			return Status{}, false
		}
		out.Reblog = &r
		out.URL = r.URL
		return out, true
	}
	var mentioned []*store.Account
	for _, mid := range st.MentionIDs {
		if m := rd.accounts[mid]; m != nil {
			mentioned = append(mentioned, m)
			out.Mentions = append(out.Mentions, Mention{ID: idStr(m.ID), Username: m.Username, URL: a.accountURL(m.Username), Acct: m.Username})
		}
	}
	for _, t := range st.Tags {
		out.Tags = append(out.Tags, Tag{Name: post.TagKey(t), URL: a.tagURL(t)})
	}
	out.Content = post.HTML(st.Text, a.linker(mentioned))
	return out, true
}

// renderAccounts renders a list of account refs.
func (a *API) renderAccounts(refs []store.AccountRef) []Account {
	out := make([]Account, 0, len(refs))
	for _, r := range refs {
		out = append(out, a.account(r.Account))
	}
	return out
}
