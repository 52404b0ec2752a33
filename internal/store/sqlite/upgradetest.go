//go:build sada_upgradetest

package sqlite

import (
	"context"
	"database/sql"
)

// The next release in the hot-upgrade test adds a column, expand-only: the
// running release never names it, and the default fills existing rows.
func init() {
	extraMigrations = append(extraMigrations, migration{
		version: 9000,
		name:    "9000_upgrade_probe.sql",
		sql:     `ALTER TABLE statuses ADD COLUMN upgrade_probe INTEGER NOT NULL DEFAULT 0;`,
	})
}

// The next release also fills the new column for every existing post, in
// the background, as a change to every row of a large table must.
func init() {
	backgroundMigrations = append(backgroundMigrations, backgroundMigration{
		name: "9000_fill_upgrade_probe",
		batch: func(ctx context.Context, tx *sql.Tx, after, until int64, limit int) (int64, int, error) {
			var last int64
			var n int
			err := tx.QueryRowContext(ctx, `WITH b AS (SELECT id FROM statuses WHERE id > ? AND id < ? ORDER BY id LIMIT ?)
				SELECT coalesce(max(id), 0), count(*) FROM b`, after, until, limit).Scan(&last, &n)
			if err != nil || n == 0 {
				return after, 0, err
			}
			_, err = tx.ExecContext(ctx, `UPDATE statuses SET upgrade_probe = 1 + length(text) WHERE id > ? AND id <= ?`, after, last)
			return last, n, err
		},
	})
}
