package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sada-project/sada/internal/id"
	"github.com/sada-project/sada/internal/store"
)

// idempotencyWindow is how long an idempotency key keeps returning the first
// status, as Mastodon does.
const idempotencyWindow = 24 * time.Hour

const statusColumns = `s.id, s.account_id, s.text, s.spoiler_text, s.sensitive, s.visibility,
	s.language, s.in_reply_to_id, s.in_reply_to_account_id, s.reblog_of_id, s.created_at,
	s.edited_at, s.replies_count, s.reblogs_count, s.favourites_count, s.application_id`

func scanStatus(sc scanner) (*store.Status, error) {
	var st store.Status
	var created, edited int64
	var vis string
	err := sc.Scan(&st.ID, &st.AccountID, &st.Text, &st.SpoilerText, &st.Sensitive, &vis,
		&st.Language, &st.InReplyToID, &st.InReplyToAccountID, &st.ReblogOfID, &created,
		&edited, &st.RepliesCount, &st.ReblogsCount, &st.FavouritesCount, &st.ApplicationID)
	if err != nil {
		return nil, err
	}
	st.Visibility = store.Visibility(vis)
	st.CreatedAt = fromMicro(created)
	st.EditedAt = fromMicro(edited)
	return &st, nil
}

// queryStatuses runs query, which selects statusColumns, and fills the
// statuses' tags and mentions with one more query each.
func queryStatuses(ctx context.Context, q querier, query string, args ...any) ([]*store.Status, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Status
	for rows.Next() {
		st, err := scanStatus(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := fillStatuses(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// fillStatuses sets Tags and MentionIDs of sts: one query for all tags and
// one for all mentions, whatever the number of statuses.
func fillStatuses(ctx context.Context, q querier, sts []*store.Status) error {
	if len(sts) == 0 {
		return nil
	}
	byID := make(map[int64]*store.Status, len(sts))
	ids := make([]int64, 0, len(sts))
	for _, st := range sts {
		// A list may hold the same status twice (never from this package's
		// queries, but cheap to allow).
		if _, dup := byID[st.ID]; !dup {
			ids = append(ids, st.ID)
		}
		byID[st.ID] = st
	}
	list := jsonIDs(ids)

	rows, err := q.QueryContext(ctx, `SELECT status_id, name FROM status_tags
		WHERE status_id IN (SELECT value FROM json_each(?)) ORDER BY status_id, position`, list)
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	for rows.Next() {
		var sid int64
		var name string
		if err := rows.Scan(&sid, &name); err != nil {
			rows.Close()
			return fmt.Errorf("tags: %w", err)
		}
		byID[sid].Tags = append(byID[sid].Tags, name)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("tags: %w", err)
	}

	rows, err = q.QueryContext(ctx, `SELECT status_id, account_id FROM mentions
		WHERE status_id IN (SELECT value FROM json_each(?)) ORDER BY status_id, account_id`, list)
	if err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	for rows.Next() {
		var sid, aid int64
		if err := rows.Scan(&sid, &aid); err != nil {
			rows.Close()
			return fmt.Errorf("mentions: %w", err)
		}
		byID[sid].MentionIDs = append(byID[sid].MentionIDs, aid)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return fmt.Errorf("mentions: %w", err)
	}
	// Statuses listed twice share the first copy's slices.
	for _, st := range sts {
		if first := byID[st.ID]; first != st {
			st.Tags, st.MentionIDs = first.Tags, first.MentionIDs
		}
	}
	return nil
}

func statusByID(ctx context.Context, q querier, id int64) (*store.Status, error) {
	sts, err := queryStatuses(ctx, q, `SELECT `+statusColumns+` FROM statuses s WHERE s.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(sts) == 0 {
		return nil, store.ErrNotFound
	}
	return sts[0], nil
}

// CreateStatus writes the status with its tags, mentions, notifications,
// counts and home timeline fan-out in one transaction.
func (s *Store) CreateStatus(ctx context.Context, n store.NewStatus) (*store.Status, bool, error) {
	if n.Status == nil {
		return nil, false, errors.New("create status: nil Status")
	}
	in := *n.Status
	if len(n.Tags) != len(n.TagKeys) {
		return nil, false, fmt.Errorf("create status %d: %d tags but %d tag keys", in.ID, len(n.Tags), len(n.TagKeys))
	}
	if in.CreatedAt.IsZero() {
		in.CreatedAt = s.now()
	}
	var out *store.Status
	var existing bool
	// Concurrent posts share a commit; see groupcommit.go.
	err := s.groupWrite(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.now()
		if n.IdempotencyKey != "" {
			// Joined with statuses so that a key whose status was deleted
			// since counts as unseen.
			var sid int64
			err := tx.QueryRowContext(ctx, `SELECT k.status_id
				FROM idempotency_keys k JOIN statuses s ON s.id = k.status_id
				WHERE k.account_id = ? AND k.key = ? AND k.created_at >= ?`,
				in.AccountID, n.IdempotencyKey, toMicro(now.Add(-idempotencyWindow))).Scan(&sid)
			switch {
			case err == nil:
				existing = true
				out, err = statusByID(ctx, tx, sid)
				return err
			case !errors.Is(err, sql.ErrNoRows):
				return fmt.Errorf("idempotency key: %w", err)
			}
		}
		if err := s.insertStatus(ctx, tx, &in, n); err != nil {
			return err
		}
		if n.IdempotencyKey != "" {
			// Expired keys go here rather than in a separate job; the
			// created_at index makes this a short range delete.
			if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`,
				toMicro(now.Add(-idempotencyWindow))); err != nil {
				return fmt.Errorf("expire idempotency keys: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO idempotency_keys
				(account_id, key, status_id, created_at) VALUES (?, ?, ?, ?)`,
				in.AccountID, n.IdempotencyKey, in.ID, toMicro(now)); err != nil {
				return fmt.Errorf("idempotency key: %w", err)
			}
		}
		var err error
		out, err = statusByID(ctx, tx, in.ID)
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("create status %d: %w", in.ID, classify(err))
	}
	return out, existing, nil
}

// fanOutInsert copies status ?1 into the home of every follower of ?2: one
// statement whatever the number of followers, reading only the covering
// index follows(target_id, id, account_id).
const fanOutInsert = `INSERT OR IGNORE INTO home_entries (account_id, status_id)
	SELECT account_id, ?1 FROM follows WHERE target_id = ?2`

// insertStatus does the writes of CreateStatus past the idempotency check.
func (s *Store) insertStatus(ctx context.Context, tx *sql.Tx, st *store.Status, n store.NewStatus) error {
	var originalAuthor int64
	if st.ReblogOfID != 0 {
		err := tx.QueryRowContext(ctx, `SELECT account_id FROM statuses WHERE id = ?`, st.ReblogOfID).Scan(&originalAuthor)
		if err != nil {
			return fmt.Errorf("reblog of %d: %w", st.ReblogOfID, err)
		}
	}
	created := toMicro(st.CreatedAt)
	if _, err := tx.ExecContext(ctx, `INSERT INTO statuses (id, account_id, text, spoiler_text, sensitive,
		visibility, language, in_reply_to_id, in_reply_to_account_id, reblog_of_id, created_at, edited_at,
		application_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ID, st.AccountID, st.Text, st.SpoilerText, st.Sensitive, string(st.Visibility), st.Language,
		st.InReplyToID, st.InReplyToAccountID, st.ReblogOfID, created, toMicro(st.EditedAt),
		st.ApplicationID); err != nil {
		return err
	}
	for i, name := range n.Tags {
		// OR IGNORE: two spellings of one tag in a text keep the first.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO status_tags (status_id, tag_key, name, position)
			VALUES (?, ?, ?, ?)`, st.ID, n.TagKeys[i], name, i); err != nil {
			return fmt.Errorf("tag %q: %w", name, err)
		}
	}
	seen := make(map[int64]bool, len(n.MentionIDs))
	for _, m := range n.MentionIDs {
		if seen[m] {
			continue
		}
		seen[m] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO mentions (status_id, account_id) VALUES (?, ?)`, st.ID, m); err != nil {
			return fmt.Errorf("mention %d: %w", m, err)
		}
		if err := s.notify(ctx, tx, m, st.AccountID, store.NotifyMention, st.ID); err != nil {
			return err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE accounts SET statuses_count = statuses_count + 1,
		last_status_at = max(last_status_at, ?), pull = pull OR ? WHERE id = ?`,
		created, n.MarkPull, st.AccountID)
	if err != nil {
		return fmt.Errorf("author counts: %w", err)
	}
	if k, err := affected(res); err != nil || k == 0 {
		return fmt.Errorf("author %d: %w", st.AccountID, errors.Join(err, store.ErrNotFound))
	}
	if st.InReplyToID != 0 {
		// The parent may be gone already; then there is nothing to count.
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET replies_count = replies_count + 1 WHERE id = ?`,
			st.InReplyToID); err != nil {
			return fmt.Errorf("parent count: %w", err)
		}
	}
	if st.ReblogOfID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = ?`,
			st.ReblogOfID); err != nil {
			return fmt.Errorf("reblog count: %w", err)
		}
		if err := s.notify(ctx, tx, originalAuthor, st.AccountID, store.NotifyReblog, st.ReblogOfID); err != nil {
			return err
		}
	}
	if n.FanOutToFollowers {
		if _, err := tx.ExecContext(ctx, fanOutInsert, st.ID, st.AccountID); err != nil {
			return fmt.Errorf("fan out: %w", err)
		}
	}
	if len(n.HomeIDs) > 0 {
		// Through accounts, since home_entries has no foreign key to
		// refuse an unknown id.
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO home_entries (account_id, status_id)
			SELECT id, ?1 FROM accounts WHERE id IN (SELECT value FROM json_each(?2))`,
			st.ID, jsonIDs(n.HomeIDs)); err != nil {
			return fmt.Errorf("home ids: %w", err)
		}
	}
	// In the same transaction, so a post is searchable (and its tags
	// counted) the moment the API answers for it.
	return s.indexStatus(ctx, tx, st, n)
}

// StatusByID returns the status with id.
func (s *Store) StatusByID(ctx context.Context, id int64) (*store.Status, error) {
	st, err := statusByID(ctx, s.r, id)
	if err != nil {
		return nil, fmt.Errorf("status %d: %w", id, classify(err))
	}
	return st, nil
}

// StatusesByIDs returns the statuses found; missing ids are left out.
func (s *Store) StatusesByIDs(ctx context.Context, ids []int64) (map[int64]*store.Status, error) {
	out := make(map[int64]*store.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	sts, err := queryStatuses(ctx, s.r, `SELECT `+statusColumns+` FROM statuses s
		WHERE s.id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("statuses by ids: %w", classify(err))
	}
	for _, st := range sts {
		out[st.ID] = st
	}
	return out, nil
}

// doomed selects a status being deleted and its reblogs. Reblogs of reblogs
// are not followed: the API always reblogs the original.
const doomed = `SELECT ?1 UNION ALL SELECT id FROM statuses WHERE reblog_of_id = ?1 AND reblog_of_id <> 0`

// DeleteStatus removes the status, its reblogs and everything pointing at
// them, and fixes the counts that included them.
func (s *Store) DeleteStatus(ctx context.Context, id int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var author, reblogOf, inReplyTo int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id, reblog_of_id, in_reply_to_id FROM statuses WHERE id = ?`,
			id).Scan(&author, &reblogOf, &inReplyTo); err != nil {
			return err
		}
		type step struct {
			what, query string
			args        []any
		}
		steps := []step{
			// Every reblogger loses a status.
			{"rebloggers' counts", `UPDATE accounts SET statuses_count = max(statuses_count - 1, 0)
				WHERE id IN (SELECT account_id FROM statuses WHERE reblog_of_id = ?1 AND reblog_of_id <> 0)`, []any{id}},
			{"home entries", `DELETE FROM home_entries WHERE status_id IN (` + doomed + `)`, []any{id}},
			{"favourites", `DELETE FROM favourites WHERE status_id IN (` + doomed + `)`, []any{id}},
			{"tags", `DELETE FROM status_tags WHERE status_id IN (` + doomed + `)`, []any{id}},
			{"mentions", `DELETE FROM mentions WHERE status_id IN (` + doomed + `)`, []any{id}},
			{"search index", unindexStatus, []any{id}},
			{"notifications", `DELETE FROM notifications WHERE status_id IN (` + doomed + `) AND status_id <> 0`, []any{id}},
			{"author's count", `UPDATE accounts SET statuses_count = max(statuses_count - 1, 0) WHERE id = ?`, []any{author}},
			{"idempotency key", `DELETE FROM idempotency_keys WHERE account_id = ? AND status_id = ?`, []any{author, id}},
			{"reblogs", `DELETE FROM statuses WHERE reblog_of_id = ?1 AND reblog_of_id <> 0`, []any{id}},
			{"status", `DELETE FROM statuses WHERE id = ?`, []any{id}},
		}
		if reblogOf != 0 {
			steps = append(steps,
				step{"original's count", `UPDATE statuses SET reblogs_count = max(reblogs_count - 1, 0) WHERE id = ?`, []any{reblogOf}},
				step{"reblog notification", `DELETE FROM notifications
					WHERE status_id = ? AND status_id <> 0 AND from_id = ? AND type = 'reblog'`, []any{reblogOf, author}},
			)
		}
		if inReplyTo != 0 {
			steps = append(steps, step{"parent's count",
				`UPDATE statuses SET replies_count = max(replies_count - 1, 0) WHERE id = ?`, []any{inReplyTo}})
		}
		for _, st := range steps {
			if _, err := tx.ExecContext(ctx, st.query, st.args...); err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete status %d: %w", id, classify(err))
	}
	return nil
}

// ReblogBy returns accountID's reblog of statusID.
func (s *Store) ReblogBy(ctx context.Context, accountID, statusID int64) (*store.Status, error) {
	sts, err := queryStatuses(ctx, s.r, `SELECT `+statusColumns+` FROM statuses s
		WHERE s.account_id = ? AND s.reblog_of_id = ? AND s.reblog_of_id <> 0`, accountID, statusID)
	if err == nil && len(sts) == 0 {
		err = store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("reblog of %d by %d: %w", statusID, accountID, classify(err))
	}
	return sts[0], nil
}

// statusExists returns ErrNotFound when status id does not exist.
func statusExists(ctx context.Context, q querier, id int64) error {
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM statuses WHERE id = ?)`, id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return store.ErrNotFound
	}
	return nil
}

// Ancestors returns the nearest limit statuses up the reply chain, oldest
// first. The chain stops at a deleted parent.
func (s *Store) Ancestors(ctx context.Context, id int64, limit int) ([]*store.Status, error) {
	if err := statusExists(ctx, s.r, id); err != nil {
		return nil, fmt.Errorf("ancestors of %d: %w", id, classify(err))
	}
	if limit <= 0 {
		return nil, nil
	}
	sts, err := queryStatuses(ctx, s.r, `WITH RECURSIVE up (id, depth) AS (
			SELECT in_reply_to_id, 1 FROM statuses WHERE id = ?1 AND in_reply_to_id <> 0
			UNION ALL
			SELECT s.in_reply_to_id, up.depth + 1 FROM up JOIN statuses s ON s.id = up.id
			WHERE s.in_reply_to_id <> 0 AND up.depth < ?2
		)
		SELECT `+statusColumns+` FROM up CROSS JOIN statuses s ON s.id = up.id
		ORDER BY up.depth DESC`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("ancestors of %d: %w", id, classify(err))
	}
	return sts, nil
}

// Descendants returns up to limit replies below id, depth-first with
// siblings in id order, so that a reply directly follows what it answers.
func (s *Store) Descendants(ctx context.Context, id int64, limit int) ([]*store.Status, error) {
	if err := statusExists(ctx, s.r, id); err != nil {
		return nil, fmt.Errorf("descendants of %d: %w", id, classify(err))
	}
	if limit <= 0 {
		return nil, nil
	}
	// The recursion queue is ordered by path (the zero-padded ids from the
	// root), so taking the smallest path first is a pre-order walk, and the
	// LIMIT stops the walk itself instead of trimming a finished one.
	sts, err := queryStatuses(ctx, s.r, `WITH RECURSIVE down (id, path) AS (
			SELECT ?1, ''
			UNION ALL
			SELECT s.id, down.path || printf('%020d', s.id)
			FROM down JOIN statuses s ON s.in_reply_to_id = down.id AND s.in_reply_to_id <> 0
			ORDER BY 2
			LIMIT ?2 + 1
		)
		SELECT `+statusColumns+` FROM down CROSS JOIN statuses s ON s.id = down.id
		WHERE down.id <> ?1
		ORDER BY down.path`, id, limit)
	if err != nil {
		return nil, fmt.Errorf("descendants of %d: %w", id, classify(err))
	}
	return sts, nil
}

// Flags returns the viewer's favourited and reblogged state for every id.
func (s *Store) Flags(ctx context.Context, viewerID int64, ids []int64) (map[int64]store.Flags, error) {
	out := make(map[int64]store.Flags, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT t.value,
		EXISTS (SELECT 1 FROM favourites WHERE account_id = ?1 AND status_id = t.value),
		EXISTS (SELECT 1 FROM statuses WHERE account_id = ?1 AND reblog_of_id = t.value AND reblog_of_id <> 0)
		FROM (SELECT DISTINCT value FROM json_each(?2)) t`, viewerID, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("flags for %d: %w", viewerID, classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var sid int64
		var f store.Flags
		if err := rows.Scan(&sid, &f.Favourited, &f.Reblogged); err != nil {
			return nil, fmt.Errorf("flags for %d: %w", viewerID, err)
		}
		out[sid] = f
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("flags for %d: %w", viewerID, err)
	}
	return out, nil
}

// Favourite records accountID's favourite of statusID.
func (s *Store) Favourite(ctx context.Context, accountID, statusID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var author int64
		if err := tx.QueryRowContext(ctx, `SELECT account_id FROM statuses WHERE id = ?`, statusID).Scan(&author); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id, created_at)
			VALUES (?, ?, ?, ?)`, id.New(), accountID, statusID, toMicro(s.now())); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = ?`,
			statusID); err != nil {
			return err
		}
		return s.notify(ctx, tx, author, accountID, store.NotifyFavourite, statusID)
	})
	if err != nil {
		return fmt.Errorf("favourite %d by %d: %w", statusID, accountID, classify(err))
	}
	return nil
}

// Unfavourite removes the favourite and its notification.
func (s *Store) Unfavourite(ctx context.Context, accountID, statusID int64) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM favourites WHERE account_id = ? AND status_id = ?`, accountID, statusID)
		if err != nil {
			return err
		}
		if n, err := affected(res); err != nil || n == 0 {
			return errors.Join(err, store.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE statuses SET favourites_count = max(favourites_count - 1, 0) WHERE id = ?`,
			statusID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM notifications
			WHERE status_id = ? AND status_id <> 0 AND from_id = ? AND type = 'favourite'`, statusID, accountID)
		return err
	})
	if err != nil {
		return fmt.Errorf("unfavourite %d by %d: %w", statusID, accountID, classify(err))
	}
	return nil
}

// FavouritedBy lists who favourited statusID, paged by favourite id.
func (s *Store) FavouritedBy(ctx context.Context, statusID int64, p store.Page) ([]store.AccountRef, error) {
	where, order, args, asc := pageClause("f.id", p)
	refs, err := accountRefs(ctx, s.r, `SELECT f.id, `+accountColumns+`
		FROM favourites f CROSS JOIN accounts a ON a.id = f.account_id
		WHERE f.status_id = ?`+where+order, append([]any{statusID}, args...), asc)
	if err != nil {
		return nil, fmt.Errorf("favourited by, status %d: %w", statusID, classify(err))
	}
	return refs, nil
}

// RebloggedBy lists who reblogged statusID, paged by the reblog's id.
func (s *Store) RebloggedBy(ctx context.Context, statusID int64, p store.Page) ([]store.AccountRef, error) {
	where, order, args, asc := pageClause("r.id", p)
	refs, err := accountRefs(ctx, s.r, `SELECT r.id, `+accountColumns+`
		FROM statuses r CROSS JOIN accounts a ON a.id = r.account_id
		WHERE r.reblog_of_id = ? AND r.reblog_of_id <> 0`+where+order, append([]any{statusID}, args...), asc)
	if err != nil {
		return nil, fmt.Errorf("reblogged by, status %d: %w", statusID, classify(err))
	}
	return refs, nil
}

// Favourites lists what accountID favourited, paged by favourite id.
func (s *Store) Favourites(ctx context.Context, accountID int64, p store.Page) ([]store.StatusRef, error) {
	where, order, args, asc := pageClause("f.id", p)
	refs, err := s.favourites(ctx, accountID, where+order, args)
	if err != nil {
		return nil, fmt.Errorf("favourites of %d: %w", accountID, classify(err))
	}
	if asc {
		reverse(refs)
	}
	return refs, nil
}

func (s *Store) favourites(ctx context.Context, accountID int64, tail string, args []any) ([]store.StatusRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, `+statusColumns+`
		FROM favourites f CROSS JOIN statuses s ON s.id = f.status_id
		WHERE f.account_id = ?`+tail, append([]any{accountID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []store.StatusRef
	var sts []*store.Status
	for rows.Next() {
		var rowID int64
		st, err := scanStatus(prefixScanner{rows, &rowID})
		if err != nil {
			return nil, err
		}
		refs = append(refs, store.StatusRef{Status: st, RowID: rowID})
		sts = append(sts, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := fillStatuses(ctx, s.r, sts); err != nil {
		return nil, err
	}
	return refs, nil
}
