package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// Text messaging: linked phones, link codes, STOPs, subscriptions, the
// inbound log and the outbox (migration 0005).

const phoneColumns = `p.number, p.account_id, p.updates, p.joined, p.created_at`

func scanPhone(sc scanner) (*store.Phone, error) {
	var p store.Phone
	var created int64
	if err := sc.Scan(&p.Number, &p.AccountID, &p.Updates, &p.Joined, &created); err != nil {
		return nil, err
	}
	p.CreatedAt = fromMicro(created)
	return &p, nil
}

// LinkPhone binds a number to an account and drops the account's pending
// code in the same transaction.
func (s *Store) LinkPhone(ctx context.Context, p *store.Phone) error {
	if p.CreatedAt.IsZero() {
		p.CreatedAt = s.now()
	}
	p.CreatedAt = fromMicro(toMicro(p.CreatedAt))
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sms_phones (number, account_id, updates, joined, created_at)
			VALUES (?, ?, ?, ?, ?)`, p.Number, p.AccountID, p.Updates, p.Joined, toMicro(p.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sms_codes WHERE account_id = ?`, p.AccountID)
		return err
	})
	if err != nil {
		return fmt.Errorf("link phone to %d: %w", p.AccountID, classify(err))
	}
	return nil
}

// PhoneByNumber finds the account a number is linked to.
func (s *Store) PhoneByNumber(ctx context.Context, number string) (*store.Phone, error) {
	p, err := scanPhone(s.r.QueryRowContext(ctx, `SELECT `+phoneColumns+` FROM sms_phones p WHERE p.number = ?`, number))
	if err != nil {
		return nil, fmt.Errorf("phone by number: %w", classify(err))
	}
	return p, nil
}

// PhoneByAccount finds the number linked to an account.
func (s *Store) PhoneByAccount(ctx context.Context, accountID int64) (*store.Phone, error) {
	p, err := scanPhone(s.r.QueryRowContext(ctx, `SELECT `+phoneColumns+` FROM sms_phones p WHERE p.account_id = ?`, accountID))
	if err != nil {
		return nil, fmt.Errorf("phone of %d: %w", accountID, classify(err))
	}
	return p, nil
}

// UnlinkPhone removes an account's number and its subscriptions.
func (s *Store) UnlinkPhone(ctx context.Context, accountID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sms_phones WHERE account_id = ?`, accountID)
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sms_subscriptions WHERE account_id = ?`, accountID)
		return err
	})
	if err != nil {
		return fmt.Errorf("unlink phone of %d: %w", accountID, classify(err))
	}
	return nil
}

// SetPhoneUpdates sets the master switch of an account's number.
func (s *Store) SetPhoneUpdates(ctx context.Context, accountID int64, on bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sms_phones SET updates = ? WHERE account_id = ?`, on, accountID)
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set updates of %d: %w", accountID, classify(err))
	}
	return nil
}

// CountJoinedPhones counts accounts made by texting JOIN since then.
func (s *Store) CountJoinedPhones(ctx context.Context, since time.Time) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sms_phones WHERE joined = 1 AND created_at >= ?`,
		toMicro(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count joined phones: %w", classify(err))
	}
	return n, nil
}

const codeColumns = `account_id, number, code_hash, attempts, created_at, expires_at`

func scanCode(sc scanner) (*store.PhoneCode, error) {
	var c store.PhoneCode
	var created, expires int64
	if err := sc.Scan(&c.AccountID, &c.Number, &c.CodeHash, &c.Attempts, &created, &expires); err != nil {
		return nil, err
	}
	c.CreatedAt, c.ExpiresAt = fromMicro(created), fromMicro(expires)
	return &c, nil
}

// CreatePhoneCode stores the account's pending code, replacing any other,
// and drops expired codes of every account so the table stays small.
func (s *Store) CreatePhoneCode(ctx context.Context, c *store.PhoneCode) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = s.now()
	}
	c.CreatedAt = fromMicro(toMicro(c.CreatedAt))
	c.ExpiresAt = fromMicro(toMicro(c.ExpiresAt))
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sms_codes WHERE expires_at <= ?`, toMicro(s.now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sms_codes (`+codeColumns+`) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET number = excluded.number, code_hash = excluded.code_hash,
				attempts = excluded.attempts, created_at = excluded.created_at, expires_at = excluded.expires_at`,
			c.AccountID, c.Number, c.CodeHash, c.Attempts, toMicro(c.CreatedAt), toMicro(c.ExpiresAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("create phone code for %d: %w", c.AccountID, classify(err))
	}
	return nil
}

// PhoneCode returns the account's unexpired pending code.
func (s *Store) PhoneCode(ctx context.Context, accountID int64) (*store.PhoneCode, error) {
	c, err := scanCode(s.r.QueryRowContext(ctx, `SELECT `+codeColumns+` FROM sms_codes
		WHERE account_id = ? AND expires_at > ?`, accountID, toMicro(s.now())))
	if err != nil {
		return nil, fmt.Errorf("phone code of %d: %w", accountID, classify(err))
	}
	return c, nil
}

// PhoneCodesByNumber returns the unexpired codes sent to number.
func (s *Store) PhoneCodesByNumber(ctx context.Context, number string) ([]*store.PhoneCode, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+codeColumns+` FROM sms_codes
		WHERE number = ? AND expires_at > ? ORDER BY account_id`, number, toMicro(s.now()))
	if err != nil {
		return nil, fmt.Errorf("phone codes by number: %w", classify(err))
	}
	defer rows.Close()
	var out []*store.PhoneCode
	for rows.Next() {
		c, err := scanCode(rows)
		if err != nil {
			return nil, fmt.Errorf("phone codes by number: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("phone codes by number: %w", err)
	}
	return out, nil
}

// FailPhoneCode counts a wrong attempt at the account's code.
func (s *Store) FailPhoneCode(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `UPDATE sms_codes SET attempts = attempts + 1
			WHERE account_id = ? RETURNING attempts`, accountID).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("fail phone code of %d: %w", accountID, classify(err))
	}
	return n, nil
}

// DeletePhoneCode drops the account's pending code.
func (s *Store) DeletePhoneCode(ctx context.Context, accountID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sms_codes WHERE account_id = ?`, accountID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete phone code of %d: %w", accountID, classify(err))
	}
	return nil
}

// SetSMSStop records or forgets a STOP.
func (s *Store) SetSMSStop(ctx context.Context, number string, stop bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if stop {
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO sms_stops (number, created_at) VALUES (?, ?)`,
				number, toMicro(s.now()))
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM sms_stops WHERE number = ?`, number)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("set stop of a number: %w", classify(err))
	}
	return nil
}

// SMSStopped reports whether number said STOP.
func (s *Store) SMSStopped(ctx context.Context, number string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sms_stops WHERE number = ?`, number).Scan(&n); err != nil {
		return false, fmt.Errorf("stop of a number: %w", classify(err))
	}
	return n > 0, nil
}

// SubscribeSMS turns on text updates of target's posts for account.
func (s *Store) SubscribeSMS(ctx context.Context, accountID, targetID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO sms_subscriptions (account_id, target_id, created_at)
			VALUES (?, ?, ?)`, accountID, targetID, toMicro(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("subscribe %d to %d: %w", accountID, targetID, classify(err))
	}
	return nil
}

// UnsubscribeSMS turns them off.
func (s *Store) UnsubscribeSMS(ctx context.Context, accountID, targetID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sms_subscriptions WHERE account_id = ? AND target_id = ?`,
			accountID, targetID)
		return err
	})
	if err != nil {
		return fmt.Errorf("unsubscribe %d from %d: %w", accountID, targetID, classify(err))
	}
	return nil
}

// SMSSubscribed reports whether account gets target's posts by text.
func (s *Store) SMSSubscribed(ctx context.Context, accountID, targetID int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sms_subscriptions WHERE account_id = ? AND target_id = ?`,
		accountID, targetID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("subscription of %d to %d: %w", accountID, targetID, classify(err))
	}
	return n > 0, nil
}

// smsRecipientsQuery gathers the candidates (mentioned accounts, and
// subscribers who still follow the author) and keeps those whose phone
// takes updates and has not said STOP. ?1 author, ?2 mentions (JSON),
// ?3 whether subscribers count.
const smsRecipientsQuery = `WITH c(account_id) AS (
		SELECT value FROM json_each(?2)
		UNION
		SELECT su.account_id FROM sms_subscriptions su
		WHERE ?3 AND su.target_id = ?1
			AND EXISTS (SELECT 1 FROM follows f WHERE f.account_id = su.account_id AND f.target_id = ?1)
	)
	SELECT ` + phoneColumns + ` FROM c JOIN sms_phones p ON p.account_id = c.account_id
	WHERE p.updates = 1 AND p.account_id <> ?1
		AND NOT EXISTS (SELECT 1 FROM sms_stops x WHERE x.number = p.number)
	ORDER BY p.account_id`

// SMSRecipients returns the phones a post by author may be texted to.
func (s *Store) SMSRecipients(ctx context.Context, authorID int64, mentionIDs []int64, subscribers bool) ([]*store.Phone, error) {
	rows, err := s.r.QueryContext(ctx, smsRecipientsQuery, authorID, jsonIDs(mentionIDs), subscribers)
	if err != nil {
		return nil, fmt.Errorf("sms recipients of %d: %w", authorID, classify(err))
	}
	defer rows.Close()
	var out []*store.Phone
	for rows.Next() {
		p, err := scanPhone(rows)
		if err != nil {
			return nil, fmt.Errorf("sms recipients of %d: %w", authorID, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sms recipients of %d: %w", authorID, err)
	}
	return out, nil
}

const inboundColumns = `id, gateway_id, sender, receiver, text, sent_at, received_at, done_at`

// SaveInboundSMS stores a received message; ErrConflict for a repeat.
func (s *Store) SaveInboundSMS(ctx context.Context, m *store.InboundSMS) error {
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = s.now()
	}
	m.ReceivedAt = fromMicro(toMicro(m.ReceivedAt))
	m.SentAt = fromMicro(toMicro(m.SentAt))
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sms_inbound (`+inboundColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
			m.ID, m.GatewayID, m.Sender, m.Receiver, m.Text, toMicro(m.SentAt), toMicro(m.ReceivedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("save inbound sms: %w", classify(err))
	}
	return nil
}

// PendingInboundSMS returns unhandled messages, oldest first.
func (s *Store) PendingInboundSMS(ctx context.Context, limit int) ([]*store.InboundSMS, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+inboundColumns+` FROM sms_inbound
		WHERE done_at = 0 ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("pending inbound sms: %w", classify(err))
	}
	defer rows.Close()
	var out []*store.InboundSMS
	for rows.Next() {
		var m store.InboundSMS
		var sent, received, done int64
		if err := rows.Scan(&m.ID, &m.GatewayID, &m.Sender, &m.Receiver, &m.Text, &sent, &received, &done); err != nil {
			return nil, fmt.Errorf("pending inbound sms: %w", err)
		}
		m.SentAt, m.ReceivedAt, m.DoneAt = fromMicro(sent), fromMicro(received), fromMicro(done)
		out = append(out, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pending inbound sms: %w", err)
	}
	return out, nil
}

// FinishInboundSMS marks a message handled and enqueues its replies; a
// message already handled keeps its first replies only.
func (s *Store) FinishInboundSMS(ctx context.Context, id int64, replies []*store.OutboxSMS) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sms_inbound SET done_at = ? WHERE id = ? AND done_at = 0`,
			toMicro(s.now()), id)
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil {
			return err
		} else if n == 0 {
			var one int
			return tx.QueryRowContext(ctx, `SELECT 1 FROM sms_inbound WHERE id = ?`, id).Scan(&one)
		}
		_, err = s.enqueue(ctx, tx, replies)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish inbound sms %d: %w", id, classify(err))
	}
	return nil
}

const outboxColumns = `id, number, text, parts, kind, dedup_key, bypass_stop, secret, state,
	attempts, next_at, created_at, updated_at, sent_at, error`

func scanOutbox(sc scanner) (*store.OutboxSMS, error) {
	var m store.OutboxSMS
	var state string
	var next, created, updated, sent int64
	err := sc.Scan(&m.ID, &m.Number, &m.Text, &m.Parts, &m.Kind, &m.DedupKey, &m.BypassStop, &m.Secret, &state,
		&m.Attempts, &next, &created, &updated, &sent, &m.Error)
	if err != nil {
		return nil, err
	}
	m.State = store.OutboxState(state)
	m.NextAt, m.CreatedAt, m.UpdatedAt, m.SentAt = fromMicro(next), fromMicro(created), fromMicro(updated), fromMicro(sent)
	return &m, nil
}

// EnqueueSMS records outgoing messages, skipping repeated dedup keys.
func (s *Store) EnqueueSMS(ctx context.Context, msgs []*store.OutboxSMS) (int, error) {
	var n int
	err := s.write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.enqueue(ctx, tx, msgs)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("enqueue sms: %w", classify(err))
	}
	return n, nil
}

func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, msgs []*store.OutboxSMS) (int, error) {
	var added int
	now := s.now()
	for _, m := range msgs {
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		if m.NextAt.IsZero() {
			m.NextAt = m.CreatedAt
		}
		m.State, m.UpdatedAt = store.OutboxQueued, m.CreatedAt
		m.CreatedAt, m.UpdatedAt, m.NextAt = fromMicro(toMicro(m.CreatedAt)), fromMicro(toMicro(m.UpdatedAt)), fromMicro(toMicro(m.NextAt))
		res, err := tx.ExecContext(ctx, `INSERT INTO sms_outbox (`+outboxColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 0, '')
			ON CONFLICT DO NOTHING`,
			m.ID, m.Number, m.Text, m.Parts, m.Kind, m.DedupKey, m.BypassStop, m.Secret, string(m.State),
			toMicro(m.NextAt), toMicro(m.CreatedAt), toMicro(m.UpdatedAt))
		if err != nil {
			return 0, err
		}
		n, err := affected(res)
		if err != nil {
			return 0, err
		}
		added += int(n)
	}
	return added, nil
}

// ClaimSMS moves due messages to sending and returns them, oldest first.
func (s *Store) ClaimSMS(ctx context.Context, now time.Time, limit int) ([]*store.OutboxSMS, error) {
	var out []*store.OutboxSMS
	err := s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE sms_outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?1
			WHERE id IN (SELECT id FROM sms_outbox WHERE state IN ('queued', 'unknown') AND next_at <= ?1
				ORDER BY next_at, id LIMIT ?2)
			RETURNING `+outboxColumns, toMicro(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claim sms: %w", classify(err))
	}
	// RETURNING gives no order; the worker sends oldest first.
	slices.SortFunc(out, func(a, b *store.OutboxSMS) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// UpdateSMS moves a message between states, if it is in one of u.From.
func (s *Store) UpdateSMS(ctx context.Context, id int64, u store.OutboxUpdate) (bool, error) {
	from := make([]string, len(u.From))
	for i, st := range u.From {
		from[i] = string(st)
	}
	var moved bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET
				state = ?1,
				next_at = CASE WHEN ?1 IN ('queued', 'unknown') THEN ?2 ELSE next_at END,
				sent_at = CASE WHEN ?3 <> 0 THEN ?3 ELSE sent_at END,
				error = ?4,
				updated_at = ?5,
				text = CASE WHEN secret = 1 AND ?1 IN ('sent', 'delivered', 'failed', 'dropped') THEN '' ELSE text END
			WHERE id = ?6 AND state IN (SELECT value FROM json_each(?7))`,
			string(u.To), toMicro(u.NextAt), toMicro(u.SentAt), u.Error, toMicro(s.now()), id, jsonStrings(from))
		if err != nil {
			return err
		}
		n, err := affected(res)
		if err != nil {
			return err
		}
		if moved = n > 0; !moved {
			var one int
			return tx.QueryRowContext(ctx, `SELECT 1 FROM sms_outbox WHERE id = ?`, id).Scan(&one)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("update sms %d: %w", id, classify(err))
	}
	return moved, nil
}

// RecoverSMS turns stale claims into unknown messages. They count as sent
// at the moment they were claimed, for the limits.
func (s *Store) RecoverSMS(ctx context.Context, claimedBefore, resendAt time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET state = 'unknown', next_at = ?,
				sent_at = updated_at, updated_at = ?, error = 'interrupted while sending'
			WHERE state = 'sending' AND updated_at < ?`, toMicro(resendAt), toMicro(s.now()), toMicro(claimedBefore))
		if err != nil {
			return err
		}
		n, err = affected(res)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recover sms: %w", classify(err))
	}
	return n, nil
}

// OutboxSMSByID returns one outgoing message.
func (s *Store) OutboxSMSByID(ctx context.Context, id int64) (*store.OutboxSMS, error) {
	m, err := scanOutbox(s.r.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM sms_outbox WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("outbox sms %d: %w", id, classify(err))
	}
	return m, nil
}

// SMSPartsSent adds up the parts handed over for number since then.
func (s *Store) SMSPartsSent(ctx context.Context, number string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(parts), 0) FROM sms_outbox
		WHERE number = ? AND sent_at >= ? AND sent_at <> 0`, number, max(toMicro(since), 1)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sms parts sent: %w", classify(err))
	}
	return n, nil
}

// PurgeSMS forgets old handled messages and expired codes.
func (s *Store) PurgeSMS(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM sms_inbound WHERE done_at <> 0 AND received_at < ?`,
			`DELETE FROM sms_outbox WHERE state IN ('delivered', 'failed', 'dropped', 'sent') AND created_at < ?`,
			`DELETE FROM sms_codes WHERE expires_at < ?`,
		} {
			res, err := tx.ExecContext(ctx, q, toMicro(before))
			if err != nil {
				return err
			}
			n, err := affected(res)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge sms: %w", classify(err))
	}
	return total, nil
}

// StatusesAfter lists statuses above afterID, oldest first.
func (s *Store) StatusesAfter(ctx context.Context, afterID int64, limit int) ([]*store.Status, error) {
	sts, err := queryStatuses(ctx, s.r, `SELECT `+statusColumns+` FROM statuses s
		WHERE s.id > ? ORDER BY s.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("statuses after %d: %w", afterID, classify(err))
	}
	return sts, nil
}

// SMSCursor returns a named position.
func (s *Store) SMSCursor(ctx context.Context, name string) (int64, error) {
	var v int64
	if err := s.r.QueryRowContext(ctx, `SELECT value FROM sms_cursors WHERE name = ?`, name).Scan(&v); err != nil {
		return 0, fmt.Errorf("sms cursor %s: %w", name, classify(err))
	}
	return v, nil
}

// SetSMSCursor sets a named position.
func (s *Store) SetSMSCursor(ctx context.Context, name string, value int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sms_cursors (name, value) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
		return err
	})
	if err != nil {
		return fmt.Errorf("set sms cursor %s: %w", name, classify(err))
	}
	return nil
}
