package sms

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/post"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// runInbound handles stored messages in the order they arrived, one at a
// time: they are few, and one at a time keeps two messages from the same
// phone (JOIN then FOLLOW) in order.
func (s *Service) runInbound(ctx context.Context) {
	for {
		msgs, err := s.store.PendingInboundSMS(ctx, 50)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("sms: read inbound", "err", err)
			if !sleep(ctx, 5*time.Second, nil) {
				return
			}
			continue
		}
		for _, m := range msgs {
			if !s.handleInbound(ctx, m) {
				if ctx.Err() != nil || !sleep(ctx, 5*time.Second, nil) {
					return
				}
				break
			}
		}
		if len(msgs) == 0 && !sleep(ctx, 5*time.Second, s.inboundWake) {
			return
		}
	}
}

// handleInbound acts on one message and records it handled with its
// replies; it reports false when that could not be recorded. An action
// repeated after a crash before the record is harmless: posts carry the
// gateway id as idempotency key, and follows, favourites and switches are
// idempotent.
func (s *Service) handleInbound(ctx context.Context, m *store.InboundSMS) bool {
	replies, err := s.handle(ctx, m)
	if ctx.Err() != nil {
		return false // left pending; handled again after restart
	}
	if err != nil {
		s.log.Error("sms: handle message", "id", m.ID, "err", err)
		replies = []*store.OutboxSMS{s.outgoing(m.Sender, say(scriptLanguage(m.Text), msgTrouble), "reply")}
	}
	if err := s.store.FinishInboundSMS(ctx, m.ID, replies); err != nil {
		if ctx.Err() == nil {
			s.log.Error("sms: finish message", "id", m.ID, "err", err)
		}
		return false
	}
	if len(replies) > 0 {
		wake(s.outboxWake)
	}
	return true
}

// outgoing makes an outbox message, cut to MaxParts.
func (s *Service) outgoing(number, text, kind string) *store.OutboxSMS {
	text = Truncate(text, s.opt.MaxParts)
	now := s.opt.Now()
	return &store.OutboxSMS{ID: id.New(), Number: number, Text: text, Parts: Parts(text), Kind: kind, CreatedAt: now, NextAt: now}
}

// conversation is the handling of one message: who sent it, in which
// language to answer, and the replies so far.
type conversation struct {
	s       *Service
	m       *store.InboundSMS
	cmd     Command
	ac      *store.Account // nil for a number linked to no account
	lang    string
	replies []*store.OutboxSMS
}

func (c *conversation) say(m msg, args ...any) *store.OutboxSMS {
	return c.text(say(c.lang, m, args...))
}

func (c *conversation) text(text string) *store.OutboxSMS {
	o := c.s.outgoing(c.m.Sender, text, "reply")
	c.replies = append(c.replies, o)
	return o
}

// language picks the reply language: the command word's; else, for text
// in Arabic script, the account's language if it is Arabic or Persian and
// otherwise the one the letters suggest; else the account's; else English.
func (c *conversation) language() string {
	if c.cmd.Lang != "" {
		return c.cmd.Lang
	}
	account := ""
	if c.ac != nil {
		if _, ok := catalog[c.ac.Language]; ok {
			account = c.ac.Language
		}
	}
	if script := scriptLanguage(c.m.Text); script != "" {
		if account == "ar" || account == "fa" {
			return account
		}
		return script
	}
	if account != "" {
		return account
	}
	return "en"
}

func (s *Service) handle(ctx context.Context, m *store.InboundSMS) ([]*store.OutboxSMS, error) {
	c := &conversation{s: s, m: m, cmd: Parse(m.Text)}
	phone, err := s.store.PhoneByNumber(ctx, m.Sender)
	switch {
	case err == nil:
		if c.ac, err = s.store.AccountByID(ctx, phone.AccountID); err != nil {
			return nil, fmt.Errorf("account of %d: %w", phone.AccountID, err)
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	c.lang = c.language()
	err = c.dispatch(ctx)
	return c.replies, err
}

func (c *conversation) dispatch(ctx context.Context) error {
	st, cmd := c.s.store, c.cmd
	switch cmd.Kind {
	case Stop:
		if err := st.SetSMSStop(ctx, c.m.Sender, true); err != nil {
			return err
		}
		// The one message a STOP gets: that it worked.
		c.say(msgStopped).BypassStop = true
		return nil
	case Start:
		if err := st.SetSMSStop(ctx, c.m.Sender, false); err != nil {
			return err
		}
		c.say(msgStarted)
		return nil
	case Code:
		if done, err := c.code(ctx); done || err != nil {
			return err
		}
	}
	if c.ac == nil {
		switch {
		case cmd.Kind == Join:
			return c.join(ctx)
		case cmd.Kind == Help:
			c.say(msgHelpNewcomer)
		case cmd.Kind == Usage && cmd.Of == Join:
			c.text(usage(c.lang, Join))
		default:
			c.say(msgUnknownNumber)
		}
		return nil
	}
	switch cmd.Kind {
	case Post, Code:
		return c.post(ctx, cmd.Text, store.Public, 0)
	case Reply:
		return c.reply(ctx)
	case Follow:
		return c.follow(ctx)
	case Leave:
		return c.leave(ctx)
	case On, Off:
		return c.onOff(ctx, cmd.Kind == On)
	case Direct:
		return c.direct(ctx)
	case Get, Whois, Repost, Favourite:
		return c.aboutLatest(ctx)
	case Help:
		c.say(msgHelp)
	case Join:
		c.say(msgAlreadyJoined, c.ac.Username)
	case Password:
		return c.password(ctx)
	case Usage:
		c.text(usage(c.lang, cmd.Of))
	case Unknown:
		c.say(msgUnknownCommand, cmd.Word)
	}
	return nil
}

// fail turns a refusal by package social into a reply, and passes
// internal errors on.
func (c *conversation) fail(err error, m msg) error {
	var se *social.Error
	if errors.As(err, &se) {
		c.say(m, se.Msg)
		return nil
	}
	return err
}

// post posts text; only a refusal gets a reply (a text for every post
// would double what people pay).
func (c *conversation) post(ctx context.Context, text string, vis store.Visibility, inReplyTo int64) error {
	_, err := c.s.social.Post(ctx, c.ac, social.PostInput{
		Text: text, Visibility: vis, InReplyToID: inReplyTo, Language: scriptLanguage(text),
		IdempotencyKey: "sms:" + c.m.GatewayID,
	})
	if err == nil {
		return nil
	}
	if errors.Is(err, social.ErrInvalid) {
		if n := post.Length(text); n > post.MaxLength {
			c.say(msgTooLong, n, post.MaxLength)
			return nil
		}
	}
	return c.fail(err, msgNotPosted)
}

// account finds the account a command names; when there is none it says
// so and returns nil.
func (c *conversation) account(ctx context.Context, name string) (*store.Account, error) {
	user, ok := ValidName(name, c.s.opt.Domain)
	if !ok {
		c.say(msgNoSuchName, name)
		return nil, nil
	}
	a, err := c.s.store.AccountByUsername(ctx, user)
	if errors.Is(err, store.ErrNotFound) {
		c.say(msgNoSuchName, name)
		return nil, nil
	}
	return a, err
}

// latest returns target's newest post that the sender may see (replies
// included, reposts not); when there is none it says so and returns nil.
func (c *conversation) latest(ctx context.Context, target *store.Account) (*store.Status, error) {
	sts, err := c.s.social.AccountStatuses(ctx, c.ac, target.ID, store.StatusFilter{ExcludeReblogs: true}, store.Page{Limit: 1})
	if err != nil {
		return nil, c.fail(err, msgNotAllowed)
	}
	if len(sts) == 0 {
		c.say(msgNoPosts, target.Username)
		return nil, nil
	}
	return sts[0], nil
}

func (c *conversation) reply(ctx context.Context) error {
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	parent, err := c.latest(ctx, target)
	if parent == nil || err != nil {
		return err
	}
	// A reply is no more visible than what it answers.
	vis := store.Public
	if parent.Visibility == store.Private || parent.Visibility == store.Direct {
		vis = parent.Visibility
	}
	return c.post(ctx, c.cmd.Text, vis, parent.ID)
}

func (c *conversation) direct(ctx context.Context) error {
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	return c.post(ctx, "@"+target.Username+" "+c.cmd.Text, store.Direct, 0)
}

func (c *conversation) follow(ctx context.Context) error {
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	if target.ID == c.ac.ID {
		c.say(msgSelf)
		return nil
	}
	rel, err := c.s.social.Follow(ctx, c.ac, target.ID)
	if err != nil {
		return c.fail(err, msgNotAllowed)
	}
	// Subscribed even while a request waits: texts start once accepted.
	if err := c.s.store.SubscribeSMS(ctx, c.ac.ID, target.ID); err != nil {
		return err
	}
	if rel.Following {
		c.say(msgFollowing, target.Username, target.Username)
	} else {
		c.say(msgRequested, target.Username)
	}
	return nil
}

func (c *conversation) leave(ctx context.Context) error {
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	if _, err := c.s.social.Unfollow(ctx, c.ac, target.ID); err != nil {
		return c.fail(err, msgNotAllowed)
	}
	if err := c.s.store.UnsubscribeSMS(ctx, c.ac.ID, target.ID); err != nil {
		return err
	}
	c.say(msgLeft, target.Username)
	return nil
}

func (c *conversation) onOff(ctx context.Context, on bool) error {
	if c.cmd.Name == "" {
		if err := c.s.store.SetPhoneUpdates(ctx, c.ac.ID, on); err != nil {
			return err
		}
		if on {
			c.say(msgUpdatesOn)
		} else {
			c.say(msgUpdatesOff)
		}
		return nil
	}
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	if !on {
		if err := c.s.store.UnsubscribeSMS(ctx, c.ac.ID, target.ID); err != nil {
			return err
		}
		c.say(msgOffFor, target.Username)
		return nil
	}
	rels, err := c.s.store.Relationships(ctx, c.ac.ID, []int64{target.ID})
	if err != nil {
		return err
	}
	if len(rels) != 1 || !(rels[0].Following || rels[0].Requested) {
		c.say(msgNotFollowing, target.Username, target.Username)
		return nil
	}
	if err := c.s.store.SubscribeSMS(ctx, c.ac.ID, target.ID); err != nil {
		return err
	}
	c.say(msgOnFor, target.Username)
	return nil
}

// aboutLatest does GET, WHOIS, RT and FAV, which all name one account.
func (c *conversation) aboutLatest(ctx context.Context) error {
	target, err := c.account(ctx, c.cmd.Name)
	if target == nil || err != nil {
		return err
	}
	if c.cmd.Kind == Whois {
		name := "@" + target.Username
		if target.DisplayName != "" && target.DisplayName != target.Username {
			name += " (" + target.DisplayName + ")"
		}
		text := say(c.lang, msgWhois, name, target.Note, target.StatusesCount, target.FollowingCount, target.FollowersCount)
		c.text(strings.Join(strings.Fields(text), " "))
		return nil
	}
	latest, err := c.latest(ctx, target)
	if latest == nil || err != nil {
		return err
	}
	switch c.cmd.Kind {
	case Get:
		c.text(updateText(target, latest))
	case Repost:
		if _, err := c.s.social.Reblog(ctx, c.ac, latest.ID); err != nil {
			return c.fail(err, msgNotAllowed)
		}
		c.say(msgReposted, target.Username)
	case Favourite:
		if _, err := c.s.social.Favourite(ctx, c.ac, latest.ID); err != nil {
			return c.fail(err, msgNotAllowed)
		}
		c.say(msgFavourited, target.Username)
	}
	return nil
}

// updateText is how a post reads as a text message: "name: text", with a
// content warning first when there is one (a text cannot hide anything).
func updateText(author *store.Account, st *store.Status) string {
	if st.SpoilerText != "" {
		return author.Username + ": [" + st.SpoilerText + "] " + st.Text
	}
	return author.Username + ": " + st.Text
}

// passwordAlphabet leaves out characters that look alike on a small screen.
const passwordAlphabet = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"

// password gives the account a new password and texts it: how someone who
// joined by text signs in on the web (and how anyone who holds the number
// gets back in).
func (c *conversation) password(ctx context.Context) error {
	pw := randomString(passwordAlphabet, 12)
	if err := c.s.social.SetPassword(ctx, c.ac, pw); err != nil {
		return c.fail(err, msgNotAllowed)
	}
	c.say(msgPassword, pw, c.s.opt.BaseURL, c.ac.Username).Secret = true
	return nil
}

// join makes an account for an unknown number.
func (c *conversation) join(ctx context.Context) error {
	if !c.s.opt.JoinOpen {
		c.say(msgJoinClosed)
		return nil
	}
	if !c.s.allowJoin(c.m.Sender) {
		c.say(msgJoinBusy)
		return nil
	}
	n, err := c.s.store.CountJoinedPhones(ctx, c.s.opt.Now().Add(-time.Hour))
	if err != nil {
		return err
	}
	if n >= int64(c.s.opt.JoinsPerHour) {
		c.s.log.Warn("sms: JOIN refused, hourly limit reached", "limit", c.s.opt.JoinsPerHour)
		c.say(msgJoinBusy)
		return nil
	}
	user, ok := ValidName(c.cmd.Name, c.s.opt.Domain)
	if !ok || strings.Contains(c.cmd.Name, "@") {
		c.say(msgBadName)
		return nil
	}
	if _, err := c.s.store.AccountByUsername(ctx, user); err == nil {
		c.say(msgNameTaken, user)
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	// The password is never shown: PASSWORD texts a fresh one.
	ac, err := c.s.social.Register(ctx, social.NewAccount{
		Username: user, Password: randomString(passwordAlphabet, 32), Language: c.lang,
	})
	if err != nil {
		if errors.Is(err, social.ErrInvalid) {
			if _, taken := c.s.store.AccountByUsername(ctx, user); taken == nil {
				c.say(msgNameTaken, user)
			} else {
				c.say(msgBadName)
			}
			return nil
		}
		return err
	}
	p := &store.Phone{Number: c.m.Sender, AccountID: ac.ID, Updates: true, Joined: true, CreatedAt: c.s.opt.Now()}
	if err := c.s.store.LinkPhone(ctx, p); err != nil {
		return fmt.Errorf("join %s: %w", user, err)
	}
	c.s.log.Info("sms: account made by JOIN", "account", ac.ID)
	c.say(msgWelcome, ac.Username, c.s.opt.BaseURL)
	return nil
}

// allowJoin counts a JOIN attempt by number and says whether it is within
// 5 an hour. The count lives in memory: it only slows down someone trying
// many names, and the global limit, which is in the store, bounds the rest.
func (s *Service) allowJoin(number string) bool {
	const perHour = 5
	now := s.opt.Now()
	s.joinMu.Lock()
	defer s.joinMu.Unlock()
	recent := slices.DeleteFunc(s.joinAttempts[number], func(t time.Time) bool { return now.Sub(t) > time.Hour })
	if len(recent) >= perHour {
		s.joinAttempts[number] = recent
		return false
	}
	s.joinAttempts[number] = append(recent, now)
	if len(s.joinAttempts) > 10000 { // forget idle numbers now and then
		for k, ts := range s.joinAttempts {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > time.Hour {
				delete(s.joinAttempts, k)
			}
		}
	}
	return true
}

// code handles six digits texted in: a link code when the number has one
// pending. It reports whether it did.
func (c *conversation) code(ctx context.Context) (bool, error) {
	codes, err := c.s.store.PhoneCodesByNumber(ctx, c.m.Sender)
	if err != nil || len(codes) == 0 {
		return false, err
	}
	hash := codeHash(c.m.Sender, c.cmd.Text)
	for _, pc := range codes {
		if subtle.ConstantTimeCompare([]byte(hash), []byte(pc.CodeHash)) != 1 {
			continue
		}
		ac, err := c.s.store.AccountByID(ctx, pc.AccountID)
		if err != nil {
			return true, err
		}
		if _, ok := catalog[ac.Language]; ok && c.cmd.Lang == "" {
			c.lang = ac.Language
		}
		if err := c.s.store.LinkPhone(ctx, &store.Phone{Number: c.m.Sender, AccountID: ac.ID, Updates: true, CreatedAt: c.s.opt.Now()}); err != nil {
			if errors.Is(err, store.ErrConflict) {
				c.say(msgNumberTaken)
				return true, nil
			}
			return true, err
		}
		c.say(msgLinked, ac.Username)
		return true, nil
	}
	for _, pc := range codes {
		if err := c.s.failCode(ctx, pc.AccountID); err != nil {
			return true, err
		}
	}
	c.say(msgBadCode)
	return true, nil
}

// codeHash is how link codes are kept: bound to the number, so a code
// sent to one number does not link another.
func codeHash(number, code string) string {
	h := sha256.Sum256([]byte(number + "\x00" + asciiDigits(strings.TrimSpace(code))))
	return hex.EncodeToString(h[:])
}
