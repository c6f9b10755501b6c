-- 0002_dossiers: administrative-procedure dossiers (hồ sơ TTHC), DESIGN §3 "dossier" contract.
--
-- Two tables, written by the pipeline side by side:
--   dossiers         the latest state of each dossier: every accepted snapshot is inserted, and
--                    ReplacingMergeTree(version) keeps the newest per id. Exact reads use FINAL
--                    or argMax(…, version) GROUP BY id.
--   dossier_events   the lifecycle: one row per state transition, carrying the full dossier as it
--                    was at that version. It feeds the daily rollups of 0005, so it is append-only
--                    and must not contain duplicates (contract below).
--
-- Ingest contract (the pipeline implements it; 0005 relies on it for exact rollups):
--   * version = updated_at in unix milliseconds. A snapshot whose version is not newer than the
--     last one seen for its id is a re-send: it may go to dossiers again (harmless) but never
--     produces an event.
--   * First sight of an id: one 'received' event (event_at = received_at), then, when the
--     snapshot's status is not 'received', one event of that status (event_at = updated_at).
--     A back-filled dossier that arrives already completed therefore still counts as received.
--   * Later, newer snapshot whose status differs from the last status seen: one event of the new
--     status (event_at = updated_at). Same status (only attributes changed): no event.
--   * Terminal statuses (completed, returned, rejected, withdrawn) are absorbing for the event
--     log: once one was recorded, later status changes of that id update dossiers only. So each
--     dossier has exactly one 'received' event and at most one terminal event.
--   * id, received_at and unit_code (the receiving unit, encoded in the dossier code
--     H29.123.45-250812-0007) never change for an id: received_at is in the sorting key and the
--     partition key, so a changed value would leave two rows after FINAL.
--   * Batches are inserted with the spool segment as insert_deduplication_token, so a segment
--     delivered twice after a crash is stored once, in the tables and in the views they feed
--     (hence non_replicated_deduplication_window on every table the pipeline writes).
--
-- Derived columns (ALIAS: computed on read, no storage, one definition shared by analytics, the
-- assistant and the rollups):
--   ended_at          when a terminal dossier ended: completed_at when the source sets it (it
--                     should, for every terminal status), else updated_at. In dossier_events the
--                     terminal row's updated_at is the moment of the transition, so the fallback
--                     is exact there; in dossiers a later edit (a satisfaction rating) moves it.
--   effective_due_at  due_at pushed back by the supplement-request pauses: DOMAIN §3 excludes
--                     those pauses from the clock.
--   ended_on_time     DOMAIN §3: on time when the end is not after the effective due time and
--                     there was at most one supplement request; NULL while open (an open dossier
--                     is judged at the end of the period asked about, by the query).

CREATE TABLE IF NOT EXISTS {{local "dossiers"}} {{onCluster}}
(
    -- The source's dossier code; ids make ingestion idempotent. ZSTD: long, repetitive codes.
    id String CODEC(ZSTD(1)),
    -- Dimension codes and denormalised names are LowCardinality: a few thousand procedures and a
    -- few hundred units repeat over millions of rows; dictionary encoding keeps them a few bytes
    -- and makes GROUP BY on them fast.
    procedure_code LowCardinality(String),
    procedure_name LowCardinality(String),
    field LowCardinality(String),
    unit_code LowCardinality(String),
    unit_name LowCardinality(String),
    -- Ward of the dossier (the receiving ward, or the applicant's ward for a department's dossier);
    -- '' when unknown.
    ward_code LowCardinality(String),
    -- Enums: one byte, and the engine refuses a value the contract does not know.
    channel Enum8('online' = 1, 'in_person' = 2, 'postal' = 3),
    online_level Enum8('full' = 1, 'partial' = 2, 'none' = 3),
    status Enum8('received' = 1, 'processing' = 2, 'supplement_requested' = 3, 'completed' = 4, 'returned' = 5, 'rejected' = 6, 'withdrawn' = 7),
    -- Times in Asia/Ho_Chi_Minh, so toDate() and day boundaries are local whatever the server's
    -- zone. Delta + ZSTD: timestamps that rise with the sort order compress to a few bits each.
    received_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    due_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    completed_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    updated_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    supplement_count UInt8,
    -- Seconds the clock stood still while waiting for a requested supplement (sum over requests).
    -- Optional ingest field, 0 when the source does not report pauses. If the source already moves
    -- due_at when a supplement arrives, it must send 0 here so the pause is not counted twice.
    supplement_paused_seconds UInt32,
    fee_vnd UInt64,
    paid_online Bool,
    digitized Bool,
    e_result Bool,
    satisfaction Nullable(Enum8('satisfied' = 1, 'neutral' = 2, 'dissatisfied' = 3)),
    -- updated_at in unix milliseconds; the newest version wins.
    version UInt64 CODEC(Delta(8), ZSTD(1)),
    -- Ingest bookkeeping: when govpulse stored the row and which way it came ('api:<token id>',
    -- 'import:<file>', 'simulator').
    ingested_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    source LowCardinality(String),
    ended_at Nullable(DateTime('Asia/Ho_Chi_Minh')) ALIAS if(status IN ('completed', 'returned', 'rejected', 'withdrawn'), ifNull(completed_at, updated_at), NULL),
    effective_due_at DateTime('Asia/Ho_Chi_Minh') ALIAS due_at + toIntervalSecond(supplement_paused_seconds),
    ended_on_time Nullable(Bool) ALIAS if(ended_at IS NULL, NULL, ended_at <= effective_due_at AND supplement_count <= 1),
    -- A dossier page looks one id up without knowing when it was received: the bloom filter skips
    -- almost every granule.
    INDEX id_bloom id TYPE bloom_filter(0.01) GRANULARITY 4,
    -- "Open now" scans the latest state for non-terminal statuses; old months hold almost only
    -- terminal dossiers, so the set index skips their granules. With FINAL this is exact only under
    -- use_skip_indexes_if_final_exact_mode = 1 (the default since ClickHouse 25.6, which widens the
    -- hit to every newer version of the keys); queries that rely on it should pin the setting.
    INDEX status_set status TYPE set(8) GRANULARITY 1
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
-- Partition by the month of reception, which never changes for a dossier: all versions of an id
-- land in one partition, so FINAL is exact and can work partition by partition. Time filters on
-- received_at prune partitions first.
PARTITION BY toYYYYMM(received_at)
-- The sorting key is the deduplication key of ReplacingMergeTree, so it holds only columns that
-- never change for an id (received_at, id): a unit or a status in it would keep two versions of a
-- dossier whose value changed. received_at first lets period filters hit the primary key
-- directly; per-unit and per-ward numbers come from the rollups of 0005.
-- No projection: a ReplacingMergeTree projection must be rebuilt on every merge
-- (deduplicate_merge_projection_mode) and a FINAL query never reads one, while the exact reads
-- here are FINAL; a month of one unit is a small scan of its received_at range anyway.
ORDER BY (received_at, id)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossiers" "cityHash64(id)"}}
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "dossier_events"}} {{onCluster}}
(
    id String CODEC(ZSTD(1)),
    -- The status this dossier entered; the rest of the row is the dossier at that version.
    status Enum8('received' = 1, 'processing' = 2, 'supplement_requested' = 3, 'completed' = 4, 'returned' = 5, 'rejected' = 6, 'withdrawn' = 7),
    -- When it entered that status: received_at for 'received', else the snapshot's updated_at.
    event_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    procedure_code LowCardinality(String),
    procedure_name LowCardinality(String),
    field LowCardinality(String),
    unit_code LowCardinality(String),
    unit_name LowCardinality(String),
    ward_code LowCardinality(String),
    channel Enum8('online' = 1, 'in_person' = 2, 'postal' = 3),
    online_level Enum8('full' = 1, 'partial' = 2, 'none' = 3),
    received_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    due_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    completed_at Nullable(DateTime('Asia/Ho_Chi_Minh')) CODEC(Delta(4), ZSTD(1)),
    updated_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    supplement_count UInt8,
    supplement_paused_seconds UInt32,
    fee_vnd UInt64,
    paid_online Bool,
    digitized Bool,
    e_result Bool,
    satisfaction Nullable(Enum8('satisfied' = 1, 'neutral' = 2, 'dissatisfied' = 3)),
    version UInt64 CODEC(Delta(8), ZSTD(1)),
    ingested_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    source LowCardinality(String),
    ended_at Nullable(DateTime('Asia/Ho_Chi_Minh')) ALIAS if(status IN ('completed', 'returned', 'rejected', 'withdrawn'), ifNull(completed_at, updated_at), NULL),
    effective_due_at DateTime('Asia/Ho_Chi_Minh') ALIAS due_at + toIntervalSecond(supplement_paused_seconds),
    ended_on_time Nullable(Bool) ALIAS if(ended_at IS NULL, NULL, ended_at <= effective_due_at AND supplement_count <= 1),
    -- The history of one dossier (its timeline page) is a lookup by id across statuses.
    INDEX id_bloom id TYPE bloom_filter(0.01) GRANULARITY 4
)
-- Plain MergeTree: events are facts that never change; duplicates are kept out by the contract
-- above, not by merges (merges come too late for the views that count them).
ENGINE = {{engine "MergeTree"}}
-- Monthly partitions by event time: lifecycle questions ask "what happened in this period".
PARTITION BY toYYYYMM(event_at)
-- Questions about events name the kind first ("supplement requests in Q3", "completions of unit
-- X last week"): status, then unit, then time, so each (status, unit) run is a time-ordered range
-- the period filter cuts directly.
ORDER BY (status, unit_code, event_at)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_events" "cityHash64(id)"}}
