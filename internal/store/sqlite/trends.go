package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
)

// Trend counts are kept per hour (for ranking) and per day (for Mastodon's
// Tag.history), as unix microseconds divided by these.
const (
	microsPerHour = int64(time.Hour / time.Microsecond)
	microsPerDay  = 24 * microsPerHour
)

func hourOf(t time.Time) int64 { return floorDiv(toMicro(t), microsPerHour) }
func dayOf(t time.Time) int64  { return floorDiv(toMicro(t), microsPerDay) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// recordTagUses counts the hashtags of a public or unlisted status, in
// CreateStatus's transaction: one use each, and one account per hour and
// per day however many times that account uses the tag.
func recordTagUses(ctx context.Context, tx *sql.Tx, st *store.Status, keys []string) error {
	created := toMicro(st.CreatedAt)
	hour, day := hourOf(st.CreatedAt), dayOf(st.CreatedAt)
	seen := make(map[string]bool, len(keys))
	for _, key := range keys {
		if seen[key] {
			continue
		}
		seen[key] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags (key, folded, last_used_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET last_used_at = max(last_used_at, excluded.last_used_at)`,
			key, search.Normalize(key), created); err != nil {
			return fmt.Errorf("tag %q: %w", key, err)
		}
		for _, p := range []struct{ accounts, counts, col string }{
			{"tag_hour_accounts", "tag_hours", "hour"},
			{"tag_day_accounts", "tag_days", "day"},
		} {
			period := hour
			if p.col == "day" {
				period = day
			}
			res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO `+p.accounts+` (tag_key, `+p.col+`, account_id)
				VALUES (?, ?, ?)`, key, period, st.AccountID)
			if err != nil {
				return fmt.Errorf("tag %q: %w", key, err)
			}
			newAccount, err := affected(res)
			if err != nil {
				return fmt.Errorf("tag %q: %w", key, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+p.counts+` (tag_key, `+p.col+`, uses, accounts)
				VALUES (?, ?, 1, ?)
				ON CONFLICT (tag_key, `+p.col+`) DO UPDATE SET uses = uses + 1, accounts = accounts + excluded.accounts`,
				key, period, newAccount); err != nil {
				return fmt.Errorf("tag %q: %w", key, err)
			}
		}
	}
	return nil
}

// TagActivity reports the tags used since windowStart: exact distinct
// accounts over the whole window, and the baseline summed from the hourly
// counts.
func (s *Store) TagActivity(ctx context.Context, windowStart, baselineStart time.Time) ([]store.TagActivity, error) {
	rows, err := s.r.QueryContext(ctx, `WITH w AS (
			SELECT tag_key, count(DISTINCT account_id) AS accounts FROM tag_hour_accounts
			WHERE hour >= ?1 GROUP BY tag_key
		)
		SELECT w.tag_key, w.accounts,
			(SELECT coalesce(sum(uses), 0) FROM tag_hours h WHERE h.tag_key = w.tag_key AND h.hour >= ?1),
			(SELECT coalesce(sum(accounts), 0) FROM tag_hours h
				WHERE h.tag_key = w.tag_key AND h.hour >= ?2 AND h.hour < ?1)
		FROM w ORDER BY w.tag_key`, hourOf(windowStart), hourOf(baselineStart))
	if err != nil {
		return nil, fmt.Errorf("tag activity: %w", classify(err))
	}
	defer rows.Close()
	var out []store.TagActivity
	for rows.Next() {
		var a store.TagActivity
		if err := rows.Scan(&a.Key, &a.Accounts, &a.Uses, &a.BaselineAccountHours); err != nil {
			return nil, fmt.Errorf("tag activity: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tag activity: %w", err)
	}
	return out, nil
}

// maxHistoryDays bounds TagHistory, whatever dates it is given.
const maxHistoryDays = 366

// TagHistory returns each key's daily use from the day of from to the day
// of to, newest first.
func (s *Store) TagHistory(ctx context.Context, keys []string, from, to time.Time) (map[string][]store.TagDay, error) {
	first, last := dayOf(from), dayOf(to)
	if last < first {
		return nil, fmt.Errorf("tag history: from %v is after to %v", from, to)
	}
	first = max(first, last-maxHistoryDays+1)
	out := make(map[string][]store.TagDay, len(keys))
	for _, k := range keys {
		days := make([]store.TagDay, 0, last-first+1)
		for d := last; d >= first; d-- {
			days = append(days, store.TagDay{Day: fromMicro(d * microsPerDay)})
		}
		out[k] = days
	}
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT tag_key, day, uses, accounts FROM tag_days
		WHERE tag_key IN (SELECT value FROM json_each(?1)) AND day >= ?2 AND day <= ?3`,
		jsonStrings(keys), first, last)
	if err != nil {
		return nil, fmt.Errorf("tag history: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var day, uses, accounts int64
		if err := rows.Scan(&key, &day, &uses, &accounts); err != nil {
			return nil, fmt.Errorf("tag history: %w", err)
		}
		if days, ok := out[key]; ok {
			days[last-day].Uses, days[last-day].Accounts = uses, accounts
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("tag history: %w", err)
	}
	return out, nil
}

// PruneTagActivity deletes hourly and daily counts from before before.
func (s *Store) PruneTagActivity(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, q := range []struct {
			query string
			arg   int64
		}{
			{`DELETE FROM tag_hour_accounts WHERE hour < ?`, hourOf(before)},
			{`DELETE FROM tag_hours WHERE hour < ?`, hourOf(before)},
			{`DELETE FROM tag_day_accounts WHERE day < ?`, dayOf(before)},
			{`DELETE FROM tag_days WHERE day < ?`, dayOf(before)},
		} {
			res, err := tx.ExecContext(ctx, q.query, q.arg)
			if err != nil {
				return err
			}
			k, err := affected(res)
			if err != nil {
				return err
			}
			n += k
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune tag activity: %w", classify(err))
	}
	return n, nil
}
