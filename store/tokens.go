package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
)

// Tokens manages the ingest API's bearer tokens. Only a token's SHA-256 is stored: tokens are
// 256-bit random strings, so a fast hash is enough (no dictionary to guess from).
type Tokens struct {
	DB DB
}

// tokenPrefix marks govpulse ingest tokens, so a leaked one is easy to recognise in logs or code.
const tokenPrefix = "gpi_"

// HashToken returns the stored form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Create makes a token for one stream and returns its record and the token itself, which is
// shown once and never stored.
func (t Tokens) Create(ctx context.Context, stream, name, createdBy string) (models.IngestToken, string, error) {
	var buf [32]byte
	var id [4]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return models.IngestToken{}, "", err
	}
	if _, err := rand.Read(id[:]); err != nil {
		return models.IngestToken{}, "", err
	}
	token := tokenPrefix + hex.EncodeToString(buf[:])
	now := time.Now().In(Location)
	rec := models.IngestToken{
		ID: "tok_" + hex.EncodeToString(id[:]), Name: name, Stream: stream, TokenHash: HashToken(token),
		CreatedBy: createdBy, CreatedAt: now, Version: uint64(now.UnixMilli()),
	}
	if err := t.DB.Insert(ctx, "ingest_tokens", []models.IngestToken{rec}); err != nil {
		return models.IngestToken{}, "", fmt.Errorf("store: create ingest token: %w", err)
	}
	return rec, token, nil
}

// List returns every token record, newest first.
func (t Tokens) List(ctx context.Context) ([]models.IngestToken, error) {
	q, err := sqlfiles.Query("ingest_tokens")
	if err != nil {
		return nil, err
	}
	var out []models.IngestToken
	if err := t.DB.Query(ctx, &out, q, nil); err != nil {
		return nil, fmt.Errorf("store: list ingest tokens: %w", err)
	}
	return out, nil
}

// Revoke marks a token revoked (a new version of its row).
func (t Tokens) Revoke(ctx context.Context, id string) error {
	all, err := t.List(ctx)
	if err != nil {
		return err
	}
	for _, rec := range all {
		if rec.ID == id {
			rec.Revoked = true
			rec.Version = max(rec.Version+1, uint64(time.Now().UnixMilli()))
			return t.DB.Insert(ctx, "ingest_tokens", []models.IngestToken{rec})
		}
	}
	return fmt.Errorf("store: ingest token %s: %w", id, models.ErrNotFound)
}

// Lookup returns the live token record matching a presented token, or models.ErrNotFound.
func (t Tokens) Lookup(ctx context.Context, token string) (models.IngestToken, error) {
	q, err := sqlfiles.Query("ingest_token_by_hash")
	if err != nil {
		return models.IngestToken{}, err
	}
	var out []models.IngestToken
	if err := t.DB.Query(ctx, &out, q, Params{"hash": HashToken(token)}); err != nil {
		return models.IngestToken{}, fmt.Errorf("store: look up ingest token: %w", err)
	}
	if len(out) == 0 {
		return models.IngestToken{}, models.ErrNotFound
	}
	return out[0], nil
}
