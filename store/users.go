package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
)

// ErrUserExists reports that a username is already taken (disabled accounts keep their name,
// so that the audit log keeps resolving it).
var ErrUserExists = errors.New("user already exists")

// Users manages dashboard accounts (users table). A change is a new row with a higher version,
// read with FINAL. Password hashes are produced by the caller (the dashboard's argon2id); the
// store only keeps them.
type Users struct {
	DB DB
}

// ValidUsername reports why a username cannot be used, or nil: 1–64 characters of lower-case
// letters, digits and "._-", starting with a letter or digit.
func ValidUsername(name string) error {
	if name == "" || len(name) > 64 {
		return &models.FieldError{Field: "username", Message: "must be 1 to 64 characters"}
	}
	for i, r := range name {
		ok := r < unicode.MaxASCII && (unicode.IsLower(r) || unicode.IsDigit(r) || (i > 0 && strings.ContainsRune("._-", r)))
		if !ok {
			return &models.FieldError{Field: "username", Message: fmt.Sprintf("%q: use lower-case letters, digits and . _ - (starting with a letter or digit)", name)}
		}
	}
	return nil
}

// nextVersion is a version for a new row of a record whose current version is cur: the current
// time in milliseconds, or cur+1 when the clock has not moved past it.
func nextVersion(cur uint64, now time.Time) uint64 {
	return max(cur+1, uint64(now.UnixMilli()))
}

// Create adds an account. Username, Role and PasswordHash are required; CreatedAt, UpdatedAt
// and Version are set here. It fails with ErrUserExists when the name is taken.
func (u Users) Create(ctx context.Context, user models.User) (models.User, error) {
	if err := ValidUsername(user.Username); err != nil {
		return models.User{}, err
	}
	if !models.Role(user.Role).Valid() {
		return models.User{}, &models.FieldError{Field: "role", Message: fmt.Sprintf("%q: want admin, leader, analyst or planner", user.Role)}
	}
	if user.PasswordHash == "" {
		return models.User{}, &models.FieldError{Field: "password", Message: "is required"}
	}
	if user.ScopeUnit != "" && user.ScopeWard != "" {
		return models.User{}, &models.FieldError{Field: "scope", Message: "give a unit or a ward scope, not both"}
	}
	if _, err := u.Get(ctx, user.Username); err == nil {
		return models.User{}, fmt.Errorf("store: create user %s: %w", user.Username, ErrUserExists)
	} else if !errors.Is(err, models.ErrNotFound) {
		return models.User{}, err
	}
	now := time.Now().In(Location).Truncate(time.Second)
	user.CreatedAt, user.UpdatedAt, user.Version = now, now, nextVersion(0, now)
	user.Disabled = false
	if err := u.DB.Insert(ctx, "users", []models.User{user}); err != nil {
		return models.User{}, fmt.Errorf("store: create user %s: %w", user.Username, err)
	}
	return user, nil
}

// List returns every account, disabled ones included, by username.
func (u Users) List(ctx context.Context) ([]models.User, error) {
	q, err := sqlfiles.Query("users")
	if err != nil {
		return nil, err
	}
	var out []models.User
	if err := u.DB.Query(ctx, &out, q, nil); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return out, nil
}

// Count returns how many accounts exist, disabled ones included.
func (u Users) Count(ctx context.Context) (int, error) {
	all, err := u.List(ctx)
	return len(all), err
}

// Get returns the current row of one account, or an error matching models.ErrNotFound.
func (u Users) Get(ctx context.Context, username string) (models.User, error) {
	q, err := sqlfiles.Query("user_by_name")
	if err != nil {
		return models.User{}, err
	}
	var out []models.User
	if err := u.DB.Query(ctx, &out, q, Params{"username": username}); err != nil {
		return models.User{}, fmt.Errorf("store: get user %s: %w", username, err)
	}
	if len(out) == 0 {
		return models.User{}, fmt.Errorf("store: user %s: %w", username, models.ErrNotFound)
	}
	return out[0], nil
}

// update writes a new version of an account after change has edited it.
func (u Users) update(ctx context.Context, username string, change func(*models.User)) (models.User, error) {
	cur, err := u.Get(ctx, username)
	if err != nil {
		return models.User{}, err
	}
	change(&cur)
	now := time.Now().In(Location).Truncate(time.Second)
	cur.UpdatedAt, cur.Version = now, nextVersion(cur.Version, time.Now())
	if err := u.DB.Insert(ctx, "users", []models.User{cur}); err != nil {
		return models.User{}, fmt.Errorf("store: update user %s: %w", username, err)
	}
	return cur, nil
}

// Disable marks an account disabled and revokes its live sessions. Disabling twice is not an
// error.
func (u Users) Disable(ctx context.Context, username string) error {
	if _, err := u.update(ctx, username, func(x *models.User) { x.Disabled = true }); err != nil {
		return err
	}
	return Sessions{DB: u.DB}.RevokeUser(ctx, username)
}

// SetPassword replaces an account's password hash and revokes its live sessions, so that a
// changed password logs out everyone who knew the old one.
func (u Users) SetPassword(ctx context.Context, username, hash string) error {
	if hash == "" {
		return &models.FieldError{Field: "password", Message: "is required"}
	}
	if _, err := u.update(ctx, username, func(x *models.User) { x.PasswordHash = hash }); err != nil {
		return err
	}
	return Sessions{DB: u.DB}.RevokeUser(ctx, username)
}

// Sessions manages dashboard logins (sessions table), found by the SHA-256 of the cookie value
// (HashToken); the cookie value itself is never stored.
type Sessions struct {
	DB DB
}

// Create records a session for username whose cookie hashes to tokenHash, valid until expires.
func (s Sessions) Create(ctx context.Context, tokenHash, username string, expires time.Time) (models.Session, error) {
	now := time.Now().In(Location)
	rec := models.Session{TokenHash: tokenHash, Username: username, CreatedAt: now.Truncate(time.Second),
		ExpiresAt: expires.In(Location).Truncate(time.Second), Version: nextVersion(0, now)}
	if err := s.DB.Insert(ctx, "sessions", []models.Session{rec}); err != nil {
		return models.Session{}, fmt.Errorf("store: create session for %s: %w", username, err)
	}
	return rec, nil
}

// Lookup returns the live session whose cookie hashes to tokenHash, or an error matching
// models.ErrNotFound when there is none, it is revoked or it has expired at now.
func (s Sessions) Lookup(ctx context.Context, tokenHash string, now time.Time) (models.Session, error) {
	q, err := sqlfiles.Query("session_by_hash")
	if err != nil {
		return models.Session{}, err
	}
	var out []models.Session
	if err := s.DB.Query(ctx, &out, q, Params{"hash": tokenHash}); err != nil {
		return models.Session{}, fmt.Errorf("store: look up session: %w", err)
	}
	if len(out) == 0 || out[0].Revoked || !now.Before(out[0].ExpiresAt) {
		return models.Session{}, fmt.Errorf("store: session: %w", models.ErrNotFound)
	}
	return out[0], nil
}

// Revoke ends one session (logout). Revoking an unknown or ended session is not an error.
func (s Sessions) Revoke(ctx context.Context, tokenHash string) error {
	q, err := sqlfiles.Query("session_by_hash")
	if err != nil {
		return err
	}
	var out []models.Session
	if err := s.DB.Query(ctx, &out, q, Params{"hash": tokenHash}); err != nil {
		return fmt.Errorf("store: revoke session: %w", err)
	}
	if len(out) == 0 || out[0].Revoked {
		return nil
	}
	return s.revoke(ctx, out)
}

// RevokeUser ends every live session of username.
func (s Sessions) RevokeUser(ctx context.Context, username string) error {
	q, err := sqlfiles.Query("sessions_of_user")
	if err != nil {
		return err
	}
	var out []models.Session
	if err := s.DB.Query(ctx, &out, q, Params{"username": username, "now": time.Now().Truncate(time.Second)}); err != nil {
		return fmt.Errorf("store: sessions of %s: %w", username, err)
	}
	if len(out) == 0 {
		return nil
	}
	return s.revoke(ctx, out)
}

func (s Sessions) revoke(ctx context.Context, rows []models.Session) error {
	now := time.Now()
	for i := range rows {
		rows[i].Revoked = true
		rows[i].Version = nextVersion(rows[i].Version, now)
	}
	if err := s.DB.Insert(ctx, "sessions", rows); err != nil {
		return fmt.Errorf("store: revoke sessions: %w", err)
	}
	return nil
}

// Audit appends to the audit trail (audit_log table) and reads it back.
type Audit struct {
	DB DB
}

// Record appends one entry; a zero At is set to now.
func (a Audit) Record(ctx context.Context, e models.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	e.At = e.At.In(Location).Truncate(time.Millisecond)
	if err := a.DB.Insert(ctx, "audit_log", []models.AuditEntry{e}); err != nil {
		return fmt.Errorf("store: audit %s %s: %w", e.Action, e.Object, err)
	}
	return nil
}

// Recent returns the limit most recent entries, newest first.
func (a Audit) Recent(ctx context.Context, limit int) ([]models.AuditEntry, error) {
	q, err := sqlfiles.Query("audit_log")
	if err != nil {
		return nil, err
	}
	var out []models.AuditEntry
	if err := a.DB.Query(ctx, &out, q, Params{"limit": limit}); err != nil {
		return nil, fmt.Errorf("store: read audit log: %w", err)
	}
	return out, nil
}

// auditPage is how many entries Range reads at a time.
const auditPage = 5000

// Range calls each with every entry of [from, to), oldest first, reading the table a page at a
// time (memory stays bounded however long the range); it stops at the first error of each.
func (a Audit) Range(ctx context.Context, from, to time.Time, each func(models.AuditEntry) error) error {
	q, err := sqlfiles.Query("audit_range")
	if err != nil {
		return err
	}
	after, done := from, 0 // done: entries at the instant after already passed to each
	for {
		var page []models.AuditEntry
		if err := a.DB.Query(ctx, &page, q, Params{"from": from, "to": to, "after": after, "limit": auditPage + done}); err != nil {
			return fmt.Errorf("store: read audit log %s..%s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
		}
		if len(page) <= done {
			return nil
		}
		for _, e := range page[done:] {
			if err := each(e); err != nil {
				return err
			}
		}
		if len(page) < auditPage+done {
			return nil // the range is exhausted
		}
		// Resume at the last instant read; the page holds every entry of it written so far
		// (the query starts at it), so all of them are skipped next time.
		after, done = page[len(page)-1].At, 0
		for i := len(page) - 1; i >= 0 && page[i].At.Equal(after); i-- {
			done++
		}
	}
}

// DeadLetters returns the limit most recent rejected ingest lines of stream ("" for every
// stream), newest first. Raw holds the line as received, unmasked: show it only to admins.
func DeadLetters(ctx context.Context, db DB, stream string, limit int) ([]models.DeadLetter, error) {
	q, err := sqlfiles.Query("dead_letters")
	if err != nil {
		return nil, err
	}
	var out []models.DeadLetter
	if err := db.Query(ctx, &out, q, Params{"stream": stream, "limit": limit}); err != nil {
		return nil, fmt.Errorf("store: dead letters: %w", err)
	}
	return out, nil
}
