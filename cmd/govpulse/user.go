package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"text/tabwriter"

	"github.com/govpulse/govpulse/dashboard"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// runUser manages dashboard accounts:
//
//	user add NAME --role R [--display-name N] [--scope-unit U | --scope-ward W] [--password-stdin]
//	user list
//	user disable NAME
//	user passwd NAME [--password-stdin]
//
// Without --password-stdin a password is generated and printed once.
func runUser(ctx context.Context, env *Env, cfg Config) error {
	if len(cfg.Args) == 0 {
		return errors.New("say add, list, disable or passwd (see govpulse user -h)")
	}
	action, args := cfg.Args[0], cfg.Args[1:]
	wantArgs := map[string]int{"add": 1, "list": 0, "disable": 1, "passwd": 1}
	n, ok := wantArgs[action]
	if !ok {
		return fmt.Errorf("unknown user action %q: say add, list, disable or passwd", action)
	}
	if len(args) != n {
		if n == 0 {
			return fmt.Errorf("usage: govpulse user %s", action)
		}
		return fmt.Errorf("usage: govpulse user %s USERNAME", action)
	}
	if action == "add" {
		if err := store.ValidUsername(args[0]); err != nil {
			return err
		}
		if !models.Role(cfg.Role).Valid() {
			return fmt.Errorf("GOVPULSE_ROLE / --role: want admin, leader, analyst or planner, got %q", cfg.Role)
		}
		if cfg.ScopeUnit != "" && cfg.ScopeWard != "" {
			return errors.New("--scope-unit and --scope-ward: give one or neither")
		}
	}
	// The password is read before the engine opens, so a bad one costs nothing.
	var password string
	generated := false
	if action == "add" || action == "passwd" {
		var err error
		if password, generated, err = newPassword(env.Stdin, cfg.PasswordStdin); err != nil {
			return err
		}
	}
	db, err := openMigrated(ctx, cfg, cfg.logger(env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	users := store.Users{DB: db}
	audit := store.Audit{DB: db}
	switch action {
	case "add":
		hash, err := dashboard.HashPassword(password)
		if err != nil {
			return err
		}
		u, err := users.Create(ctx, models.User{Username: args[0], DisplayName: cfg.DisplayName, Role: cfg.Role,
			ScopeUnit: cfg.ScopeUnit, ScopeWard: cfg.ScopeWard, PasswordHash: hash})
		if errors.Is(err, store.ErrUserExists) {
			return fmt.Errorf("user %s already exists (see govpulse user list)", args[0])
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, models.AuditEntry{Actor: "cli", Action: "user_add", Object: u.Username,
			Detail: fmt.Sprintf("role=%s scope=%s", u.Role, scopeText(u))}); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "added %s (%s, %s)\n", u.Username, u.Role, scopeText(u))
		if generated {
			fmt.Fprintf(env.Stdout, "password (shown once): %s\n", password)
		}
	case "passwd":
		hash, err := dashboard.HashPassword(password)
		if err != nil {
			return err
		}
		if err := users.SetPassword(ctx, args[0], hash); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("no user %s (see govpulse user list)", args[0])
			}
			return err
		}
		if err := audit.Record(ctx, models.AuditEntry{Actor: "cli", Action: "user_password", Object: args[0]}); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "password of %s changed; its sessions are ended\n", args[0])
		if generated {
			fmt.Fprintf(env.Stdout, "password (shown once): %s\n", password)
		}
	case "disable":
		if err := users.Disable(ctx, args[0]); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("no user %s (see govpulse user list)", args[0])
			}
			return err
		}
		if err := audit.Record(ctx, models.AuditEntry{Actor: "cli", Action: "user_disable", Object: args[0]}); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "disabled %s; its sessions are ended\n", args[0])
	case "list":
		list, err := users.List(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "USERNAME\tNAME\tROLE\tSCOPE\tSTATE\tCREATED")
		for _, u := range list {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.DisplayName, u.Role, scopeText(u), state,
				u.CreatedAt.In(models.Location).Format("2006-01-02 15:04"))
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(env.Stdout, "no users")
		}
	}
	return nil
}

func scopeText(u models.User) string {
	switch {
	case u.ScopeUnit != "":
		return "unit " + u.ScopeUnit
	case u.ScopeWard != "":
		return "ward " + u.ScopeWard
	}
	return "city"
}

// newPassword reads the first line of stdin (--password-stdin) or generates a password.
func newPassword(stdin io.Reader, fromStdin bool) (string, bool, error) {
	if !fromStdin {
		return dashboard.GeneratePassword(), true, nil
	}
	if stdin == nil {
		return "", false, errors.New("--password-stdin: no stdin")
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("--password-stdin: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := dashboard.CheckPasswordStrength(pw); err != nil {
		return "", false, fmt.Errorf("--password-stdin: %w", err)
	}
	return pw, false, nil
}

// ensureAdmin creates the first administrator when the store has no account at all, with a
// generated password printed once to w: there is never a default password. addr is the
// listening address, for the login URL.
func ensureAdmin(ctx context.Context, db store.DB, w io.Writer, addr string) error {
	users := store.Users{DB: db}
	n, err := users.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	password := dashboard.GeneratePassword()
	hash, err := dashboard.HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := users.Create(ctx, models.User{Username: "admin", DisplayName: "Quản trị viên", Role: string(models.RoleAdmin), PasswordHash: hash}); err != nil {
		return fmt.Errorf("create the first administrator: %w", err)
	}
	if err := (store.Audit{DB: db}).Record(ctx, models.AuditEntry{Actor: "system", Action: "user_add", Object: "admin",
		Detail: "role=admin scope=city first start"}); err != nil {
		return err
	}
	fmt.Fprintf(w, `
================================================================================
 govpulse: first start — an administrator account was created.
   open      %s/login
   username  admin
   password  %s
 The password is shown only this once. Add accounts on the admin page (/admin)
 or with "govpulse user add NAME --role leader|analyst|planner|admin"; change
 this one with "govpulse user passwd admin" while the server is stopped.
================================================================================

`, loginBase(addr), password)
	return nil
}

// loginBase is the URL a person on this machine opens for a listening address.
func loginBase(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
