package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/sada-project/sada/internal/store"
)

// Notifications lists accountID's notifications filtered by type.
func (s *Store) Notifications(ctx context.Context, accountID int64, include, exclude []string, p store.Page) ([]*store.Notification, error) {
	query := `SELECT n.id, n.account_id, n.from_id, n.type, n.status_id, n.created_at
		FROM notifications n WHERE n.account_id = ?`
	args := []any{accountID}
	if len(include) > 0 {
		query += ` AND n.type IN (SELECT value FROM json_each(?))`
		args = append(args, jsonStrings(include))
	}
	if len(exclude) > 0 {
		query += ` AND n.type NOT IN (SELECT value FROM json_each(?))`
		args = append(args, jsonStrings(exclude))
	}
	where, order, pargs, asc := pageClause("n.id", p)
	rows, err := s.r.QueryContext(ctx, query+where+order, append(args, pargs...)...)
	if err != nil {
		return nil, fmt.Errorf("notifications of %d: %w", accountID, classify(err))
	}
	defer rows.Close()
	var out []*store.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, fmt.Errorf("notifications of %d: %w", accountID, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("notifications of %d: %w", accountID, err)
	}
	if asc {
		reverse(out)
	}
	return out, nil
}

func scanNotification(sc scanner) (*store.Notification, error) {
	var n store.Notification
	var created int64
	if err := sc.Scan(&n.ID, &n.AccountID, &n.FromID, &n.Type, &n.StatusID, &created); err != nil {
		return nil, err
	}
	n.CreatedAt = fromMicro(created)
	return &n, nil
}

// Notification returns accountID's notification id.
func (s *Store) Notification(ctx context.Context, accountID, id int64) (*store.Notification, error) {
	n, err := scanNotification(s.r.QueryRowContext(ctx, `SELECT id, account_id, from_id, type, status_id, created_at
		FROM notifications WHERE id = ? AND account_id = ?`, id, accountID))
	if err != nil {
		return nil, fmt.Errorf("notification %d of %d: %w", id, accountID, classify(err))
	}
	return n, nil
}

// DismissNotification deletes one of accountID's notifications; ErrNotFound
// when it has no such notification.
func (s *Store) DismissNotification(ctx context.Context, accountID, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE id = ? AND account_id = ?`, id, accountID)
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil || n == 0 {
			return errors.Join(err, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dismiss notification %d of %d: %w", id, accountID, classify(err))
	}
	return nil
}

// ClearNotifications deletes all of accountID's notifications.
func (s *Store) ClearNotifications(ctx context.Context, accountID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = ?`, accountID)
		return err
	})
	if err != nil {
		return fmt.Errorf("clear notifications of %d: %w", accountID, classify(err))
	}
	return nil
}
