package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database at dbPath to dest while
// other processes keep reading and writing it. VACUUM INTO reads one
// snapshot of the WAL database, so the copy holds exactly the transactions
// committed before it started, compacted, with no WAL of its own.
func Backup(ctx context.Context, dbPath, dest string) error {
	if _, err := os.Stat(dbPath); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", dest)
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	tmp := dest + ".partial"
	_ = os.Remove(tmp)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup %s: %w", dbPath, err)
	}
	if err := Check(ctx, tmp); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("backup: the copy failed its check: %w", err)
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// Check opens a database file read-only and verifies that it is intact and
// is a sada database.
func Check(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if res != "ok" {
		return fmt.Errorf("check %s: %s", path, res)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		return fmt.Errorf("check %s: not a sada database", path)
	}
	return nil
}

// Restore replaces the database at dbPath with the backup at src. The
// server must be stopped. The database it replaces, with its WAL, is kept
// beside it under the suffix given, so a restore can itself be undone.
func Restore(ctx context.Context, src, dbPath, keepSuffix string) error {
	if err := Check(ctx, src); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := dbPath + ".restoring"
	if err := copyFile(src, tmp); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// The WAL and shared-memory files belong to the old database: left in
	// place they would be replayed into the restored one.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Rename(dbPath+suffix, dbPath+keepSuffix+suffix)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("restore: keep the old database: %w", err)
		}
	}
	if err := os.Rename(tmp, dbPath); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// copyFile copies and syncs, so the restored file is on disk before it is
// renamed into place.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	f, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
