// Command sada runs the sada microblogging server and its admin tools.
//
//	sada serve [flags]     run the server (see sada serve -h)
//	sada admin ...         manage users on the server's data directory
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `sada: a microblogging service that keeps working.

Usage:
  sada serve [flags]                 run the server (sada serve -h for flags)
  sada admin create-user [flags] NAME   create an account (--admin, --email, --password)
  sada admin reset-password [flags] NAME  set a new password (--password, or generated)
  sada admin list-users [flags]      list accounts
  sada upgrade [--data DIR]          replace the running server with the binary now at its path, with no downtime
  sada backup [--data DIR] PATH      write a consistent copy of the live database to PATH
  sada restore [--data DIR] PATH     put a backup in place (server stopped; the old database is kept)
  sada bench [flags]                 load a server through its API and report (sada bench -h)
  sada bench seed-store [flags]      write a large test population into a data directory
  sada version                       print the version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, log); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sada:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("missing command")
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr, log)
	case "backup":
		return backupCommand(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCommand(ctx, args[1:], stdout, stderr)
	case "upgrade":
		return upgradeCommand(ctx, args[1:], stdout, stderr)
	case "admin":
		return admin(ctx, args[1:], stdout, stderr)
	case "bench":
		return bench(ctx, args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "sada", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

const version = "0.1.0"
