package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// runToken manages ingest tokens: token add --stream S --name N | token list | token revoke ID.
func runToken(ctx context.Context, env *Env, cfg Config) error {
	if len(cfg.Args) == 0 {
		return errors.New("say add, list or revoke")
	}
	db, err := openMigrated(ctx, cfg, cfg.logger(env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	tokens := store.Tokens{DB: db}
	switch cfg.Args[0] {
	case "add":
		if !validStream(cfg.Stream) {
			return fmt.Errorf("--stream: want dossiers, petitions or posts, got %q", cfg.Stream)
		}
		if cfg.Name == "" {
			return errors.New("--name: say which system will use the token, e.g. --name 'Cổng 1022'")
		}
		rec, token, err := tokens.Create(ctx, cfg.Stream, cfg.Name, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "ingest token %s for %s (%s):\n\n  %s\n\nIt is shown once; store it in the sending system. Use it as:\n  curl -H 'Authorization: Bearer %s' --data-binary @%s.ndjson http://HOST:8080/api/v1/ingest/%s\n",
			rec.ID, rec.Stream, rec.Name, token, token, rec.Stream, rec.Stream)
		return nil
	case "list":
		list, err := tokens.List(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tSTREAM\tNAME\tCREATED\tSTATE")
		for _, t := range list {
			state := "active"
			if t.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Stream, t.Name, t.CreatedAt.In(store.Location).Format("2006-01-02 15:04"), state)
		}
		return w.Flush()
	case "revoke":
		if len(cfg.Args) != 2 {
			return errors.New("usage: govpulse token revoke ID")
		}
		if err := tokens.Revoke(ctx, cfg.Args[1]); err != nil {
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("no ingest token %s (see govpulse token list)", cfg.Args[1])
			}
			return err
		}
		fmt.Fprintf(env.Stdout, "revoked %s (senders using it are refused within 30 s)\n", cfg.Args[1])
		return nil
	}
	return fmt.Errorf("unknown token action %q: say add, list or revoke", cfg.Args[0])
}

func validStream(s string) bool { return s == "dossiers" || s == "petitions" || s == "posts" }

// runDeadLetters prints the most recent rejected ingest lines.
func runDeadLetters(ctx context.Context, env *Env, cfg Config) error {
	if cfg.Stream != "" && !validStream(cfg.Stream) {
		return fmt.Errorf("--stream: want dossiers, petitions or posts, got %q", cfg.Stream)
	}
	db, err := openMigrated(ctx, cfg, cfg.logger(env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	q, err := sqlfiles.Query("dead_letters")
	if err != nil {
		return err
	}
	var rows []models.DeadLetter
	if err := db.Query(ctx, &rows, q, store.Params{"stream": cfg.Stream, "limit": cfg.Limit}); err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RECEIVED\tSTREAM\tSOURCE\tLINE\tFIELD\tREASON")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%s\t%s\n", r.ReceivedAt.In(store.Location).Format("2006-01-02 15:04:05"), r.Stream, r.Source, r.Line, orWhole(r.Field), r.Reason)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(env.Stdout, "no dead letters")
	}
	return nil
}

func orWhole(field string) string {
	if field == "" {
		return "(line)"
	}
	return field
}
