-- 0013_alert_rollups: the late dossiers of the alerts (analytics/alerts.go, overdue surges and
-- their drivers) from a daily rollup instead of dossiers FINAL, under the exactness rules of 0005
-- (each view reads only rows that exist once per entity by the ingest contract of 0002, and
-- readers always sum() the measures).
--
--   alert input                                           table
--   dossiers falling due per day and unit, and of those   dossier_late_daily: due - withdrawn,
--     the late ones (alert_dossier_due)                     and due - withdrawn - on_time
--   late dossiers of a unit by procedure and due day       dossier_late_daily, by procedure
--     (the drivers of an overdue alert,
--     alert_drivers_late)
--
-- A dossier counts on the day of its due_at as received (0012's reason: a supplement pause is
-- known only once the supplement arrives, and an event log cannot move a count already made to
-- another day; the sources keep due_at and send pauses in supplement_paused_seconds). Its
-- 'received' event adds one to due; its terminal event (at most one per dossier, 0002) adds one
-- to withdrawn for a withdrawal, or to on_time when it ended on time by DOMAIN §3 (ended_on_time:
-- not after the due time pushed back by the pauses, and at most one supplement request). So on a
-- due day that has run out, due - withdrawn - on_time are the late ones: ended late, or still
-- open past their day. One view writes all three measures (one pass over each inserted block of
-- events, the cheapest way to keep the demo seed fast).
--
-- procedure_name is not in the key: SummingMergeTree keeps one of the names of a code (sources
-- send one name per code), which is what the drivers show.
--
-- The view is followed by a back-fill from its source, so a store that already holds events gets
-- a complete rollup (migrations run before ingestion starts). On a cluster the back-fill covers
-- the shard that runs the migration; rebuild other shards' rollups the same way there.

CREATE TABLE IF NOT EXISTS {{local "dossier_late_daily"}} {{onCluster}}
(
    -- toDate(due_at)
    due_day Date,
    unit_code LowCardinality(String),
    procedure_code LowCardinality(String),
    procedure_name LowCardinality(String),
    -- Dossiers received with this due day.
    due UInt64,
    -- Of those, the withdrawn ones.
    withdrawn UInt64,
    -- Of those, the ones that ended on time (completed, returned or rejected; ended_on_time).
    on_time UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(due_day)
-- Due day first: the alerts read a few weeks of it; then the unit (an overdue alert's drivers
-- read its unit's rows) and the procedure.
ORDER BY (due_day, unit_code, procedure_code)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_late_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_late_daily_mv"}} {{onCluster}}
TO {{local "dossier_late_daily"}}
AS SELECT
    toDate(s.due_at) AS due_day,
    s.unit_code AS unit_code,
    s.procedure_code AS procedure_code,
    any(s.procedure_name) AS procedure_name,
    countIf(s.status = 'received') AS due,
    countIf(s.status = 'withdrawn') AS withdrawn,
    countIf(s.status IN ('completed', 'returned', 'rejected') AND assumeNotNull(s.ended_on_time)) AS on_time
FROM {{local "dossier_events"}} AS s
-- One 'received' event and at most one terminal event per dossier (0002 contract).
WHERE s.status IN ('received', 'completed', 'returned', 'rejected', 'withdrawn')
GROUP BY due_day, unit_code, procedure_code
-- statement-break

INSERT INTO {{local "dossier_late_daily"}}
SELECT
    toDate(s.due_at) AS due_day, s.unit_code, s.procedure_code, any(s.procedure_name) AS procedure_name,
    countIf(s.status = 'received') AS due,
    countIf(s.status = 'withdrawn') AS withdrawn,
    countIf(s.status IN ('completed', 'returned', 'rejected') AND assumeNotNull(s.ended_on_time)) AS on_time
FROM {{local "dossier_events"}} AS s
WHERE s.status IN ('received', 'completed', 'returned', 'rejected', 'withdrawn')
GROUP BY due_day, s.unit_code, s.procedure_code
