package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

func migrated(t *testing.T) store.DB {
	t.Helper()
	db := storetest.Open(t)
	if _, err := store.Migrate(context.Background(), db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	return db
}

func TestUsers(t *testing.T) {
	ctx := context.Background()
	db := migrated(t)
	users := store.Users{DB: db}

	if n, err := users.Count(ctx); err != nil || n != 0 {
		t.Fatalf("Count on an empty store = %d, %v; want 0", n, err)
	}
	lan, err := users.Create(ctx, models.User{Username: "lan.nguyen", DisplayName: "Nguyễn Thị Lan", Role: "leader",
		ScopeWard: "26734", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"})
	if err != nil {
		t.Fatal(err)
	}
	if lan.Version == 0 || lan.CreatedAt.IsZero() || lan.Disabled {
		t.Errorf("created user = %+v; want version and created_at set, enabled", lan)
	}
	if _, err := users.Create(ctx, models.User{Username: "binh", Role: "admin", PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}

	refused := []struct {
		name string
		user models.User
		want error
	}{
		{"taken", models.User{Username: "lan.nguyen", Role: "analyst", PasswordHash: "h"}, store.ErrUserExists},
		{"upper case", models.User{Username: "Lan", Role: "analyst", PasswordHash: "h"}, models.ErrInvalid},
		{"space", models.User{Username: "lan nguyen", Role: "analyst", PasswordHash: "h"}, models.ErrInvalid},
		{"leading dot", models.User{Username: ".lan", Role: "analyst", PasswordHash: "h"}, models.ErrInvalid},
		{"unknown role", models.User{Username: "chi", Role: "mayor", PasswordHash: "h"}, models.ErrInvalid},
		{"no hash", models.User{Username: "chi", Role: "planner"}, models.ErrInvalid},
		{"two scopes", models.User{Username: "chi", Role: "planner", PasswordHash: "h", ScopeUnit: "U1", ScopeWard: "26734"}, models.ErrInvalid},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if _, err := users.Create(ctx, c.user); !errors.Is(err, c.want) {
				t.Errorf("Create(%+v) = %v, want %v", c.user, err, c.want)
			}
		})
	}

	got, err := users.Get(ctx, "lan.nguyen")
	if err != nil {
		t.Fatal(err)
	}
	if got.DisplayName != "Nguyễn Thị Lan" || got.Role != "leader" || got.ScopeWard != "26734" || got.PasswordHash != lan.PasswordHash {
		t.Errorf("Get = %+v", got)
	}
	if _, err := users.Get(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Get(nobody) = %v, want ErrNotFound", err)
	}

	// Sessions: live, then revoked by disabling the user.
	sessions := store.Sessions{DB: db}
	now := time.Now()
	if _, err := sessions.Create(ctx, store.HashToken("cookie-1"), "lan.nguyen", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Create(ctx, store.HashToken("cookie-2"), "lan.nguyen", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Create(ctx, store.HashToken("cookie-b"), "binh", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	s, err := sessions.Lookup(ctx, store.HashToken("cookie-1"), now)
	if err != nil || s.Username != "lan.nguyen" {
		t.Fatalf("Lookup(cookie-1) = %+v, %v", s, err)
	}
	if _, err := sessions.Lookup(ctx, store.HashToken("cookie-1"), now.Add(61*time.Minute)); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Lookup after expiry = %v, want ErrNotFound", err)
	}
	if _, err := sessions.Lookup(ctx, store.HashToken("never issued"), now); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Lookup(unknown) = %v, want ErrNotFound", err)
	}

	if err := users.Disable(ctx, "lan.nguyen"); err != nil {
		t.Fatal(err)
	}
	if got, _ := users.Get(ctx, "lan.nguyen"); !got.Disabled || got.Version <= lan.Version {
		t.Errorf("after Disable: %+v; want disabled with a higher version", got)
	}
	for _, ck := range []string{"cookie-1", "cookie-2"} {
		if _, err := sessions.Lookup(ctx, store.HashToken(ck), now); !errors.Is(err, models.ErrNotFound) {
			t.Errorf("session %s of a disabled user: %v, want ErrNotFound", ck, err)
		}
	}
	if _, err := sessions.Lookup(ctx, store.HashToken("cookie-b"), now); err != nil {
		t.Errorf("another user's session was revoked too: %v", err)
	}
	if err := users.Disable(ctx, "nobody"); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("Disable(nobody) = %v, want ErrNotFound", err)
	}

	// Logout revokes one session; twice is harmless.
	if err := sessions.Revoke(ctx, store.HashToken("cookie-b")); err != nil {
		t.Fatal(err)
	}
	if err := sessions.Revoke(ctx, store.HashToken("cookie-b")); err != nil {
		t.Fatal(err)
	}
	if _, err := sessions.Lookup(ctx, store.HashToken("cookie-b"), now); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("after Revoke: %v, want ErrNotFound", err)
	}

	// A new password ends the sessions opened with the old one.
	if _, err := sessions.Create(ctx, store.HashToken("cookie-b2"), "binh", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := users.SetPassword(ctx, "binh", "new-hash"); err != nil {
		t.Fatal(err)
	}
	if got, _ := users.Get(ctx, "binh"); got.PasswordHash != "new-hash" {
		t.Errorf("after SetPassword: hash %q", got.PasswordHash)
	}
	if _, err := sessions.Lookup(ctx, store.HashToken("cookie-b2"), now); !errors.Is(err, models.ErrNotFound) {
		t.Errorf("session after a password change: %v, want ErrNotFound", err)
	}

	list, err := users.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Username != "binh" || list[1].Username != "lan.nguyen" || !list[1].Disabled {
		t.Errorf("List = %+v; want binh, then lan.nguyen disabled", list)
	}
}

func TestAuditAndDeadLetters(t *testing.T) {
	ctx := context.Background()
	db := migrated(t)
	audit := store.Audit{DB: db}
	t0 := time.Date(2025, 10, 1, 8, 0, 0, 0, models.Location)
	for i, a := range []string{"login", "export", "logout"} {
		if err := audit.Record(ctx, models.AuditEntry{At: t0.Add(time.Duration(i) * time.Millisecond), Actor: "lan", Role: "leader",
			Action: a, Object: "lan", IP: "127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := audit.Recent(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Action != "logout" || got[1].Action != "export" || !got[0].At.Equal(t0.Add(2*time.Millisecond)) {
		t.Errorf("Recent(2) = %+v; want logout then export, millisecond times kept", got)
	}

	now := time.Now().In(models.Location).Truncate(time.Second)
	dead := []models.DeadLetter{
		{ReceivedAt: now.Add(-time.Minute), Stream: "dossiers", Source: "api:tok_1", Line: 2, Field: "status", Reason: "unknown value", Raw: "{}"},
		{ReceivedAt: now, Stream: "posts", Source: "api:tok_2", Line: 1, Reason: "not JSON", Raw: "x"},
	}
	if err := db.Insert(ctx, "dead_letters", dead); err != nil {
		t.Fatal(err)
	}
	all, err := store.DeadLetters(ctx, db, "", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].Stream != "posts" {
		t.Errorf("DeadLetters(all) = %+v; want 2, newest first", all)
	}
	dossiers, err := store.DeadLetters(ctx, db, "dossiers", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(dossiers) != 1 || dossiers[0].Field != "status" {
		t.Errorf("DeadLetters(dossiers) = %+v", dossiers)
	}
}
