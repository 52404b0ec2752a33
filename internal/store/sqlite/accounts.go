package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sada-project/sada/internal/store"
)

// foldKey is the case-insensitive form of a username or email. It is computed
// in Go, not with SQL lower(), which in SQLite folds ASCII only.
func foldKey(s string) string { return strings.ToLower(s) }

const accountColumns = `a.id, a.username, a.email, a.display_name, a.note, a.password_hash,
	a.locked, a.bot, a.admin, a.language, a.created_at, a.statuses_count,
	a.followers_count, a.following_count, a.last_status_at, a.pull`

type scanner interface{ Scan(dest ...any) error }

func scanAccount(sc scanner) (*store.Account, error) {
	var a store.Account
	var created, last int64
	err := sc.Scan(&a.ID, &a.Username, &a.Email, &a.DisplayName, &a.Note, &a.PasswordHash,
		&a.Locked, &a.Bot, &a.Admin, &a.Language, &created, &a.StatusesCount,
		&a.FollowersCount, &a.FollowingCount, &last, &a.Pull)
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicro(created)
	a.LastStatusAt = fromMicro(last)
	return &a, nil
}

func queryAccounts(ctx context.Context, q querier, query string, args ...any) ([]*store.Account, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*store.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateAccount inserts a. Counts and LastStatusAt are the store's to keep and
// start at zero; a zero CreatedAt is set to now.
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.now()
	}
	a.CreatedAt = fromMicro(toMicro(a.CreatedAt)) // as stored
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, username, username_key, email, email_key,
			display_name, note, password_hash, locked, bot, admin, language, created_at, pull)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Username, foldKey(a.Username), a.Email, foldKey(a.Email),
			a.DisplayName, a.Note, a.PasswordHash, a.Locked, a.Bot, a.Admin, a.Language,
			toMicro(a.CreatedAt), a.Pull)
		return err
	})
	if err != nil {
		return fmt.Errorf("create account %q: %w", a.Username, classify(err))
	}
	a.StatusesCount, a.FollowersCount, a.FollowingCount = 0, 0, 0
	a.LastStatusAt = time.Time{}
	return nil
}

// UpdateAccount writes the editable fields of a.
func (s *Store) UpdateAccount(ctx context.Context, a *store.Account) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE accounts SET display_name = ?, note = ?, password_hash = ?,
			locked = ?, bot = ?, admin = ?, language = ?, email = ?, email_key = ?
			WHERE id = ?`,
			a.DisplayName, a.Note, a.PasswordHash, a.Locked, a.Bot, a.Admin, a.Language,
			a.Email, foldKey(a.Email), a.ID)
		if err != nil {
			return err
		}
		n, err := affected(res)
		if err != nil {
			return err
		}
		if n == 0 {
			return sql.ErrNoRows
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update account %d: %w", a.ID, classify(err))
	}
	return nil
}

// AccountByID returns the account with id.
func (s *Store) AccountByID(ctx context.Context, id int64) (*store.Account, error) {
	a, err := scanAccount(s.r.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts a WHERE a.id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", id, classify(err))
	}
	return a, nil
}

// AccountByUsername matches case-insensitively.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*store.Account, error) {
	a, err := scanAccount(s.r.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts a WHERE a.username_key = ?`, foldKey(username)))
	if err != nil {
		return nil, fmt.Errorf("account %q: %w", username, classify(err))
	}
	return a, nil
}

// loginQuery is two indexed lookups rather than an OR, which the planner
// turns into a scan; "email_key <> ”" lets it use the partial email index.
const loginQuery = `SELECT ` + accountColumns + ` FROM (
		SELECT 0 AS pref, * FROM accounts WHERE username_key = ?1
		UNION ALL
		SELECT 1, * FROM accounts WHERE email_key = ?1 AND email_key <> ''
	) a ORDER BY a.pref LIMIT 1`

// AccountByLogin finds an account by username or email, case-insensitively.
// Should one account's username equal another's email, the username wins.
func (s *Store) AccountByLogin(ctx context.Context, login string) (*store.Account, error) {
	key := foldKey(login)
	if key == "" {
		return nil, fmt.Errorf("account by login %q: %w", login, store.ErrNotFound)
	}
	a, err := scanAccount(s.r.QueryRowContext(ctx, loginQuery, key))
	if err != nil {
		return nil, fmt.Errorf("account by login %q: %w", login, classify(err))
	}
	return a, nil
}

// AccountsByIDs returns the accounts found; missing ids are left out.
func (s *Store) AccountsByIDs(ctx context.Context, ids []int64) (map[int64]*store.Account, error) {
	out := make(map[int64]*store.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	as, err := queryAccounts(ctx, s.r, `SELECT `+accountColumns+` FROM accounts a
		WHERE a.id IN (SELECT value FROM json_each(?))`, jsonIDs(ids))
	if err != nil {
		return nil, fmt.Errorf("accounts by ids: %w", classify(err))
	}
	for _, a := range as {
		out[a.ID] = a
	}
	return out, nil
}

// AccountsByUsernames returns the accounts found keyed by lower-cased username.
func (s *Store) AccountsByUsernames(ctx context.Context, usernames []string) (map[string]*store.Account, error) {
	out := make(map[string]*store.Account, len(usernames))
	if len(usernames) == 0 {
		return out, nil
	}
	keys := make([]string, len(usernames))
	for i, u := range usernames {
		keys[i] = foldKey(u)
	}
	as, err := queryAccounts(ctx, s.r, `SELECT `+accountColumns+` FROM accounts a
		WHERE a.username_key IN (SELECT value FROM json_each(?))`, jsonStrings(keys))
	if err != nil {
		return nil, fmt.Errorf("accounts by usernames: %w", classify(err))
	}
	for _, a := range as {
		out[foldKey(a.Username)] = a
	}
	return out, nil
}

// Accounts lists accounts by id, newest first.
func (s *Store) Accounts(ctx context.Context, p store.Page) ([]*store.Account, error) {
	where, order, args, asc := pageClause("a.id", p)
	as, err := queryAccounts(ctx, s.r, `SELECT `+accountColumns+` FROM accounts a WHERE 1`+where+order, args...)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", classify(err))
	}
	if asc {
		reverse(as)
	}
	return as, nil
}

// CountAccounts returns how many accounts exist.
func (s *Store) CountAccounts(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count accounts: %w", classify(err))
	}
	return n, nil
}

// CountStatuses returns how many statuses exist, reblogs included. It sums the
// per-account counts, which costs one row per account instead of one per
// status.
func (s *Store) CountStatuses(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(sum(statuses_count), 0) FROM accounts`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count statuses: %w", classify(err))
	}
	return n, nil
}

// accountRefs runs query, which selects a row id followed by
// accountColumns, and pairs each account with its row id. It is the shared
// tail of every "accounts who …" list.
func accountRefs(ctx context.Context, q querier, query string, args []any, asc bool) ([]store.AccountRef, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AccountRef
	for rows.Next() {
		var rowID int64
		a, err := scanAccount(prefixScanner{rows, &rowID})
		if err != nil {
			return nil, err
		}
		out = append(out, store.AccountRef{Account: a, RowID: rowID})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if asc {
		reverse(out)
	}
	return out, nil
}

// prefixScanner scans one leading column into first, then the rest as usual.
type prefixScanner struct {
	sc    scanner
	first any
}

func (p prefixScanner) Scan(dest ...any) error {
	return p.sc.Scan(append([]any{p.first}, dest...)...)
}
