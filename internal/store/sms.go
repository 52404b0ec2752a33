package store

import (
	"context"
	"time"
)

// Phone is a phone number linked to an account, through which the account
// posts and receives updates by text message. A number belongs to at most
// one account and an account has at most one number.
type Phone struct {
	Number    string // E.164: '+' and digits
	AccountID int64
	// Updates is the person's master switch (ON / OFF): when false, nothing
	// but replies to their own commands is texted to them.
	Updates bool
	// Joined is set when the account was created by texting JOIN, which is
	// rate-limited globally by counting such phones.
	Joined    bool
	CreatedAt time.Time
}

// PhoneCode is a pending proof that a person holds a number: sada texted
// the code to Number and links it to AccountID once the code comes back
// (typed on the web or texted from that number). Only a hash of the code
// is stored. An account has at most one pending code.
type PhoneCode struct {
	AccountID int64
	Number    string
	CodeHash  string // SHA-256 hex of the number and the code
	Attempts  int    // wrong codes tried so far
	CreatedAt time.Time
	ExpiresAt time.Time
}

// InboundSMS is a text message received from the gateway. It is stored
// before it is acted on, so that an accepted message is never lost, and
// keyed by the gateway's own id, so that a retried delivery is acted on once.
type InboundSMS struct {
	ID         int64  // ours, time-ordered: the order messages are handled in
	GatewayID  string // Kannel's %I, the same across its retries
	Sender     string // E.164
	Receiver   string // our number or short code as the gateway gave it
	Text       string
	SentAt     time.Time // as the network reported it; zero when unknown
	ReceivedAt time.Time
	DoneAt     time.Time // zero until handled
}

// OutboxState is where an outgoing text message is on its way.
type OutboxState string

// The life of an outgoing message:
//
//	queued ──claim──▶ sending ──202──▶ sent ──DLR──▶ delivered | failed
//	   ▲                 │ └─refused─▶ failed
//	   └──unreachable────┤
//	                     └─no answer─▶ unknown ──DLR──▶ sent | delivered | failed
//	                                      └──resend after a while──▶ sending
//
// dropped is for messages deliberately not sent (STOP, the daily cap).
const (
	OutboxQueued    OutboxState = "queued"    // waiting for its turn (NextAt)
	OutboxSending   OutboxState = "sending"   // handed to the gateway right now
	OutboxUnknown   OutboxState = "unknown"   // the gateway may or may not have it
	OutboxSent      OutboxState = "sent"      // the gateway accepted it
	OutboxDelivered OutboxState = "delivered" // the network reported delivery
	OutboxFailed    OutboxState = "failed"    // refused, undeliverable or expired
	OutboxDropped   OutboxState = "dropped"   // not sent on purpose
)

// Final reports whether no further change is expected.
func (s OutboxState) Final() bool {
	return s == OutboxDelivered || s == OutboxFailed || s == OutboxDropped
}

// OutboxSMS is an outgoing text message. It is recorded before it is sent,
// so that nothing is lost when the gateway or sada restarts.
type OutboxSMS struct {
	ID     int64
	Number string // E.164
	Text   string // blanked once sent when Secret is set
	// Parts is how many SMS the text takes; rate limits and caps count it.
	Parts int
	Kind  string // "reply", "update" or "code": what it is, for logs and limits
	// DedupKey, when set, makes a second enqueue of the same message a no-op
	// (the fan-out of a post may run more than once).
	DedupKey string
	// BypassStop lets the one confirmation of a STOP through.
	BypassStop bool
	// Secret marks a text carrying a code or a password; its text is
	// removed from the store once the gateway has it.
	Secret    bool
	State     OutboxState
	Attempts  int       // hand-overs to the gateway tried
	NextAt    time.Time // when queued or unknown: when to (re)try
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    time.Time // when last handed over; zero before
	Error     string    // why it failed, was dropped or is being retried
}

// OutboxUpdate moves an outgoing message from one of From to To, and does
// nothing when the message is in another state: a delivery report and the
// worker may race, and the first to move a message wins.
type OutboxUpdate struct {
	From   []OutboxState
	To     OutboxState
	NextAt time.Time // for queued and unknown
	SentAt time.Time // set when not zero
	Error  string
}

// SMSStore is what sada keeps for text messaging: linked phones, pending
// link codes, numbers that said STOP, per-followee subscriptions, the
// inbound log and the outbox. It is part of Store.
type SMSStore interface {
	// LinkPhone binds p.Number to p.AccountID and drops the account's
	// pending code. ErrConflict when the number or the account is linked.
	LinkPhone(ctx context.Context, p *Phone) error
	// PhoneByNumber and PhoneByAccount find a link; ErrNotFound when none.
	PhoneByNumber(ctx context.Context, number string) (*Phone, error)
	PhoneByAccount(ctx context.Context, accountID int64) (*Phone, error)
	// UnlinkPhone removes the account's number and its subscriptions.
	// ErrNotFound when it had none.
	UnlinkPhone(ctx context.Context, accountID int64) error
	// SetPhoneUpdates sets the account's master switch. ErrNotFound when
	// it has no number.
	SetPhoneUpdates(ctx context.Context, accountID int64, on bool) error
	// CountJoinedPhones counts accounts made by JOIN since then.
	CountJoinedPhones(ctx context.Context, since time.Time) (int64, error)

	// CreatePhoneCode stores the account's pending code, replacing any
	// earlier one.
	CreatePhoneCode(ctx context.Context, c *PhoneCode) error
	// PhoneCode returns the account's pending code; ErrNotFound when there
	// is none or it has expired.
	PhoneCode(ctx context.Context, accountID int64) (*PhoneCode, error)
	// PhoneCodesByNumber returns the unexpired codes sent to number.
	PhoneCodesByNumber(ctx context.Context, number string) ([]*PhoneCode, error)
	// FailPhoneCode counts one wrong attempt and returns the new count.
	// ErrNotFound when there is no pending code.
	FailPhoneCode(ctx context.Context, accountID int64) (int, error)
	// DeletePhoneCode drops the account's pending code, if any.
	DeletePhoneCode(ctx context.Context, accountID int64) error

	// SetSMSStop records (stop) or forgets a STOP from number.
	SetSMSStop(ctx context.Context, number string, stop bool) error
	// SMSStopped reports whether number said STOP and not START since.
	SMSStopped(ctx context.Context, number string) (bool, error)

	// SubscribeSMS turns on text updates of targetID's posts for
	// accountID; UnsubscribeSMS turns them off. Both are idempotent.
	SubscribeSMS(ctx context.Context, accountID, targetID int64) error
	UnsubscribeSMS(ctx context.Context, accountID, targetID int64) error
	// SMSSubscribed reports whether accountID gets targetID's posts by text.
	SMSSubscribed(ctx context.Context, accountID, targetID int64) (bool, error)
	// SMSRecipients returns the phones a post by authorID may go to: those
	// of mentioned accounts and, when subscribers is set, of accounts that
	// follow the author with text updates on for them; only phones with
	// Updates on, whose number did not say STOP, never the author's own.
	// Whether each may see the post is for the caller to decide.
	SMSRecipients(ctx context.Context, authorID int64, mentionIDs []int64, subscribers bool) ([]*Phone, error)

	// SaveInboundSMS stores a received message. ErrConflict when one with
	// the same GatewayID was stored before (a retried delivery).
	SaveInboundSMS(ctx context.Context, m *InboundSMS) error
	// PendingInboundSMS returns up to limit messages not yet handled,
	// oldest first.
	PendingInboundSMS(ctx context.Context, limit int) ([]*InboundSMS, error)
	// FinishInboundSMS marks the message handled and enqueues its replies
	// in the same transaction, so that a reply is neither lost nor doubled
	// by a crash in between.
	FinishInboundSMS(ctx context.Context, id int64, replies []*OutboxSMS) error

	// EnqueueSMS records outgoing messages as queued (ID, CreatedAt and
	// NextAt are the caller's). A message whose DedupKey is already in the
	// outbox is skipped. It returns how many were added.
	EnqueueSMS(ctx context.Context, msgs []*OutboxSMS) (int, error)
	// ClaimSMS moves up to limit queued or unknown messages due at now to
	// sending, counting an attempt and setting UpdatedAt to now, and
	// returns them oldest first.
	ClaimSMS(ctx context.Context, now time.Time, limit int) ([]*OutboxSMS, error)
	// UpdateSMS applies u to message id and reports whether it moved.
	// ErrNotFound when there is no such message.
	UpdateSMS(ctx context.Context, id int64, u OutboxUpdate) (bool, error)
	// RecoverSMS turns messages claimed (moved to sending) before
	// claimedBefore and still sending, which only a process that stopped
	// mid-send leaves, into unknown ones due at resendAt, and returns how
	// many.
	RecoverSMS(ctx context.Context, claimedBefore, resendAt time.Time) (int64, error)
	// OutboxSMSByID returns one outgoing message.
	OutboxSMSByID(ctx context.Context, id int64) (*OutboxSMS, error)
	// SMSPartsSent adds up the parts handed to the gateway for number since
	// then, for the rate limit and the daily cap.
	SMSPartsSent(ctx context.Context, number string, since time.Time) (int, error)
	// PurgeSMS forgets handled inbound messages and finished outgoing ones
	// older than before, and returns how many rows went.
	PurgeSMS(ctx context.Context, before time.Time) (int64, error)

	// StatusesAfter returns up to limit statuses with ids above afterID,
	// oldest first, of every visibility: what the SMS fan-out walks.
	StatusesAfter(ctx context.Context, afterID int64, limit int) ([]*Status, error)
	// SMSCursor returns a named position kept for the SMS workers;
	// ErrNotFound when never set. SetSMSCursor sets it.
	SMSCursor(ctx context.Context, name string) (int64, error)
	SetSMSCursor(ctx context.Context, name string, value int64) error
}
