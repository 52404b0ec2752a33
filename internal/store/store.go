// Package store defines the records sada keeps and the Store interface that
// every storage backend implements. The domain and the API never write SQL:
// they call these methods. Backends live in sub-packages (store/sqlite now,
// store/postgres for scale-out), and store/storetest holds the contract suite
// every backend must pass unchanged.
//
// Conventions shared by every method:
//   - ctx comes first and cancels the work.
//   - A missing record is ErrNotFound (wrapped), never a nil result with a nil error.
//   - A uniqueness violation is ErrConflict (wrapped).
//   - Lists are newest first unless the method says otherwise, and honour Page.
//   - Ids are made by the caller with package id, so the store never needs a
//     sequence and two backends produce the same shapes.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors; backends wrap them with context.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
)

// Visibility of a post, with Mastodon's names.
type Visibility string

// The four visibilities Mastodon knows.
const (
	Public   Visibility = "public"   // everyone, listed on public timelines
	Unlisted Visibility = "unlisted" // everyone, but not on public timelines
	Private  Visibility = "private"  // followers and mentioned accounts only
	Direct   Visibility = "direct"   // mentioned accounts only
)

// Account is a local user.
type Account struct {
	ID             int64
	Username       string // as chosen; unique case-insensitively
	Email          string // optional; unique case-insensitively when set
	DisplayName    string
	Note           string // bio, plain text
	PasswordHash   string
	Locked         bool // follows need approval
	Bot            bool
	Admin          bool
	Language       string // preferred interface language ("", "en", "ar", "fa")
	CreatedAt      time.Time
	StatusesCount  int64
	FollowersCount int64
	FollowingCount int64
	LastStatusAt   time.Time // zero when the account never posted
	// Pull is set once the account has had so many followers that its posts
	// are no longer copied into each follower's home timeline; readers merge
	// its posts at read time instead. It never goes back to false, so every
	// post an account made stays reachable one way or the other.
	Pull bool
}

// Status is a post. A reblog is a Status whose ReblogOfID is set and whose
// Text is empty.
type Status struct {
	ID                 int64
	AccountID          int64
	Text               string // NFC-normalised source text
	SpoilerText        string
	Sensitive          bool
	Visibility         Visibility
	Language           string
	InReplyToID        int64 // 0 when not a reply
	InReplyToAccountID int64
	ReblogOfID         int64 // 0 when not a reblog
	CreatedAt          time.Time
	EditedAt           time.Time // zero when never edited
	RepliesCount       int64
	ReblogsCount       int64
	FavouritesCount    int64
	Tags               []string // tag names as written, filled by reads
	MentionIDs         []int64  // mentioned local accounts, filled by reads
	ApplicationID      int64    // app that posted it, 0 when unknown
}

// NewStatus is what CreateStatus writes, beyond the status row itself.
type NewStatus struct {
	Status *Status
	// Tags are the hashtag names as written; the store keys them by TagKey
	// supplied alongside (same order, same length).
	Tags    []string
	TagKeys []string
	// MentionIDs are local accounts mentioned in the text. Each one (other
	// than the author) gets a "mention" notification.
	MentionIDs []int64
	// FanOutToFollowers copies the status into the home timeline of every
	// follower of the author. The timeline package decides when.
	FanOutToFollowers bool
	// HomeIDs are extra accounts whose home timeline gets the status (the
	// author, and the mentioned accounts of a direct post).
	HomeIDs []int64
	// IdempotencyKey, when set, makes a repeated create by the same account
	// with the same key within a day return the first status instead of
	// creating a second one (ErrDuplicate is not used: Existing is set).
	IdempotencyKey string
	// MarkPull sets the author's Pull flag in the same transaction.
	MarkPull bool
}

// Notification types, with Mastodon's names.
const (
	NotifyMention       = "mention"
	NotifyFollow        = "follow"
	NotifyFollowRequest = "follow_request"
	NotifyReblog        = "reblog"
	NotifyFavourite     = "favourite"
)

// Notification is something that happened to AccountID, caused by FromID.
type Notification struct {
	ID        int64
	AccountID int64 // who is notified
	FromID    int64 // who caused it
	Type      string
	StatusID  int64 // 0 for follow and follow_request
	CreatedAt time.Time
}

// App is an OAuth client registered with POST /api/v1/apps.
type App struct {
	ID           int64
	Name         string
	Website      string
	RedirectURIs []string
	Scopes       []string
	ClientID     string
	ClientSecret string
	CreatedAt    time.Time
}

// AuthCode is a single-use OAuth authorization code.
type AuthCode struct {
	CodeHash      string // SHA-256 hex of the code; the code itself is never stored
	AppID         int64
	AccountID     int64
	RedirectURI   string
	Scopes        []string
	CodeChallenge string // PKCE S256 challenge, "" when the client sent none
	ExpiresAt     time.Time
}

// Token is an OAuth access token. Only its hash is stored, so a copy of the
// database does not let anyone act as a user.
type Token struct {
	ID        int64
	TokenHash string // SHA-256 hex of the bearer token
	AppID     int64
	AccountID int64 // 0 for a client_credentials token
	Scopes    []string
	CreatedAt time.Time
}

// Session is a web browser signed in to an account. Only a hash of the
// cookie's token is stored, so a copy of the database does not let anyone
// act as a user, just as for Token.
type Session struct {
	TokenHash string // SHA-256 hex of the session cookie's token
	AccountID int64
	CreatedAt time.Time
	// ExpiresAt is when the session ends unless renewed first; an expired
	// session is treated as missing.
	ExpiresAt time.Time
}

// Page bounds a list the way Mastodon's max_id, since_id and min_id do.
// MaxID and SinceID are exclusive bounds on an id-sorted list returned newest
// first. MinID returns the items just above MinID (oldest first among them),
// still reported newest first. Limit is always set by the caller (1..40 or
// more for internal use).
type Page struct {
	MaxID   int64
	SinceID int64
	MinID   int64
	Limit   int
}

// Relationship of one account (the viewer) to another (Target).
type Relationship struct {
	Target     int64
	Following  bool // viewer follows target
	FollowedBy bool // target follows viewer
	Requested  bool // viewer asked to follow target and waits
	// RequestedBy: target asked to follow viewer and waits.
	RequestedBy bool
}

// StatusFilter narrows an account's statuses.
type StatusFilter struct {
	ExcludeReplies bool
	ExcludeReblogs bool
	// Visibilities lists what the viewer may see; empty means all.
	Visibilities []Visibility
}

// AccountRef pairs an account with the id of the row that listed it (a
// follow, a favourite, a reblog), which is what Link headers page by.
type AccountRef struct {
	Account *Account
	RowID   int64
}

// StatusRef pairs a status with the id of the row that listed it.
type StatusRef struct {
	Status *Status
	RowID  int64
}

// Flags are the viewer-specific booleans of a status.
type Flags struct {
	Favourited bool
	Reblogged  bool
}

// StatusSearch is a full-text query over statuses. Terms come from
// search.Terms, so they are already normalised and hold no query syntax;
// a backend quotes each one for its own index.
type StatusSearch struct {
	Terms []string // every term must occur in the status
	// Prefix lets the last term also match as the start of a word, as
	// people search while they type.
	Prefix bool
	// ViewerID is who searches: only statuses that account may see are
	// returned (public and unlisted ones, its own, private ones of accounts
	// it follows, and those that mention it).
	ViewerID  int64
	AccountID int64 // when not 0, only statuses by this account
	Page      Page  // MaxID, SinceID, MinID and Limit as for timelines
	Offset    int   // results to skip, after paging
}

// AccountSearch is a query over account usernames and display names.
type AccountSearch struct {
	// Terms are normalised words (search.Terms); each must start a word of
	// the username or display name.
	Terms []string
	// Username, when set, ranks the account with exactly that username
	// (case-insensitively) first.
	Username string
	// FollowedBy, when not 0, keeps only accounts that account follows.
	FollowedBy int64
	Limit      int
	Offset     int
}

// TagActivity is how much a hashtag was used, for ranking trends. Only
// public and unlisted posts count.
type TagActivity struct {
	Key string // as post.TagKey makes it
	// Accounts is how many distinct accounts used the tag in the window.
	Accounts int64
	// Uses is how many posts used it in the window.
	Uses int64
	// BaselineAccountHours adds up, over each hour of the baseline, the
	// distinct accounts that used the tag in that hour: its usual rate of
	// use, counted so that one account posting it many times counts once
	// an hour.
	BaselineAccountHours int64
}

// TagDay is one day of a hashtag's use, as Mastodon's Tag.history shows it.
type TagDay struct {
	Day      time.Time // midnight UTC
	Uses     int64     // posts that used the tag that day
	Accounts int64     // distinct accounts among them
}

// Store is everything sada persists. See the package doc for conventions.
type Store interface {
	// Close releases the store.
	Close() error

	// SMSStore is text messaging: phones, codes, STOPs, subscriptions,
	// the inbound log and the outbox (sms.go).
	SMSStore

	// Accounts.

	// CreateAccount inserts a new account: ErrConflict when the username or
	// the email is taken.
	CreateAccount(ctx context.Context, a *Account) error
	// UpdateAccount writes the editable fields: DisplayName, Note,
	// PasswordHash, Locked, Bot, Admin, Language, Email.
	UpdateAccount(ctx context.Context, a *Account) error
	AccountByID(ctx context.Context, id int64) (*Account, error)
	// AccountByUsername matches case-insensitively.
	AccountByUsername(ctx context.Context, username string) (*Account, error)
	// AccountByLogin finds an account by username or email, case-insensitively.
	AccountByLogin(ctx context.Context, login string) (*Account, error)
	// AccountsByIDs returns the accounts found; missing ids are left out.
	AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*Account, error)
	// AccountsByUsernames returns found accounts keyed by lower-cased username.
	AccountsByUsernames(ctx context.Context, usernames []string) (map[string]*Account, error)
	// Accounts lists accounts by id, newest first (admin, directory).
	Accounts(ctx context.Context, p Page) ([]*Account, error)
	// CountAccounts and CountStatuses feed the instance statistics.
	CountAccounts(ctx context.Context) (int64, error)
	CountStatuses(ctx context.Context) (int64, error)

	// Follows.

	// Follow makes followerID follow targetID now: counts updated, a
	// "follow" notification for the target, and up to backfill recent
	// non-direct statuses of the target copied into the follower's home
	// timeline. ErrConflict when already following. Any pending request
	// between the two in that direction is removed.
	Follow(ctx context.Context, followerID, targetID int64, backfill int) error
	// Unfollow removes the follow, updates counts and removes the target's
	// statuses (and reblogs) from the follower's home timeline; it also
	// withdraws a pending request. ErrNotFound when there was neither.
	Unfollow(ctx context.Context, followerID, targetID int64) error
	// RequestFollow records a pending follow request with a
	// "follow_request" notification. ErrConflict when one is pending or
	// the follow exists.
	RequestFollow(ctx context.Context, followerID, targetID int64) error
	// AcceptFollowRequest turns a pending request into a follow (as Follow
	// does, with backfill). ErrNotFound when there is no such request.
	AcceptFollowRequest(ctx context.Context, followerID, targetID int64, backfill int) error
	// RejectFollowRequest deletes a pending request and its notification.
	RejectFollowRequest(ctx context.Context, followerID, targetID int64) error
	// FollowRequests lists the accounts waiting for targetID's approval.
	FollowRequests(ctx context.Context, targetID int64, p Page) ([]AccountRef, error)
	// Followers and Following list accounts, paged by the follow row id.
	Followers(ctx context.Context, accountID int64, p Page) ([]AccountRef, error)
	Following(ctx context.Context, accountID int64, p Page) ([]AccountRef, error)
	// Relationships returns one Relationship per target, in order.
	Relationships(ctx context.Context, viewerID int64, targets []int64) ([]Relationship, error)
	// PullFollowees returns the accounts accountID follows whose Pull flag is set.
	PullFollowees(ctx context.Context, accountID int64) ([]int64, error)

	// Statuses.

	// CreateStatus writes the status and everything in n atomically: tags,
	// mentions and their notifications, the author's counts and
	// last_status_at, the parent's replies_count, and for a reblog the
	// original's reblogs_count and a "reblog" notification to its author;
	// then the home timeline fan-out. It returns the stored status, which is
	// the earlier one with existing=true when the idempotency key was seen.
	// A second reblog of the same status by the same account is ErrConflict.
	CreateStatus(ctx context.Context, n NewStatus) (st *Status, existing bool, err error)
	StatusByID(ctx context.Context, id int64) (*Status, error)
	// StatusesByIDs returns the statuses found; missing ids are left out.
	StatusesByIDs(ctx context.Context, ids []int64) (map[int64]*Status, error)
	// DeleteStatus removes a status everywhere: its reblogs, home timeline
	// entries, notifications, favourites, tags and mentions, and fixes the
	// counts that included it. Replies stay, detached from nothing (their
	// in_reply_to_id keeps pointing at the deleted id, as Mastodon does).
	DeleteStatus(ctx context.Context, id int64) error
	// ReblogBy returns accountID's reblog of statusID, or ErrNotFound.
	ReblogBy(ctx context.Context, accountID, statusID int64) (*Status, error)
	// Ancestors returns the reply chain above id, oldest first (at most limit).
	Ancestors(ctx context.Context, id int64, limit int) ([]*Status, error)
	// Descendants returns all replies below id, depth-first in id order
	// within each level is fine; oldest first overall (at most limit).
	Descendants(ctx context.Context, id int64, limit int) ([]*Status, error)
	// Flags returns the viewer's favourited/reblogged state for each id.
	Flags(ctx context.Context, viewerID int64, ids []int64) (map[int64]Flags, error)

	// Favourites.

	// Favourite records it, bumps the count and notifies the author (not
	// when favouriting one's own status). ErrConflict when already done.
	Favourite(ctx context.Context, accountID, statusID int64) error
	// Unfavourite undoes it (and its notification). ErrNotFound when not favourited.
	Unfavourite(ctx context.Context, accountID, statusID int64) error
	// FavouritedBy and RebloggedBy list accounts, paged by row id.
	FavouritedBy(ctx context.Context, statusID int64, p Page) ([]AccountRef, error)
	RebloggedBy(ctx context.Context, statusID int64, p Page) ([]AccountRef, error)
	// Favourites lists what accountID favourited, paged by favourite row id.
	Favourites(ctx context.Context, accountID int64, p Page) ([]StatusRef, error)

	// Timelines. Each returns statuses newest first, paged by status id.

	// HomeTimeline reads the fanned-out entries of accountID's home.
	HomeTimeline(ctx context.Context, accountID int64, p Page) ([]*Status, error)
	// AccountStatuses lists what accountID posted (and reblogged).
	AccountStatuses(ctx context.Context, accountID int64, f StatusFilter, p Page) ([]*Status, error)
	// PublicTimeline lists public, non-reblog statuses.
	PublicTimeline(ctx context.Context, p Page) ([]*Status, error)
	// TagTimeline lists public, non-reblog statuses carrying the tag key.
	TagTimeline(ctx context.Context, tagKey string, p Page) ([]*Status, error)
	// TrimHomeTimelines keeps only the newest keep entries of every home
	// timeline, so their size stays bounded however much is posted. It
	// returns how many entries it removed. The server runs it periodically.
	TrimHomeTimelines(ctx context.Context, keep int) (int64, error)

	// Notifications.

	// Notifications lists accountID's notifications, keeping only types in
	// include (when non-empty) and dropping types in exclude.
	Notifications(ctx context.Context, accountID int64, include, exclude []string, p Page) ([]*Notification, error)
	// Notification returns one of accountID's notifications.
	Notification(ctx context.Context, accountID, id int64) (*Notification, error)
	DismissNotification(ctx context.Context, accountID, id int64) error
	ClearNotifications(ctx context.Context, accountID int64) error

	// OAuth.

	CreateApp(ctx context.Context, a *App) error
	AppByClientID(ctx context.Context, clientID string) (*App, error)
	AppByID(ctx context.Context, id int64) (*App, error)
	CreateAuthCode(ctx context.Context, c *AuthCode) error
	// TakeAuthCode returns the code and deletes it, so it works once.
	// An expired code is ErrNotFound.
	TakeAuthCode(ctx context.Context, codeHash string) (*AuthCode, error)
	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, tokenHash string) (*Token, error)
	// RevokeToken deletes the token; revoking an unknown token is not an error.
	RevokeToken(ctx context.Context, tokenHash string) error

	// Web sessions.

	// CreateSession stores a new session and drops expired ones, so that
	// abandoned sessions do not pile up. ErrConflict when the hash exists.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns the session whose token hashes to tokenHash;
	// ErrNotFound when there is none or it has expired.
	SessionByHash(ctx context.Context, tokenHash string) (*Session, error)
	// RenewSession moves the session's expiry to expiresAt, keeping a
	// person who keeps coming back signed in. ErrNotFound when it is gone.
	RenewSession(ctx context.Context, tokenHash string, expiresAt time.Time) error
	// DeleteSession ends one session (logging out); an unknown hash is not
	// an error.
	DeleteSession(ctx context.Context, tokenHash string) error
	// DeleteAccountSessions ends every session of accountID except the one
	// hashed as keep ("" ends them all), as after a password change.
	DeleteAccountSessions(ctx context.Context, accountID int64, keep string) error

	// Search, trends and live delivery.

	// SearchStatuses returns the statuses matching q that q.ViewerID may
	// see, newest first. Reblogs are never returned (they have no text of
	// their own). A status is searchable from the moment CreateStatus
	// returns and until DeleteStatus does.
	SearchStatuses(ctx context.Context, q StatusSearch) ([]*Status, error)
	// SearchAccounts returns accounts whose username or display name has a
	// word starting with each term: an exact username first, then by
	// follower count.
	SearchAccounts(ctx context.Context, q AccountSearch) ([]*Account, error)
	// SearchTags returns the keys of hashtags used in public or unlisted
	// posts whose normalised form (search.Normalize of the key) starts with
	// prefix: an exact match first, then the most recently used.
	SearchTags(ctx context.Context, prefix string, limit, offset int) ([]string, error)
	// TagActivity reports every hashtag used in a public or unlisted post
	// since windowStart, with its baseline over [baselineStart, windowStart).
	// Both times are rounded down to the hour; uses are counted by the
	// posts' CreatedAt.
	TagActivity(ctx context.Context, windowStart, baselineStart time.Time) ([]TagActivity, error)
	// TagHistory returns, for each key, its use per day (UTC) from the day
	// of from to the day of to, newest first, with unused days as zeros.
	TagHistory(ctx context.Context, keys []string, from, to time.Time) (map[string][]TagDay, error)
	// PruneTagActivity forgets hourly and daily tag counts older than
	// before, which trends no longer look at. It returns how many rows went.
	PruneTagActivity(ctx context.Context, before time.Time) (int64, error)
	// FollowersAmong returns those of candidates that follow accountID, in
	// no particular order: which live readers a post belongs to.
	FollowersAmong(ctx context.Context, accountID int64, candidates []int64) ([]int64, error)
	// NotificationsCausedBy returns the notifications of type typ that
	// fromID caused about statusID (0 for follow and follow_request), newest
	// first; when accountID is not 0, only those of accountID. It lets an
	// action announce the notifications it just made, which the store
	// creates inside the action's own transaction.
	NotificationsCausedBy(ctx context.Context, fromID int64, typ string, statusID, accountID int64) ([]*Notification, error)
}
