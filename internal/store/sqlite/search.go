package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sada-project/sada/internal/search"
	"github.com/sada-project/sada/internal/store"
)

// Posts written before search existed, or by the previous release while it
// drains during a hot upgrade, are indexed in the background, in small
// batches (see background.go): up to the horizon, every post not indexed
// yet is indexed and, when public or unlisted, its hashtags are recorded
// and counted, exactly as CreateStatus does for new ones. A post already
// in the index was written by this release, which counted it then.
func init() {
	backgroundMigrations = append(backgroundMigrations, backgroundMigration{
		name: "0002_search_index", batch: indexBacklog,
	})
}

// indexBatch is how many posts a batch indexes: each costs an FTS insert,
// a few tens of microseconds, and the writer should be held for only a few
// milliseconds.
const indexBatch = 100

func indexBacklog(ctx context.Context, tx *sql.Tx, after, until int64, limit int) (last int64, n int, err error) {
	sts, err := queryStatuses(ctx, tx, `SELECT `+statusColumns+` FROM statuses s
		WHERE s.id > ? AND s.id < ? ORDER BY s.id LIMIT ?`, after, until, min(limit, indexBatch))
	if err != nil || len(sts) == 0 {
		return after, 0, err
	}
	for _, st := range sts {
		var indexed bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM status_search WHERE rowid = ?)`,
			st.ID).Scan(&indexed); err != nil {
			return after, 0, err
		}
		if indexed || st.ReblogOfID != 0 {
			continue
		}
		keys, err := tagKeys(ctx, tx, st.ID)
		if err != nil {
			return after, 0, err
		}
		if err := indexPost(ctx, tx, st, keys); err != nil {
			return after, 0, err
		}
	}
	return sts[len(sts)-1].ID, len(sts), nil
}

// tagKeys returns the keys of a status's tags, in the order of its text.
func tagKeys(ctx context.Context, q querier, statusID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT tag_key FROM status_tags WHERE status_id = ? ORDER BY position`, statusID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, rows.Err()
}

// statusSearchText is what a post is indexed under: its content warning and
// its text, which readers see together.
func statusSearchText(st *store.Status) string {
	return search.IndexText(st.SpoilerText + "\n" + st.Text)
}

// indexStatus makes a new status findable, inside CreateStatus's
// transaction (and the seeder's): its words for search, and for a public or
// unlisted post its hashtags for hashtag search and trends.
func (s *Store) indexStatus(ctx context.Context, tx *sql.Tx, st *store.Status, n store.NewStatus) error {
	return indexPost(ctx, tx, st, n.TagKeys)
}

// indexPost is indexStatus given the keys of the post's hashtags.
func indexPost(ctx context.Context, tx *sql.Tx, st *store.Status, keys []string) error {
	if st.ReblogOfID != 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO status_search (rowid, body) VALUES (?, ?)`,
		st.ID, statusSearchText(st)); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	if st.Visibility != store.Public && st.Visibility != store.Unlisted {
		return nil
	}
	return recordTagUses(ctx, tx, st, keys)
}

// unindexStatus is the DeleteStatus step that removes the status (and its
// reblogs, which are not indexed anyway) from search.
const unindexStatus = `DELETE FROM status_search WHERE rowid IN (` + doomed + `)`

// ftsQuery turns terms into an FTS5 query that matches every term as a
// whole word, the last one also as a prefix when prefix is set. Each term
// is a quoted string, so nothing a person types is read as FTS5 syntax.
func ftsQuery(terms []string, prefix bool) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
		if prefix && i == len(terms)-1 {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// visibleTo is the condition that s (a statuses row) may be seen by the
// account bound as ?1; it repeats social.CanSee in SQL so that paging
// counts only what is returned.
const visibleTo = `(s.visibility IN ('public', 'unlisted')
	OR s.account_id = ?1
	OR (s.visibility = 'private' AND EXISTS (SELECT 1 FROM follows WHERE account_id = ?1 AND target_id = s.account_id))
	OR EXISTS (SELECT 1 FROM mentions WHERE status_id = s.id AND account_id = ?1))`

// SearchStatuses finds statuses by their words, newest first. FTS5 walks
// its matches in rowid (status id) order, so the newest matches come first
// without sorting them all.
func (s *Store) SearchStatuses(ctx context.Context, q store.StatusSearch) ([]*store.Status, error) {
	if len(q.Terms) == 0 {
		return nil, nil
	}
	where, order, pargs, asc := pageClause("f.rowid", q.Page)
	args := []any{q.ViewerID, ftsQuery(q.Terms, q.Prefix)}
	query := `SELECT ` + statusColumns + ` FROM status_search f CROSS JOIN statuses s ON s.id = f.rowid
		WHERE status_search MATCH ?2 AND ` + visibleTo
	if q.AccountID != 0 {
		query += ` AND s.account_id = ?3`
		args = append(args, q.AccountID)
	}
	// pageClause numbers nothing, so its ? follow the numbered ones.
	query += where + order
	args = append(args, pargs...)
	if q.Offset > 0 {
		query += ` OFFSET ?`
		args = append(args, q.Offset)
	}
	sts, err := queryStatuses(ctx, s.r, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search statuses: %w", classify(err))
	}
	if asc {
		reverse(sts)
	}
	return sts, nil
}

// SearchAccounts finds accounts by the start of words of their username or
// display name.
func (s *Store) SearchAccounts(ctx context.Context, q store.AccountSearch) ([]*store.Account, error) {
	if len(q.Terms) == 0 {
		return nil, nil
	}
	if err := s.refreshAccountSearch(ctx); err != nil {
		return nil, fmt.Errorf("search accounts: %w", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	// Every term is a prefix: people look accounts up while typing.
	terms := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		terms[i] = ftsQuery([]string{t}, true)
	}
	query := `SELECT ` + accountColumns + ` FROM account_search f CROSS JOIN accounts a ON a.id = f.rowid
		WHERE account_search MATCH ?1`
	args := []any{strings.Join(terms, " ")}
	if q.FollowedBy != 0 {
		query += ` AND EXISTS (SELECT 1 FROM follows WHERE account_id = ?2 AND target_id = a.id)`
		args = append(args, q.FollowedBy)
	}
	n := len(args)
	query += fmt.Sprintf(` ORDER BY a.username_key = ?%d DESC, a.followers_count DESC, a.id LIMIT ?%d OFFSET ?%d`, n+1, n+2, n+3)
	args = append(args, foldKey(q.Username), limit, max(q.Offset, 0))
	as, err := queryAccounts(ctx, s.r, query, args...)
	if err != nil {
		return nil, fmt.Errorf("search accounts: %w", classify(err))
	}
	return as, nil
}

// refreshAccountSearch re-indexes the accounts the triggers marked stale
// (created or renamed since the last search). Accounts change rarely, so
// this is almost always a single indexed read.
func (s *Store) refreshAccountSearch(ctx context.Context) error {
	var stale bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM account_search_stale)`).Scan(&stale); err != nil {
		return err
	}
	if !stale {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.id, a.username, a.display_name
			FROM account_search_stale x CROSS JOIN accounts a ON a.id = x.account_id`)
		if err != nil {
			return err
		}
		type entry struct {
			id    int64
			words string
		}
		var todo []entry
		for rows.Next() {
			var e entry
			var username, display string
			if err := rows.Scan(&e.id, &username, &display); err != nil {
				rows.Close()
				return err
			}
			e.words = search.IndexText(username + " " + display)
			todo = append(todo, e)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return err
		}
		for _, e := range todo {
			if _, err := tx.ExecContext(ctx, `DELETE FROM account_search WHERE rowid = ?`, e.id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO account_search (rowid, words) VALUES (?, ?)`, e.id, e.words); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM account_search_stale`)
		return err
	})
}

// maxRune sorts after every character, so [p, p+maxRune) is "starts with p".
const maxRune = "\U0010FFFF"

// SearchTags finds hashtags by the start of their normalised key.
func (s *Store) SearchTags(ctx context.Context, prefix string, limit, offset int) ([]string, error) {
	if prefix == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = defaultLimit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT key FROM tags WHERE folded >= ?1 AND folded < ?1 || ?2
		ORDER BY folded = ?1 DESC, last_used_at DESC, key LIMIT ?3 OFFSET ?4`, prefix, maxRune, limit, max(offset, 0))
	if err != nil {
		return nil, fmt.Errorf("search tags: %w", classify(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("search tags: %w", err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search tags: %w", err)
	}
	return out, nil
}
