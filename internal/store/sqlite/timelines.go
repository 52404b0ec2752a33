package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sada-project/sada/internal/store"
)

// The timeline reads, named so that TestQueryPlans checks the very text
// that runs. Each ends where pageClause appends its terms.
const (
	// homeQuery's CROSS JOIN pins the join order, so the read is a range
	// scan of the account's entries in the primary key whatever the size of
	// statuses.
	homeQuery = `SELECT ` + statusColumns + `
		FROM home_entries h CROSS JOIN statuses s ON s.id = h.status_id
		WHERE h.account_id = ?`
	accountStatusesQuery = `SELECT ` + statusColumns + ` FROM statuses s WHERE s.account_id = ?`
	// publicQuery repeats the WHERE clause of the partial index
	// statuses_public, which INDEXED BY then insists on: a query that cannot
	// use it fails instead of scanning.
	publicQuery = `SELECT ` + statusColumns + `
		FROM statuses s INDEXED BY statuses_public
		WHERE s.visibility = 'public' AND s.reblog_of_id = 0`
	tagQuery = `SELECT ` + statusColumns + `
		FROM status_tags t CROSS JOIN statuses s ON s.id = t.status_id
		WHERE t.tag_key = ? AND s.visibility = 'public' AND s.reblog_of_id = 0`
	// trimHomeDelete finds the keep-th newest entry (?2 = keep-1) by walking
	// keep index entries, then range-deletes below it.
	trimHomeDelete = `DELETE FROM home_entries
		WHERE account_id = ?1 AND status_id < (
			SELECT status_id FROM home_entries WHERE account_id = ?1
			ORDER BY status_id DESC LIMIT 1 OFFSET ?2)`
)

// pagedStatuses runs a status query whose WHERE clause ends where the page
// terms go, and puts min_id pages back newest first.
func pagedStatuses(ctx context.Context, q querier, query, col string, p store.Page, args ...any) ([]*store.Status, error) {
	where, order, pargs, asc := pageClause(col, p)
	sts, err := queryStatuses(ctx, q, query+where+order, append(args, pargs...)...)
	if err != nil {
		return nil, err
	}
	if asc {
		reverse(sts)
	}
	return sts, nil
}

// HomeTimeline reads accountID's fanned-out home entries.
func (s *Store) HomeTimeline(ctx context.Context, accountID int64, p store.Page) ([]*store.Status, error) {
	sts, err := pagedStatuses(ctx, s.r, homeQuery, "h.status_id", p, accountID)
	if err != nil {
		return nil, fmt.Errorf("home timeline of %d: %w", accountID, classify(err))
	}
	return sts, nil
}

// AccountStatuses lists what accountID posted and reblogged. ExcludeReplies
// keeps the account's replies to itself (threads), as Mastodon does.
func (s *Store) AccountStatuses(ctx context.Context, accountID int64, f store.StatusFilter, p store.Page) ([]*store.Status, error) {
	query := accountStatusesQuery
	args := []any{accountID}
	if f.ExcludeReplies {
		query += ` AND (s.in_reply_to_id = 0 OR s.in_reply_to_account_id = s.account_id)`
	}
	if f.ExcludeReblogs {
		query += ` AND s.reblog_of_id = 0`
	}
	if len(f.Visibilities) > 0 {
		vs := make([]string, len(f.Visibilities))
		for i, v := range f.Visibilities {
			vs[i] = string(v)
		}
		query += ` AND s.visibility IN (SELECT value FROM json_each(?))`
		args = append(args, jsonStrings(vs))
	}
	sts, err := pagedStatuses(ctx, s.r, query, "s.id", p, args...)
	if err != nil {
		return nil, fmt.Errorf("statuses of %d: %w", accountID, classify(err))
	}
	return sts, nil
}

// PublicTimeline lists public statuses that are not reblogs.
func (s *Store) PublicTimeline(ctx context.Context, p store.Page) ([]*store.Status, error) {
	sts, err := pagedStatuses(ctx, s.r, publicQuery, "s.id", p)
	if err != nil {
		return nil, fmt.Errorf("public timeline: %w", classify(err))
	}
	return sts, nil
}

// TagTimeline lists public statuses, not reblogs, tagged tagKey.
func (s *Store) TagTimeline(ctx context.Context, tagKey string, p store.Page) ([]*store.Status, error) {
	sts, err := pagedStatuses(ctx, s.r, tagQuery, "t.status_id", p, tagKey)
	if err != nil {
		return nil, fmt.Errorf("tag timeline %q: %w", tagKey, classify(err))
	}
	return sts, nil
}

// trimBatch is how many accounts one trimming transaction covers, so that
// the writer is never held for long and posting goes on while trimming.
const trimBatch = 200

// TrimHomeTimelines deletes, for every account, the home entries below its
// keep-th newest. Each account costs a walk of keep index entries to find the
// cut and a range delete below it.
func (s *Store) TrimHomeTimelines(ctx context.Context, keep int) (int64, error) {
	if keep < 1 {
		return 0, fmt.Errorf("trim home timelines: keep %d: must be at least 1", keep)
	}
	var total int64
	var after int64 // last account id done
	for {
		ids, err := s.accountBatch(ctx, after)
		if err != nil {
			return total, fmt.Errorf("trim home timelines: %w", err)
		}
		if len(ids) == 0 {
			return total, nil
		}
		err = s.write(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.PrepareContext(ctx, trimHomeDelete)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, a := range ids {
				res, err := stmt.ExecContext(ctx, a, keep-1)
				if err != nil {
					return fmt.Errorf("account %d: %w", a, err)
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
			return total, fmt.Errorf("trim home timelines: %w", err)
		}
		after = ids[len(ids)-1]
	}
}

// accountBatch returns up to trimBatch account ids above after, in order.
func (s *Store) accountBatch(ctx context.Context, after int64) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ?`, after, trimBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		ids = append(ids, v)
	}
	return ids, rows.Err()
}
