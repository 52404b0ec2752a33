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
	"sync"
	"time"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/mastoapi"
	"github.com/sada-project/sada/internal/metrics"
	"github.com/sada-project/sada/internal/sms"
	"github.com/sada-project/sada/internal/sms/kannel"
	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
	"github.com/sada-project/sada/internal/store/sqlite"
	"github.com/sada-project/sada/internal/stream"
	"github.com/sada-project/sada/internal/web"
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
	m := metrics.New()
	timed := m.WrapStore(st) // the request path's store operations, timed
	svc := social.New(timed, cfg.Domain)
	// Live delivery: the hub hears what the service does, and stops before
	// the server drains so that open streams end instead of holding it up.
	hub := stream.New(timed, stream.NewLocal(), stream.Options{Log: log})
	svc.Events = social.With(svc.Events, hub)
	m.Gauge("sada_streams_open", "Streaming subscriptions open now.", func() float64 { return float64(hub.Stats().Subscriptions) })
	m.Counter("sada_stream_events_total", "Events dispatched to streams.", func() float64 { return float64(hub.Stats().Events) })
	m.Counter("sada_stream_dropped_total", "Streams dropped for falling behind.", func() float64 { return float64(hub.Stats().Dropped) })
	hubCtx, stopHub := context.WithCancel(ctx)
	defer stopHub()
	go func() { _ = hub.Run(hubCtx) }() // returns nil once stopped
	api := mastoapi.New(cfg, timed, svc, log)
	mux := http.NewServeMux()
	api.Routes(mux)
	life.routes(mux)
	// SMS, when configured; its *sms.Service is for the web's phone linking.
	texts, stopSMS, err := startSMS(ctx, cfg, timed, svc, mux, life, stdout, log)
	if err != nil {
		return err
	}
	defer stopSMS()
	site, err := web.New(cfg, timed, svc, texts, log)
	if err != nil {
		return err
	}
	site.Routes(mux) // "/": every path no other route claims is a web page

	srv := &http.Server{
		Handler:           life.track(frontDoor(cfg, st, mux, m)),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go trimHomes(ctx, st, log)

	if cfg.AdminAddr != "" {
		aln, err := net.Listen("tcp", cfg.AdminAddr)
		if err != nil {
			return fmt.Errorf("listen on admin address: %w", err)
		}
		admin := &http.Server{Handler: adminMux(m), ReadHeaderTimeout: 10 * time.Second}
		defer admin.Close()
		go func() { _ = admin.Serve(aln) }() // ends when closed
		fmt.Fprintf(stdout, "sada admin endpoints (/metrics, /debug/pprof) on http://%s\n", aln.Addr())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Everything is open and migrated: an old process, if this is an
	// upgrade, may now hand over.
	if err := life.markReady(); err != nil {
		return err
	}
	go runBackgroundMigrations(ctx, st, life, m, log)
	fmt.Fprintf(stdout, "sada %s listening on http://%s (public URL %s, data in %s)\n", version, ln.Addr(), cfg.BaseURL(), cfg.DataDir)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	case <-life.exited():
		log.Info("a new process has taken over")
	}
	// Draining: stop taking connections (during an upgrade the new process
	// takes them from the shared socket), end streams so their clients
	// resume on the new process, and answer what comes on open connections
	// with "Connection: close" for a moment, so busy clients learn to go
	// elsewhere from a response instead of finding a closed connection.
	life.drain()
	srv.SetKeepAlivesEnabled(false)
	_ = ln.Close()
	stopSMS() // its workers stop before a new process starts its own
	log.Info("shutting down: finishing in-flight requests")
	time.Sleep(drainGrace)
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Streams end once everything else is answered, so their readers
	// resume (on the new process, during an upgrade) after the last post
	// this process acknowledged was stored; then the shutdown does not
	// wait for them.
	life.waitIdle(shutCtx)
	stopHub()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// drainGrace is how long a draining process goes on answering requests on
// connections it already has, each with "Connection: close".
const drainGrace = time.Second

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
func runBackgroundMigrations(ctx context.Context, st *sqlite.Store, life *lifecycle, m *metrics.Metrics, log *slog.Logger) {
	if err := life.waitForParent(ctx); err != nil {
		return
	}
	var lastLog time.Time
	err := st.RunBackgroundMigrations(ctx, 20*time.Millisecond, func(p sqlite.Progress) {
		m.BackgroundRows.WithLabelValues(p.Name).Set(float64(p.RowsDone))
		if p.Done {
			m.BackgroundDone.WithLabelValues(p.Name).Set(1)
		}
		if p.Done || time.Since(lastLog) > 5*time.Second {
			log.Info("background migration", "name", p.Name, "rows", p.RowsDone, "done", p.Done)
			lastLog = time.Now()
		}
	})
	if err != nil && ctx.Err() == nil {
		log.Error("background migration stopped; it resumes at the next start", "err", err)
	}
}

// startSMS wires text messaging when it is configured: Kannel's callbacks
// on mux, new posts to the phones that follow them, and the SMS workers.
// The workers start once the old process of a hot upgrade has gone, as two
// must never share the outbox. It returns the service (nil when SMS is
// off), whose StartLink, ConfirmLink and Unlink the web settings page
// calls, and a stop that ends the workers and waits; stop may be called
// more than once.
func startSMS(ctx context.Context, cfg config.Config, st store.Store, svc *social.Service, mux *http.ServeMux,
	life *lifecycle, stdout io.Writer, log *slog.Logger) (texts *sms.Service, stop func(), err error) {
	s := cfg.SMSSettings()
	if !s.Enabled {
		return nil, func() {}, nil
	}
	client, err := kannel.NewClient(kannel.ClientConfig{
		SendURL: s.KannelURL, Username: s.KannelUser, Password: s.KannelPassword, From: s.Number, SMSC: s.KannelSMSC,
		ReportURL: s.CallbackURL + kannel.ReportPath, Secret: s.Secret,
	})
	if err != nil {
		return nil, nil, err
	}
	texts = sms.New(st, svc, client, log, sms.Options{
		Domain: cfg.Domain, BaseURL: cfg.BaseURL(),
		JoinOpen: cfg.Registrations == config.RegistrationsOpen && s.JoinsPerHour > 0, JoinsPerHour: s.JoinsPerHour,
		Rate: s.Rate.N, RateWindow: s.Rate.Per, DailyCap: s.DailyCap, MaxParts: s.MaxParts,
		RetryMax: s.RetryMax, ResendAfter: s.ResendAfter,
	})
	kannel.NewHandler(texts, s.Secret, s.AllowFrom, log).Routes(mux)
	svc.Events = social.With(svc.Events, texts)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if life.waitForParent(runCtx) == nil {
			texts.Run(runCtx)
		}
	}()
	fmt.Fprintf(stdout, "sada SMS on: sending through %s as %s; Kannel calls %s%s\n", s.KannelURL, s.Number, s.CallbackURL, kannel.IncomingPath)
	var once sync.Once
	return texts, func() { once.Do(func() { cancel(); <-done }) }, nil
}
