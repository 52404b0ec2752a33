package sqlite

import (
	"context"
	"fmt"
	"slices"

	"github.com/sada-project/sada/internal/store"
)

// FollowersAmong returns the candidates that follow accountID: one lookup
// in follows_pair per candidate, whatever the number of followers.
func (s *Store) FollowersAmong(ctx context.Context, accountID int64, candidates []int64) ([]int64, error) {
	if len(candidates) == 0 {
		return nil, nil
	}
	// Duplicates go here rather than in SQL: a DISTINCT costs a temporary
	// b-tree, a fifth of the query's time with a thousand candidates.
	ids := slices.Clone(candidates)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := s.r.QueryContext(ctx, `SELECT f.account_id FROM json_each(?1) c
		CROSS JOIN follows f ON f.account_id = c.value AND f.target_id = ?2`, jsonIDs(ids), accountID)
	if err != nil {
		return nil, fmt.Errorf("followers of %d among %d: %w", accountID, len(candidates), classify(err))
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("followers of %d: %w", accountID, err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("followers of %d: %w", accountID, err)
	}
	return out, nil
}

// NotificationsCausedBy finds the notifications an action made. The two
// queries repeat the partial indexes' conditions (status_id <> 0 and
// status_id = 0) so that SQLite uses them.
func (s *Store) NotificationsCausedBy(ctx context.Context, fromID int64, typ string, statusID, accountID int64) ([]*store.Notification, error) {
	query := `SELECT id, account_id, from_id, type, status_id, created_at FROM notifications
		WHERE from_id = ?1 AND type = ?2 AND status_id = ?3`
	if statusID != 0 {
		query += ` AND status_id <> 0`
	} else {
		query += ` AND status_id = 0`
	}
	args := []any{fromID, typ, statusID}
	if accountID != 0 {
		query += ` AND account_id = ?4`
		args = append(args, accountID)
	}
	rows, err := s.r.QueryContext(ctx, query+` ORDER BY id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("notifications caused by %d: %w", fromID, classify(err))
	}
	defer rows.Close()
	var out []*store.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("notifications caused by %d: %w", fromID, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notifications caused by %d: %w", fromID, err)
	}
	return out, nil
}
