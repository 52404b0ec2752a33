package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/sada-project/sada/internal/store/sqlite"
)

// backupCommand is `sada backup [--data DIR] PATH`: a consistent copy of
// the live database, taken while the server keeps serving.
func backupCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	settings, positional := splitPositional(args)
	if len(positional) != 1 {
		return errors.New("backup: give the path of the backup file to write")
	}
	cfg, err := loadConfig("backup", settings, stderr)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := sqlite.Backup(ctx, cfg.DatabasePath(), positional[0]); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s in %v\n", cfg.DatabasePath(), positional[0], time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCommand is `sada restore [--data DIR] PATH`: puts a backup in
// place of the database. The server must be stopped first; the replaced
// database is kept beside it.
func restoreCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	settings, positional := splitPositional(args)
	if len(positional) != 1 {
		return errors.New("restore: give the path of the backup file to restore")
	}
	cfg, err := loadConfig("restore", settings, stderr)
	if err != nil {
		return err
	}
	if pid, alive := runningPID(filepath.Join(cfg.DataDir, pidFileName)); alive {
		return fmt.Errorf("restore: sada serve (pid %d) is running on %s; stop it first", pid, cfg.DataDir)
	}
	suffix := ".before-restore-" + time.Now().UTC().Format("20060102T150405")
	if err := sqlite.Restore(ctx, positional[0], cfg.DatabasePath(), suffix); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s from %s; the previous database is kept as %s\n", cfg.DatabasePath(), positional[0], cfg.DatabasePath()+suffix)
	return nil
}

// splitPositional separates flags with their values (every setting takes
// one) from positional arguments, so both can come in any order.
func splitPositional(args []string) (settings, positional []string) {
	_, settings, positional = splitArgs(args, nil)
	return settings, positional
}
