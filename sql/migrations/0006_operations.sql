-- 0006_operations: the tables that run govpulse itself rather than describe the city: rejected
-- ingest lines, the audit trail, users and their sessions, ingest tokens, the assistant's saved
-- questions and call log, and generated briefings. All are small next to the facts.
--
-- Mutable records (users, tokens, sessions, saved questions) follow the dimension pattern:
-- ReplacingMergeTree(version) keyed by their id; a change is a new row with a higher version
-- (unix milliseconds), read with FINAL. Secrets are stored only as hashes.

-- dead_letters: every rejected ingest line with the reason given to the sender (DESIGN §3), so an
-- operator can see what a source gets wrong and replay it once fixed.
CREATE TABLE IF NOT EXISTS {{local "dead_letters"}} {{onCluster}}
(
    received_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    -- 'dossiers', 'petitions' or 'posts'.
    stream LowCardinality(String),
    -- Where the line came from: 'api:<token id>', 'import:<file name>'.
    source LowCardinality(String),
    -- 1-based line of the request body or file.
    line UInt32,
    -- The contract field at fault ('' when the line as a whole was unreadable) and the message
    -- returned to the sender (FieldError: safe to show).
    field LowCardinality(String),
    reason String,
    -- The line as received, cut to a bounded length by the pipeline. It may hold personal data
    -- that was never masked (the line failed before masking): hence the short TTL.
    raw String CODEC(ZSTD(3))
)
ENGINE = {{engine "MergeTree"}}
-- Weekly partitions so that the TTL drops whole parts (ttl_only_drop_parts) instead of rewriting
-- them: a line is gone between 90 and 97 days after it arrived.
PARTITION BY toMonday(received_at)
-- Operators look at one stream's recent failures.
ORDER BY (stream, received_at)
-- 90 days: long enough to notice, fix and replay a broken source; short because raw is unmasked.
TTL received_at + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1, non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dead_letters" "rand()"}}
-- statement-break

-- audit_log: who did what (logins, user and token changes, exports, assistant questions, data
-- imports). Append-only: nothing in govpulse updates or deletes it.
CREATE TABLE IF NOT EXISTS {{local "audit_log"}} {{onCluster}}
(
    -- Milliseconds: several entries of one request must keep their order.
    at DateTime64(3, 'Asia/Ho_Chi_Minh') CODEC(Delta(8), ZSTD(1)),
    -- Username, or 'system' / 'ingest:<token id>' for actions without a person.
    actor LowCardinality(String),
    role LowCardinality(String),
    -- Verb from a fixed vocabulary ('login', 'login_failed', 'user_add', 'token_revoke',
    -- 'export', 'ask', …); LowCardinality: a few dozen values.
    action LowCardinality(String),
    -- What it was done to: a username, token id, ranking period, question id.
    object String,
    -- Short JSON or text with the particulars; never secrets or personal data of citizens.
    detail String CODEC(ZSTD(3)),
    ip String
)
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYear(at)
ORDER BY at
-- No TTL: the trail is evidence for inspections that may come years later, and it is small
-- (thousands of rows a day). Pruning it is a deliberate decision, taken by a new migration.
-- statement-break
{{distributed "audit_log" "rand()"}}
-- statement-break

-- users: dashboard accounts. A role decides the pages and actions; a scope narrows a leader or
-- analyst to one unit or ward ('' = the whole city).
CREATE TABLE IF NOT EXISTS {{local "users"}} {{onCluster}}
(
    username String,
    display_name String,
    role Enum8('admin' = 1, 'leader' = 2, 'analyst' = 3, 'planner' = 4),
    scope_unit LowCardinality(String),
    scope_ward LowCardinality(String),
    -- A slow password hash in its standard encoded form (argon2id or bcrypt), never the password.
    password_hash String,
    -- Accounts are disabled, never deleted, so that the audit log keeps resolving them.
    disabled Bool,
    created_at DateTime('Asia/Ho_Chi_Minh'),
    updated_at DateTime('Asia/Ho_Chi_Minh'),
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY username
-- statement-break
{{distributed "users" "cityHash64(username)"}}
-- statement-break

-- sessions: dashboard logins, looked up by the hash of the session cookie.
CREATE TABLE IF NOT EXISTS {{local "sessions"}} {{onCluster}}
(
    -- SHA-256 (hex) of the random cookie value; the value itself is never stored.
    token_hash String,
    username String,
    created_at DateTime('Asia/Ho_Chi_Minh'),
    expires_at DateTime('Asia/Ho_Chi_Minh'),
    -- Set by logout or by disabling the user.
    revoked Bool,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY token_hash
-- Expired sessions are useless: merges delete them a day after expiry. Readers still check
-- expires_at, because TTL runs only at merge time.
TTL expires_at + INTERVAL 1 DAY
-- statement-break
{{distributed "sessions" "cityHash64(token_hash)"}}
-- statement-break

-- ingest_tokens: bearer tokens of the ingest API, one stream each (least privilege: a one-stop
-- system's token cannot post petitions).
CREATE TABLE IF NOT EXISTS {{local "ingest_tokens"}} {{onCluster}}
(
    -- Public identifier, shown in lists and in dead_letters.source / audit_log.actor.
    id String,
    -- Human label: 'Hệ thống một cửa điện tử', 'Cổng 1022'.
    name String,
    stream Enum8('dossiers' = 1, 'petitions' = 2, 'posts' = 3),
    -- SHA-256 (hex) of the token; the token is shown once at creation and never stored.
    token_hash String,
    created_by String,
    created_at DateTime('Asia/Ho_Chi_Minh'),
    revoked Bool,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
ORDER BY id
-- statement-break
{{distributed "ingest_tokens" "cityHash64(id)"}}
-- statement-break

-- saved_questions: questions analysts saved with the query spec and SQL they compiled to. The
-- verified ones (checked by an analyst) are the assistant's worked examples: few-shot examples
-- for the LLM and regression cases for the offline parser.
CREATE TABLE IF NOT EXISTS {{local "saved_questions"}} {{onCluster}}
(
    id String,
    question String,
    -- 'vi' or 'en'.
    lang LowCardinality(String),
    -- The query spec (metric, dimensions, filters, period, order, limit) as JSON, and its SQL.
    spec_json String CODEC(ZSTD(3)),
    sql String CODEC(ZSTD(3)),
    created_by String,
    created_at DateTime('Asia/Ho_Chi_Minh'),
    verified Bool,
    -- A deleted question is a new version with deleted = true; FINAL no longer returns it.
    deleted Bool,
    version UInt64
)
ENGINE = {{engine "ReplacingMergeTree(version, deleted)"}}
ORDER BY id
-- statement-break
{{distributed "saved_questions" "cityHash64(id)"}}
-- statement-break

-- briefings: every generated briefing (điểm tin), kept as written so a leader can be shown what
-- they were told on a given day and from which facts.
CREATE TABLE IF NOT EXISTS {{local "briefings"}} {{onCluster}}
(
    id String,
    -- The day the briefing is about (local date).
    date Date,
    lang LowCardinality(String),
    -- Who wrote it: the template writer (offline) or an LLM.
    mode Enum8('offline' = 1, 'llm' = 2),
    -- '' in offline mode.
    model LowCardinality(String),
    -- Content hash of the prompt templates used.
    prompt_version LowCardinality(String),
    tokens_in UInt32,
    tokens_out UInt32,
    text String CODEC(ZSTD(3)),
    -- The fact sheet the text cites (fact ids and numbers), as JSON.
    facts_json String CODEC(ZSTD(3)),
    created_by String,
    created_at DateTime('Asia/Ho_Chi_Minh')
)
-- Briefings never change; ReplacingMergeTree only folds a retried insert of the same id.
ENGINE = {{engine "ReplacingMergeTree"}}
ORDER BY (date, lang, id)
-- statement-break
{{distributed "briefings" "cityHash64(id)"}}
-- statement-break

-- assistant_log: every assistant call (DESIGN §5: prompts and replies are logged with a prompt
-- version for audit), whether an LLM or the offline parser answered.
CREATE TABLE IF NOT EXISTS {{local "assistant_log"}} {{onCluster}}
(
    at DateTime64(3, 'Asia/Ho_Chi_Minh') CODEC(Delta(8), ZSTD(1)),
    actor LowCardinality(String),
    -- 'ask', 'brief', 'sql_repair'.
    kind LowCardinality(String),
    mode Enum8('offline' = 1, 'llm' = 2),
    model LowCardinality(String),
    prompt_version LowCardinality(String),
    tokens_in UInt32,
    tokens_out UInt32,
    duration_ms UInt32,
    -- 'ok', 'error', 'guard_rejected', 'budget_exceeded'.
    outcome LowCardinality(String),
    -- The prompt as sent (personal data already masked) and the reply. Emptied after a year by the
    -- column TTL: the metadata above keeps the audit trail, the text is only needed to debug
    -- recent answers.
    prompt String CODEC(ZSTD(3)) TTL toDateTime(at) + INTERVAL 1 YEAR,
    reply String CODEC(ZSTD(3)) TTL toDateTime(at) + INTERVAL 1 YEAR,
    error String
)
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYYYYMM(at)
ORDER BY at
-- statement-break
{{distributed "assistant_log" "rand()"}}
