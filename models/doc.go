// Package models holds govpulse's domain types and their validation: the row types of the
// ClickHouse tables (Dossier, Petition, Post, the dimensions Unit, Ward, Procedure, …, and the
// operational records User, IngestToken, Briefing, …), the closed vocabularies of the data
// contract (statuses, channels, platforms) with Valid methods, Period with its parser, and the
// errors shared by every layer (ErrNotFound, ErrInvalid, FieldError).
//
// Row types mirror the tables of sql/migrations column for column: each field carries a
// `ch:"column"` tag and has the Go type the ClickHouse column codecs expect (DateTime → time.Time,
// Nullable(…) → pointer, Enum8 and LowCardinality(String) → string, Bool → bool, Array(String) →
// []string). Enum columns are plain strings in rows; the named types (DossierStatus, Platform, …)
// validate them. Times are in Asia/Ho_Chi_Minh (Location).
//
// It imports nothing of ours: every other package may import it.
package models
