-- 0003_petitions: citizen petitions and feedback (phản ánh, kiến nghị, PAKN), DESIGN §3 "petition"
-- contract. Same two-table pattern as dossiers (0002):
--   petitions        latest state per id, ReplacingMergeTree(version); exact reads use FINAL or
--                    argMax(…, version) GROUP BY id.
--   petition_events  one row per state transition with the petition as it was; feeds 0005.
--
-- Ingest contract (the pipeline implements it; 0005 relies on it):
--   * version = updated_at in unix milliseconds; a snapshot not newer than the last one seen for
--     its id produces no event.
--   * First sight of an id: one 'new' event (event_at = received_at), then, when the snapshot's
--     status is not 'new', one event of that status (event_at = updated_at).
--   * Later, newer snapshot with a different status: one event of the new status.
--   * Closed statuses (resolved, rejected) can be left: a petition is reopened. A change from one
--     closed status to the other produces no event (a correction, not a new outcome). Leaving a
--     closed status increments reopen_count (the pipeline keeps it when the source does not send
--     it), so the first closure of a petition is the one closed event with reopen_count = 0.
--   * id and received_at never change for an id (sorting and partition key). unit_code does
--     change (the case is forwarded to a handling unit), and so may category and ward_code.
--   * Personal data never lands here: citizen_phone and citizen_name of the contract are replaced
--     by a masked phone and a keyed hash before the spool; title and content are stored after
--     the pipeline's PII masking (phones, emails, national ids). None of it is sent to an LLM.
--   * Batches carry the spool segment as insert_deduplication_token (see 0002).
--
-- Derived columns (ALIAS, one shared definition):
--   closed_at       when a closed petition was answered: resolved_at when set, else updated_at
--                   (exact in petition_events, where updated_at is the moment of the transition).
--   closed_on_time  answered by due_at; NULL while open.

CREATE TABLE IF NOT EXISTS {{local "petitions"}} {{onCluster}}
(
    id String CODEC(ZSTD(1)),
    received_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- Codes of petition_categories; LowCardinality: a few dozen values over millions of rows.
    category LowCardinality(String),
    subcategory LowCardinality(String),
    -- '' when not known (yet): the pipeline infers a ward from the address or coordinates.
    ward_code LowCardinality(String),
    -- The handling unit; '' until the case is forwarded.
    unit_code LowCardinality(String),
    status Enum8('new' = 1, 'forwarded' = 2, 'processing' = 3, 'resolved' = 4, 'rejected' = 5, 'reopened' = 6),
    forwarded_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    -- Deadline for the answer. Always set: the source's value, else received_at plus the
    -- category's sla_days (petition_categories), filled by the pipeline.
    due_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    resolved_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    updated_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    satisfaction Nullable(Enum8('satisfied' = 1, 'dissatisfied' = 2)),
    -- Free text, PII-masked. ZSTD(3): Vietnamese prose compresses several-fold, read rarely.
    title String CODEC(ZSTD(3)),
    content String CODEC(ZSTD(3)),
    -- Where the problem is (WGS84), when the channel reports it.
    lat Nullable(Float64),
    lon Nullable(Float64),
    -- '090****567': enough for an officer to recognise a number read out on the phone, never the
    -- number itself. '' when none was given.
    citizen_phone_masked String,
    -- HMAC-SHA256 (hex, keyed by a secret of the deployment) of the normalised phone, else of the
    -- normalised name: counts repeat petitioners without storing who they are. '' when anonymous.
    citizen_hash String CODEC(ZSTD(1)),
    -- Tone of the content in [-1, 1] and its inferred topic (the pipeline's sentiment and topic
    -- steps, the same scorer as posts).
    sentiment Float32,
    topic LowCardinality(String),
    reopen_count UInt8,
    version UInt64 CODEC(Delta(8), ZSTD(1)),
    ingested_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    source LowCardinality(String),
    closed_at Nullable(DateTime('Asia/Ho_Chi_Minh')) ALIAS if(status IN ('resolved', 'rejected'), ifNull(resolved_at, updated_at), NULL),
    closed_on_time Nullable(Bool) ALIAS if(closed_at IS NULL, NULL, closed_at <= due_at)
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
-- The month of reception never changes for a petition: every version of an id stays in one
-- partition, so FINAL is exact.
PARTITION BY toYYYYMM(received_at)
-- Deduplication key = sorting key, so only immutable columns: the handling unit, category and
-- ward all change after reception. Period filters on received_at hit the primary key directly;
-- 5M petitions are small enough that unit and ward filters scan the period's range.
ORDER BY (received_at, id)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petitions" "cityHash64(id)"}}
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_events"}} {{onCluster}}
(
    id String CODEC(ZSTD(1)),
    status Enum8('new' = 1, 'forwarded' = 2, 'processing' = 3, 'resolved' = 4, 'rejected' = 5, 'reopened' = 6),
    -- received_at for 'new', else the snapshot's updated_at.
    event_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    received_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    category LowCardinality(String),
    subcategory LowCardinality(String),
    ward_code LowCardinality(String),
    unit_code LowCardinality(String),
    forwarded_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    due_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    resolved_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    updated_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    satisfaction Nullable(Enum8('satisfied' = 1, 'dissatisfied' = 2)),
    title String CODEC(ZSTD(3)),
    content String CODEC(ZSTD(3)),
    lat Nullable(Float64),
    lon Nullable(Float64),
    citizen_phone_masked String,
    citizen_hash String CODEC(ZSTD(1)),
    sentiment Float32,
    topic LowCardinality(String),
    reopen_count UInt8,
    version UInt64 CODEC(Delta(8), ZSTD(1)),
    ingested_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    source LowCardinality(String),
    closed_at Nullable(DateTime('Asia/Ho_Chi_Minh')) ALIAS if(status IN ('resolved', 'rejected'), ifNull(resolved_at, updated_at), NULL),
    closed_on_time Nullable(Bool) ALIAS if(closed_at IS NULL, NULL, closed_at <= due_at)
)
-- Append-only facts; duplicates are kept out by the contract above.
ENGINE = {{engine "MergeTree"}}
PARTITION BY toYYYYMM(event_at)
-- Kind first, then time: "forwardings this week", "reopenings in Q3".
ORDER BY (status, event_at)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_events" "cityHash64(id)"}}
