package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
)

// loadConfig parses the settings shared by serve and admin.
func loadConfig(name string, args []string, stderr io.Writer) (config.Config, error) {
	fs := flag.NewFlagSet("sada "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return config.Load(fs, args, config.Env)
}

// openStore opens (creating if needed) the SQLite store in the data directory.
func openStore(ctx context.Context, cfg config.Config) (*sqlite.Store, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	st, err := sqlite.Open(ctx, cfg.DatabasePath(), sqlite.Options{Synchronous: cfg.Sync})
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	return st, nil
}

// serve runs the server until ctx is cancelled (SIGINT or SIGTERM), then
// lets in-flight requests finish and closes the store cleanly.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	cfg, err := loadConfig("serve", args, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("close store", "err", err)
		}
	}()
	life, err := startLifecycle(ctx, cfg.DataDir, log)
	if err != nil {
		return err
	}
	defer life.stop()
	ln, err := life.listen(cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if cfg.Domain == cfg.Addr {
		// With port 0 the real port is known only now.
		cfg.Domain, cfg.Addr = ln.Addr().String(), ln.Addr().String()
	}
	svc := social.New(st, cfg.Domain)
	api := mastoapi.New(cfg, st, svc, log)
	mux := http.NewServeMux()
	api.Routes(mux)
	life.routes(mux)

	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go trimHomes(ctx, st, log)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Everything is open and migrated: an old process, if this is an
	// upgrade, may now hand over.
	if err := life.markReady(); err != nil {
		return err
	}
	go runBackgroundMigrations(ctx, st, life, log)
	fmt.Fprintf(stdout, "sada %s listening on http://%s (public URL %s, data in %s)\n", version, ln.Addr(), cfg.BaseURL(), cfg.DataDir)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	case <-life.exited():
		log.Info("a new process has taken over")
	}
	life.drain()
	log.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// trimHomes keeps every home timeline bounded, so storage and reads stay
// flat however long the server runs.
func trimHomes(ctx context.Context, st store.Store, log *slog.Logger) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := st.TrimHomeTimelines(ctx, social.HomeSize)
			if err != nil && ctx.Err() == nil {
				log.Error("trim home timelines", "err", err)
			} else if n > 0 {
				log.Info("trimmed home timelines", "entries", n)
			}
		}
	}
}

// runBackgroundMigrations carries out changes to every row of large tables
// in small batches while the server serves, logging progress every few
// seconds and when each is done. During an upgrade it waits until the old
// process has gone: rows that release writes while draining would
// otherwise be missed by a pass that is already past them.
func runBackgroundMigrations(ctx context.Context, st *sqlite.Store, life *lifecycle, log *slog.Logger) {
	if err := life.waitForParent(ctx); err != nil {
		return
	}
	var lastLog time.Time
	err := st.RunBackgroundMigrations(ctx, 20*time.Millisecond, func(p sqlite.Progress) {
		if p.Done || time.Since(lastLog) > 5*time.Second {
			log.Info("background migration", "name", p.Name, "rows", p.RowsDone, "done", p.Done)
			lastLog = time.Now()
		}
	})
	if err != nil && ctx.Err() == nil {
		log.Error("background migration stopped; it resumes at the next start", "err", err)
	}
}
