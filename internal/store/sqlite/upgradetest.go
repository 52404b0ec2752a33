//go:build sada_upgradetest

package sqlite

// The next release in the hot-upgrade test adds a column, expand-only: the
// running release never names it, and the default fills existing rows.
func init() {
	extraMigrations = append(extraMigrations, migration{
		version: 9000,
		name:    "9000_upgrade_probe.sql",
		sql:     `ALTER TABLE statuses ADD COLUMN upgrade_probe INTEGER NOT NULL DEFAULT 0;`,
	})
}
