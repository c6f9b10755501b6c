package models

import "time"

// Operational rows: the tables of sql/migrations/0006_operations.sql. Times are in
// Asia/Ho_Chi_Minh. Secrets appear only as hashes, and those never leave the server (json:"-").

// DeadLetter is a rejected ingest line kept for 90 days with the reason given to the sender
// (dead_letters table).
type DeadLetter struct {
	ReceivedAt time.Time `ch:"received_at" json:"received_at"`
	Stream     string    `ch:"stream" json:"stream"` // a Stream
	Source     string    `ch:"source" json:"source"` // "api:<token id>", "import:<file>"
	Line       uint32    `ch:"line" json:"line"`     // 1-based line of the body or file
	Field      string    `ch:"field" json:"field"`   // "" when the whole line was unreadable
	Reason     string    `ch:"reason" json:"reason"` // the FieldError message
	Raw        string    `ch:"raw" json:"raw"`       // the line as received, possibly cut; unmasked
}

// AuditEntry is one line of the append-only audit trail (audit_log table).
type AuditEntry struct {
	At     time.Time `ch:"at" json:"at"`         // millisecond precision
	Actor  string    `ch:"actor" json:"actor"`   // username, "system" or "ingest:<token id>"
	Role   string    `ch:"role" json:"role"`     // the actor's Role, or "" for system actors
	Action string    `ch:"action" json:"action"` // "login", "user_add", "export", "ask", …
	Object string    `ch:"object" json:"object"` // what it was done to
	Detail string    `ch:"detail" json:"detail"` // particulars; never secrets or citizens' data
	IP     string    `ch:"ip" json:"ip"`
}

// User is a dashboard account (users table). Accounts are disabled, never deleted.
type User struct {
	Username     string    `ch:"username" json:"username"`
	DisplayName  string    `ch:"display_name" json:"display_name"`
	Role         string    `ch:"role" json:"role"`             // a Role
	ScopeUnit    string    `ch:"scope_unit" json:"scope_unit"` // "" for the whole city
	ScopeWard    string    `ch:"scope_ward" json:"scope_ward"` // "" for the whole city
	PasswordHash string    `ch:"password_hash" json:"-"`       // argon2id or bcrypt, encoded
	Disabled     bool      `ch:"disabled" json:"disabled"`
	CreatedAt    time.Time `ch:"created_at" json:"created_at"`
	UpdatedAt    time.Time `ch:"updated_at" json:"updated_at"`
	Version      uint64    `ch:"version" json:"version"`
}

// Session is a dashboard login (sessions table), found by the hash of its cookie. It is valid
// while not Revoked and ExpiresAt is in the future.
type Session struct {
	TokenHash string    `ch:"token_hash" json:"-"` // SHA-256 hex of the cookie value
	Username  string    `ch:"username" json:"username"`
	CreatedAt time.Time `ch:"created_at" json:"created_at"`
	ExpiresAt time.Time `ch:"expires_at" json:"expires_at"`
	Revoked   bool      `ch:"revoked" json:"revoked"`
	Version   uint64    `ch:"version" json:"version"`
}

// IngestToken is a bearer token of the ingest API, valid for one Stream (ingest_tokens table).
type IngestToken struct {
	ID        string    `ch:"id" json:"id"`     // public identifier
	Name      string    `ch:"name" json:"name"` // human label
	Stream    string    `ch:"stream" json:"stream"`
	TokenHash string    `ch:"token_hash" json:"-"` // SHA-256 hex; the token is shown once
	CreatedBy string    `ch:"created_by" json:"created_by"`
	CreatedAt time.Time `ch:"created_at" json:"created_at"`
	Revoked   bool      `ch:"revoked" json:"revoked"`
	Version   uint64    `ch:"version" json:"version"`
}

// SavedQuestion is an analyst's saved question with the query spec and SQL it compiled to
// (saved_questions table). Verified questions are the assistant's worked examples. A deletion is
// a new version with Deleted set; FINAL reads no longer return it.
type SavedQuestion struct {
	ID        string    `ch:"id" json:"id"`
	Question  string    `ch:"question" json:"question"`
	Lang      string    `ch:"lang" json:"lang"` // "vi" or "en"
	SpecJSON  string    `ch:"spec_json" json:"spec_json"`
	SQL       string    `ch:"sql" json:"sql"`
	CreatedBy string    `ch:"created_by" json:"created_by"`
	CreatedAt time.Time `ch:"created_at" json:"created_at"`
	Verified  bool      `ch:"verified" json:"verified"`
	Deleted   bool      `ch:"deleted" json:"deleted"`
	Version   uint64    `ch:"version" json:"version"`
}

// Briefing is a generated briefing (điểm tin) as it was shown (briefings table).
type Briefing struct {
	ID            string    `ch:"id" json:"id"`
	Date          time.Time `ch:"date" json:"date"` // the local day it is about (midnight)
	Lang          string    `ch:"lang" json:"lang"`
	Mode          string    `ch:"mode" json:"mode"`   // an AssistantMode
	Model         string    `ch:"model" json:"model"` // "" in offline mode
	PromptVersion string    `ch:"prompt_version" json:"prompt_version"`
	TokensIn      uint32    `ch:"tokens_in" json:"tokens_in"`
	TokensOut     uint32    `ch:"tokens_out" json:"tokens_out"`
	Text          string    `ch:"text" json:"text"`
	FactsJSON     string    `ch:"facts_json" json:"facts_json"` // the cited fact sheet
	CreatedBy     string    `ch:"created_by" json:"created_by"`
	CreatedAt     time.Time `ch:"created_at" json:"created_at"`
}

// AssistantCall is one logged assistant call, offline or LLM (assistant_log table). Prompt and
// Reply are already PII-masked and are emptied after a year.
type AssistantCall struct {
	At            time.Time `ch:"at" json:"at"` // millisecond precision
	Actor         string    `ch:"actor" json:"actor"`
	Kind          string    `ch:"kind" json:"kind"` // "ask", "brief", "sql_repair"
	Mode          string    `ch:"mode" json:"mode"` // an AssistantMode
	Model         string    `ch:"model" json:"model"`
	PromptVersion string    `ch:"prompt_version" json:"prompt_version"`
	TokensIn      uint32    `ch:"tokens_in" json:"tokens_in"`
	TokensOut     uint32    `ch:"tokens_out" json:"tokens_out"`
	DurationMS    uint32    `ch:"duration_ms" json:"duration_ms"`
	Outcome       string    `ch:"outcome" json:"outcome"` // "ok", "error", "guard_rejected", "budget_exceeded"
	Prompt        string    `ch:"prompt" json:"prompt"`
	Reply         string    `ch:"reply" json:"reply"`
	Error         string    `ch:"error" json:"error"`
}
