package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sada-project/sada/internal/social"
	"github.com/sada-project/sada/internal/store"
)

// admin runs the admin subcommands directly on the data directory; SQLite
// in WAL mode lets them run while the server is up.
func admin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("admin: want create-user, reset-password or list-users")
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("sada admin "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "e-mail address (create-user)")
	password := fs.String("password", "", "password; generated and printed when empty")
	isAdmin := fs.Bool("admin", false, "make the account an administrator (create-user)")
	limit := fs.Int("limit", 100, "how many accounts to list (list-users)")
	// The command's own flags, the store settings (--data etc.) and the
	// username may come in any order.
	own, rest, positional := splitArgs(args, map[string]bool{"email": false, "password": false, "limit": false, "admin": true})
	if err := fs.Parse(own); err != nil {
		return err
	}
	if len(positional) > 1 {
		return fmt.Errorf("admin %s: unexpected arguments %v", cmd, positional[1:])
	}
	name := ""
	if len(positional) == 1 {
		name = positional[0]
	}
	cfg, err := loadConfig("admin "+cmd, rest, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := social.New(st, cfg.Domain)
	switch cmd {
	case "create-user":
		return createUser(ctx, svc, name, *email, *password, *isAdmin, stdout)
	case "reset-password":
		return resetPassword(ctx, svc, name, *password, stdout)
	case "list-users":
		return listUsers(ctx, st, *limit, stdout)
	}
	return fmt.Errorf("admin: unknown command %q", cmd)
}

// splitArgs separates the command's own flags (own maps each name to
// whether it is boolean), the remaining flags with their values (every
// setting takes a value), and positional arguments.
func splitArgs(args []string, own map[string]bool) (mine, settings, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		key, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		isBool, isOwn := own[key]
		group := []string{a}
		if !hasValue && !isBool && i+1 < len(args) {
			i++
			group = append(group, args[i])
		}
		if isOwn {
			mine = append(mine, group...)
		} else {
			settings = append(settings, group...)
		}
	}
	return mine, settings, positional
}

func generatePassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func createUser(ctx context.Context, svc *social.Service, name, email, password string, isAdmin bool, stdout io.Writer) error {
	if name == "" {
		return errors.New("create-user: give a username")
	}
	shown := password == ""
	if shown {
		password = generatePassword()
	}
	ac, err := svc.Register(ctx, social.NewAccount{Username: name, Email: email, Password: password, Admin: isAdmin})
	if err != nil {
		return fmt.Errorf("create-user: %w", err)
	}
	fmt.Fprintf(stdout, "created %s (id %d, admin %v)\n", ac.Username, ac.ID, ac.Admin)
	if shown {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

func resetPassword(ctx context.Context, svc *social.Service, name, password string, stdout io.Writer) error {
	if name == "" {
		return errors.New("reset-password: give a username")
	}
	ac, err := svc.Store.AccountByUsername(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("reset-password: no account named %q", name)
	}
	if err != nil {
		return fmt.Errorf("reset-password: %w", err)
	}
	shown := password == ""
	if shown {
		password = generatePassword()
	}
	if err := svc.SetPassword(ctx, ac, password); err != nil {
		return fmt.Errorf("reset-password: %w", err)
	}
	fmt.Fprintf(stdout, "password of %s changed\n", ac.Username)
	if shown {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return nil
}

func listUsers(ctx context.Context, st store.Store, limit int, stdout io.Writer) error {
	accts, err := st.Accounts(ctx, store.Page{Limit: limit})
	if err != nil {
		return fmt.Errorf("list-users: %w", err)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUSERNAME\tADMIN\tLOCKED\tPOSTS\tFOLLOWERS\tCREATED")
	for _, a := range accts {
		fmt.Fprintf(tw, "%d\t%s\t%v\t%v\t%d\t%d\t%s\n", a.ID, a.Username, a.Admin, a.Locked, a.StatusesCount, a.FollowersCount, a.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}
