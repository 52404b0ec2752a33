package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// Follow makes followerID follow targetID, with backfill.
func (s *Store) Follow(ctx context.Context, followerID, targetID int64, backfill int) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		return s.follow(ctx, tx, followerID, targetID, backfill)
	})
	if err != nil {
		return fmt.Errorf("follow %d -> %d: %w", followerID, targetID, classify(err))
	}
	return nil
}

// follow is Follow inside tx, shared with AcceptFollowRequest.
func (s *Store) follow(ctx context.Context, tx *sql.Tx, followerID, targetID int64, backfill int) error {
	now := toMicro(s.now())
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO follows (id, account_id, target_id, created_at) VALUES (?, ?, ?, ?)`,
		id.New(), followerID, targetID, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE accounts SET following_count = following_count + 1 WHERE id = ?`, followerID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE accounts SET followers_count = followers_count + 1 WHERE id = ?`, targetID); err != nil {
		return err
	}
	if _, err := s.deleteRequest(ctx, tx, followerID, targetID); err != nil {
		return err
	}
	if err := s.notify(ctx, tx, targetID, followerID, store.NotifyFollow, 0); err != nil {
		return err
	}
	if backfill > 0 {
		// The newest statuses first, through statuses(account_id, id);
		// reblogs count as the target's statuses, as in fan-out.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO home_entries (account_id, status_id)
			SELECT ?, id FROM statuses
			WHERE account_id = ? AND visibility IN ('public', 'unlisted', 'private')
			ORDER BY id DESC LIMIT ?`, followerID, targetID, backfill); err != nil {
			return fmt.Errorf("backfill: %w", err)
		}
	}
	return nil
}

// deleteRequest removes a pending request and its notification, returning
// how many requests it removed (0 or 1).
func (s *Store) deleteRequest(ctx context.Context, tx *sql.Tx, followerID, targetID int64) (int64, error) {
	res, err := tx.ExecContext(ctx,
		`DELETE FROM follow_requests WHERE account_id = ? AND target_id = ?`, followerID, targetID)
	if err != nil {
		return 0, err
	}
	n, err := affected(res)
	if err != nil || n == 0 {
		return n, err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM notifications
		WHERE from_id = ? AND account_id = ? AND type = ? AND status_id = 0`,
		followerID, targetID, store.NotifyFollowRequest)
	return n, err
}

// notify records a notification for accountID caused by fromID, unless the
// two are the same: nobody is notified of their own actions.
func (s *Store) notify(ctx context.Context, tx *sql.Tx, accountID, fromID int64, typ string, statusID int64) error {
	if accountID == fromID {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_id, type, status_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id.New(), accountID, fromID, typ, statusID, toMicro(s.now()))
	if err != nil {
		return fmt.Errorf("notify %d of %s: %w", accountID, typ, err)
	}
	return nil
}

// unfollowHomeDelete removes from ?1's home every entry authored by ?2. It
// walks the follower's home (bounded by TrimHomeTimelines) rather than the
// target's statuses (unbounded).
const unfollowHomeDelete = `DELETE FROM home_entries
	WHERE account_id = ?1 AND status_id IN (
		SELECT h.status_id FROM home_entries h CROSS JOIN statuses s ON s.id = h.status_id
		WHERE h.account_id = ?1 AND s.account_id = ?2)`

// Unfollow removes the follow or the pending request.
func (s *Store) Unfollow(ctx context.Context, followerID, targetID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`DELETE FROM follows WHERE account_id = ? AND target_id = ?`, followerID, targetID)
		if err != nil {
			return err
		}
		followed, err := affected(res)
		if err != nil {
			return err
		}
		if followed > 0 {
			if _, err := tx.ExecContext(ctx,
				`UPDATE accounts SET following_count = max(following_count - 1, 0) WHERE id = ?`, followerID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx,
				`UPDATE accounts SET followers_count = max(followers_count - 1, 0) WHERE id = ?`, targetID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, unfollowHomeDelete, followerID, targetID); err != nil {
				return fmt.Errorf("clear home: %w", err)
			}
		}
		requested, err := s.deleteRequest(ctx, tx, followerID, targetID)
		if err != nil {
			return err
		}
		if followed == 0 && requested == 0 {
			return store.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("unfollow %d -> %d: %w", followerID, targetID, classify(err))
	}
	return nil
}

// RequestFollow records a pending request and notifies the target.
func (s *Store) RequestFollow(ctx context.Context, followerID, targetID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var following bool
		if err := tx.QueryRowContext(ctx,
			`SELECT EXISTS (SELECT 1 FROM follows WHERE account_id = ? AND target_id = ?)`,
			followerID, targetID).Scan(&following); err != nil {
			return err
		}
		if following {
			return fmt.Errorf("already following: %w", store.ErrConflict)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO follow_requests (id, account_id, target_id, created_at) VALUES (?, ?, ?, ?)`,
			id.New(), followerID, targetID, toMicro(s.now())); err != nil {
			return err
		}
		return s.notify(ctx, tx, targetID, followerID, store.NotifyFollowRequest, 0)
	})
	if err != nil {
		return fmt.Errorf("request follow %d -> %d: %w", followerID, targetID, classify(err))
	}
	return nil
}

// AcceptFollowRequest turns the pending request into a follow.
func (s *Store) AcceptFollowRequest(ctx context.Context, followerID, targetID int64, backfill int) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		n, err := s.deleteRequest(ctx, tx, followerID, targetID)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no pending request: %w", store.ErrNotFound)
		}
		return s.follow(ctx, tx, followerID, targetID, backfill)
	})
	if err != nil {
		return fmt.Errorf("accept follow request %d -> %d: %w", followerID, targetID, classify(err))
	}
	return nil
}

// RejectFollowRequest deletes the pending request and its notification;
// ErrNotFound when there is none.
func (s *Store) RejectFollowRequest(ctx context.Context, followerID, targetID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		n, err := s.deleteRequest(ctx, tx, followerID, targetID)
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no pending request: %w", store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reject follow request %d -> %d: %w", followerID, targetID, classify(err))
	}
	return nil
}

// FollowRequests lists who waits for targetID's approval, paged by request id.
func (s *Store) FollowRequests(ctx context.Context, targetID int64, p store.Page) ([]store.AccountRef, error) {
	where, order, args, asc := pageClause("r.id", p)
	refs, err := accountRefs(ctx, s.r, `SELECT r.id, `+accountColumns+`
		FROM follow_requests r CROSS JOIN accounts a ON a.id = r.account_id
		WHERE r.target_id = ?`+where+order, append([]any{targetID}, args...), asc)
	if err != nil {
		return nil, fmt.Errorf("follow requests of %d: %w", targetID, classify(err))
	}
	return refs, nil
}

// Followers lists who follows accountID, paged by follow id.
func (s *Store) Followers(ctx context.Context, accountID int64, p store.Page) ([]store.AccountRef, error) {
	where, order, args, asc := pageClause("f.id", p)
	refs, err := accountRefs(ctx, s.r, `SELECT f.id, `+accountColumns+`
		FROM follows f CROSS JOIN accounts a ON a.id = f.account_id
		WHERE f.target_id = ?`+where+order, append([]any{accountID}, args...), asc)
	if err != nil {
		return nil, fmt.Errorf("followers of %d: %w", accountID, classify(err))
	}
	return refs, nil
}

// Following lists whom accountID follows, paged by follow id.
func (s *Store) Following(ctx context.Context, accountID int64, p store.Page) ([]store.AccountRef, error) {
	where, order, args, asc := pageClause("f.id", p)
	refs, err := accountRefs(ctx, s.r, `SELECT f.id, `+accountColumns+`
		FROM follows f CROSS JOIN accounts a ON a.id = f.target_id
		WHERE f.account_id = ?`+where+order, append([]any{accountID}, args...), asc)
	if err != nil {
		return nil, fmt.Errorf("following of %d: %w", accountID, classify(err))
	}
	return refs, nil
}

// Relationships returns one Relationship per target, in order, in one query.
func (s *Store) Relationships(ctx context.Context, viewerID int64, targets []int64) ([]store.Relationship, error) {
	out := make([]store.Relationship, len(targets))
	if len(targets) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT t.value,
		EXISTS (SELECT 1 FROM follows WHERE account_id = ?1 AND target_id = t.value),
		EXISTS (SELECT 1 FROM follows WHERE account_id = t.value AND target_id = ?1),
		EXISTS (SELECT 1 FROM follow_requests WHERE account_id = ?1 AND target_id = t.value),
		EXISTS (SELECT 1 FROM follow_requests WHERE account_id = t.value AND target_id = ?1)
		FROM (SELECT DISTINCT value FROM json_each(?2)) t`, viewerID, jsonIDs(targets))
	if err != nil {
		return nil, fmt.Errorf("relationships of %d: %w", viewerID, classify(err))
	}
	defer rows.Close()
	byTarget := make(map[int64]store.Relationship, len(targets))
	for rows.Next() {
		var r store.Relationship
		if err := rows.Scan(&r.Target, &r.Following, &r.FollowedBy, &r.Requested, &r.RequestedBy); err != nil {
			return nil, fmt.Errorf("relationships of %d: %w", viewerID, err)
		}
		byTarget[r.Target] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("relationships of %d: %w", viewerID, err)
	}
	for i, t := range targets {
		r := byTarget[t]
		r.Target = t
		out[i] = r
	}
	return out, nil
}

// PullFollowees returns the accounts accountID follows whose Pull flag is set.
func (s *Store) PullFollowees(ctx context.Context, accountID int64) ([]int64, error) {
	// Driven from the few pulled accounts (a partial index), each checked
	// against the follow's unique key, so the cost does not grow with how
	// many accounts the reader follows.
	rows, err := s.r.QueryContext(ctx, `SELECT a.id
		FROM accounts a CROSS JOIN follows f ON f.account_id = ? AND f.target_id = a.id
		WHERE a.pull = 1 ORDER BY a.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("pull followees of %d: %w", accountID, classify(err))
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("pull followees of %d: %w", accountID, err)
		}
		ids = append(ids, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pull followees of %d: %w", accountID, err)
	}
	return ids, nil
}
