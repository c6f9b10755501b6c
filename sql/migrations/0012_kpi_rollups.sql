-- 0012_kpi_rollups: the measures the KPIs of the analytics issue need that 0005's rollups lack,
-- as more daily rollups fed by materialized views under the same exactness rules (see 0005's
-- header: each view reads only rows that exist once per entity by the ingest contracts of
-- 0002-0004, and readers always sum() the measures).
--
--   KPI                                                   table
--   dossiers open and past due at a moment T (judged at   dossier_due_daily (received, by due
--     the period end): received with due_at before T       day) minus dossier_end_due_daily
--     minus ended before T with due_at before T            (ended, by the later of end day and
--                                                          due day)
--   median / p90 processing days                          dossier_processing_daily (histogram of
--                                                           net processing time, quarter days)
--   petitions past due and not yet answered at T          petition_due_daily minus
--                                                           petition_end_due_daily
--   median / p90 days to answer, forwarded within N        petition_close_detail_daily (hour and
--     minutes (N is configuration)                          minute histograms of first closures)
--   reopen rate                                           petition_reopen_daily (first reopenings)
--   engagement-weighted sentiment                         post_engagement_daily
--
-- The open-and-overdue count at T sums a flow over all days before T, so its tables are keyed by
-- the day from which an entity counts (an ended dossier counts against the overdue ones from the
-- later of its end day and its due day): one row per day and scope, like the intake rollups,
-- however long the history. The histograms are kept apart from them: a month of a histogram is
-- read for the quantiles of that month only.
--
-- Due days use due_at as sent, without supplement pauses: a pause is known only once the
-- supplement arrives, and an event log cannot revise a count already made, so the open-and-overdue
-- count needs a due time that never changes for an id (the sources send pauses in
-- supplement_paused_seconds and keep due_at, 0002). Processing time is net of those pauses (the
-- legal clock, DOMAIN §3): ended_at - received_at - supplement_paused_seconds, never below 0.
--
-- Histograms instead of quantile states: a quantile sketch is approximate and would not equal the
-- same quantile computed over the base tables; a histogram at a fixed resolution does, exactly,
-- and its rows stay few because buckets repeat within a day, unit and field.
--
-- Each view is followed by a back-fill from its source, so a store that already holds events
-- gets complete rollups (migrations run before ingestion starts). On a cluster the back-fill
-- covers the shard that runs the migration; rebuild other shards' rollups the same way there.
-- The posts back-fill sees a post's first_seen row only until a merge replaces it by a later
-- version, as any rebuild of post_daily would.

CREATE TABLE IF NOT EXISTS {{local "dossier_due_daily"}} {{onCluster}}
(
    -- toDate(due_at) of the 'received' event
    due_day Date,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    -- Dossiers received with this due day.
    received UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(due_day)
ORDER BY (due_day, unit_code, ward_code, field)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_due_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_due_daily_mv"}} {{onCluster}}
TO {{local "dossier_due_daily"}}
AS SELECT
    toDate(s.due_at) AS due_day,
    s.unit_code AS unit_code,
    s.ward_code AS ward_code,
    s.field AS field,
    count() AS received
FROM {{local "dossier_events"}} AS s
-- One 'received' event per dossier (0002 contract).
WHERE s.status = 'received'
GROUP BY due_day, unit_code, ward_code, field
-- statement-break

INSERT INTO {{local "dossier_due_daily"}}
SELECT toDate(s.due_at) AS due_day, s.unit_code, s.ward_code, s.field, count() AS received
FROM {{local "dossier_events"}} AS s
WHERE s.status = 'received'
GROUP BY due_day, s.unit_code, s.ward_code, s.field
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "dossier_end_due_daily"}} {{onCluster}}
(
    -- greatest(toDate(ended_at), toDate(due_at)): from this day on, the dossier is both ended and
    -- past its due day, so it no longer counts among the open overdue ones.
    day Date,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    -- Dossiers that ended (withdrawn included: a withdrawn dossier is no longer open).
    ended UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, unit_code, ward_code, field)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_end_due_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_end_due_daily_mv"}} {{onCluster}}
TO {{local "dossier_end_due_daily"}}
AS SELECT
    greatest(toDate(assumeNotNull(s.ended_at)), toDate(s.due_at)) AS day,
    s.unit_code AS unit_code,
    s.ward_code AS ward_code,
    s.field AS field,
    count() AS ended
FROM {{local "dossier_events"}} AS s
-- At most one terminal event per dossier (0002 contract).
WHERE s.status IN ('completed', 'returned', 'rejected', 'withdrawn')
GROUP BY day, unit_code, ward_code, field
-- statement-break

INSERT INTO {{local "dossier_end_due_daily"}}
SELECT greatest(toDate(assumeNotNull(s.ended_at)), toDate(s.due_at)) AS day, s.unit_code, s.ward_code, s.field, count() AS ended
FROM {{local "dossier_events"}} AS s
WHERE s.status IN ('completed', 'returned', 'rejected', 'withdrawn')
GROUP BY day, s.unit_code, s.ward_code, s.field
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "dossier_processing_daily"}} {{onCluster}}
(
    -- toDate(ended_at)
    day Date,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    -- Net processing time in whole quarter days (6 hours), rounded down, at most 65535.
    processing_quarters UInt16,
    -- Dossiers that ended (completed, returned or rejected; withdrawals left out, as in every
    -- outcome KPI).
    ended UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, unit_code, ward_code, field, processing_quarters)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_processing_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_processing_daily_mv"}} {{onCluster}}
TO {{local "dossier_processing_daily"}}
AS SELECT
    toDate(assumeNotNull(s.ended_at)) AS day,
    s.unit_code AS unit_code,
    s.ward_code AS ward_code,
    s.field AS field,
    toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.ended_at)) - toInt64(s.supplement_paused_seconds), 0), 21600), 65535)) AS processing_quarters,
    count() AS ended
FROM {{local "dossier_events"}} AS s
-- At most one terminal event per dossier (0002 contract).
WHERE s.status IN ('completed', 'returned', 'rejected')
GROUP BY day, unit_code, ward_code, field, processing_quarters
-- statement-break

INSERT INTO {{local "dossier_processing_daily"}}
SELECT
    toDate(assumeNotNull(s.ended_at)) AS day, s.unit_code, s.ward_code, s.field,
    toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.ended_at)) - toInt64(s.supplement_paused_seconds), 0), 21600), 65535)) AS processing_quarters,
    count() AS ended
FROM {{local "dossier_events"}} AS s
WHERE s.status IN ('completed', 'returned', 'rejected')
GROUP BY day, s.unit_code, s.ward_code, s.field, processing_quarters
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_due_daily"}} {{onCluster}}
(
    -- toDate(due_at) of the 'new' event
    due_day Date,
    ward_code LowCardinality(String),
    category LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- Petitions received with this due day.
    received UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(due_day)
ORDER BY (due_day, ward_code, category, channel)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_due_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_due_daily_mv"}} {{onCluster}}
TO {{local "petition_due_daily"}}
AS SELECT
    toDate(s.due_at) AS due_day,
    s.ward_code AS ward_code,
    s.category AS category,
    s.channel AS channel,
    count() AS received
FROM {{local "petition_events"}} AS s
-- One 'new' event per petition (0003 contract).
WHERE s.status = 'new'
GROUP BY due_day, ward_code, category, channel
-- statement-break

INSERT INTO {{local "petition_due_daily"}}
SELECT toDate(s.due_at) AS due_day, s.ward_code, s.category, s.channel, count() AS received
FROM {{local "petition_events"}} AS s
WHERE s.status = 'new'
GROUP BY due_day, s.ward_code, s.category, s.channel
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_end_due_daily"}} {{onCluster}}
(
    -- greatest(toDate(closed_at), toDate(due_at)) of the first closure: from this day on, the
    -- petition no longer counts in the overdue backlog.
    day Date,
    ward_code LowCardinality(String),
    category LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- Petitions closed for the first time.
    closed UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, ward_code, category, channel)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_end_due_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_end_due_daily_mv"}} {{onCluster}}
TO {{local "petition_end_due_daily"}}
AS SELECT
    greatest(toDate(assumeNotNull(s.closed_at)), toDate(s.due_at)) AS day,
    s.ward_code AS ward_code,
    s.category AS category,
    s.channel AS channel,
    count() AS closed
FROM {{local "petition_events"}} AS s
-- The first closure of a petition: one event per id (0003 contract).
WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
GROUP BY day, ward_code, category, channel
-- statement-break

INSERT INTO {{local "petition_end_due_daily"}}
SELECT greatest(toDate(assumeNotNull(s.closed_at)), toDate(s.due_at)) AS day, s.ward_code, s.category, s.channel, count() AS closed
FROM {{local "petition_events"}} AS s
WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
GROUP BY day, s.ward_code, s.category, s.channel
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_close_detail_daily"}} {{onCluster}}
(
    -- toDate(closed_at) of the first closure
    day Date,
    ward_code LowCardinality(String),
    unit_code LowCardinality(String),
    category LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- closed_at - received_at in whole hours, rounded down, at most 65535.
    handling_hours UInt16,
    -- forwarded_at - received_at in whole minutes, rounded down, at most 65534; 65535 when the
    -- petition was never forwarded.
    forward_minutes UInt16,
    -- Petitions closed for the first time.
    closed UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, ward_code, unit_code, category, channel, handling_hours, forward_minutes)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_close_detail_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_close_detail_daily_mv"}} {{onCluster}}
TO {{local "petition_close_detail_daily"}}
AS SELECT
    toDate(assumeNotNull(s.closed_at)) AS day,
    s.ward_code AS ward_code,
    s.unit_code AS unit_code,
    s.category AS category,
    s.channel AS channel,
    toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.closed_at)), 0), 3600), 65535)) AS handling_hours,
    toUInt16(if(s.forwarded_at IS NULL, 65535, least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.forwarded_at)), 0), 60), 65534))) AS forward_minutes,
    count() AS closed
FROM {{local "petition_events"}} AS s
-- The first closure of a petition: one event per id (0003 contract).
WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
GROUP BY day, ward_code, unit_code, category, channel, handling_hours, forward_minutes
-- statement-break

INSERT INTO {{local "petition_close_detail_daily"}}
SELECT
    toDate(assumeNotNull(s.closed_at)) AS day, s.ward_code, s.unit_code, s.category, s.channel,
    toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.closed_at)), 0), 3600), 65535)) AS handling_hours,
    toUInt16(if(s.forwarded_at IS NULL, 65535, least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.forwarded_at)), 0), 60), 65534))) AS forward_minutes,
    count() AS closed
FROM {{local "petition_events"}} AS s
WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
GROUP BY day, s.ward_code, s.unit_code, s.category, s.channel, handling_hours, forward_minutes
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_reopen_daily"}} {{onCluster}}
(
    -- toDate(event_at) of the first reopening (see the view)
    day Date,
    ward_code LowCardinality(String),
    unit_code LowCardinality(String),
    category LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- Petitions reopened for the first time.
    reopened UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, ward_code, unit_code, category, channel)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_reopen_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_reopen_daily_mv"}} {{onCluster}}
TO {{local "petition_reopen_daily"}}
AS SELECT
    toDate(s.event_at) AS day,
    s.ward_code AS ward_code,
    s.unit_code AS unit_code,
    s.category AS category,
    s.channel AS channel,
    count() AS reopened
FROM {{local "petition_events"}} AS s
-- The first 'reopened' event of a petition carries reopen_count = 1 (0003 contract: leaving a
-- closed status increments it), or 0 when the petition was first seen already reopened (the
-- pipeline cannot know the count then; a back-filled import). Such a petition reopened a second
-- time later counts twice; a source that leaves a closed status for another status than
-- 'reopened' is not counted.
WHERE s.status = 'reopened' AND s.reopen_count <= 1
GROUP BY day, ward_code, unit_code, category, channel
-- statement-break

INSERT INTO {{local "petition_reopen_daily"}}
SELECT toDate(s.event_at) AS day, s.ward_code, s.unit_code, s.category, s.channel, count() AS reopened
FROM {{local "petition_events"}} AS s
WHERE s.status = 'reopened' AND s.reopen_count <= 1
GROUP BY day, s.ward_code, s.unit_code, s.category, s.channel
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "post_engagement_daily"}} {{onCluster}}
(
    -- toDate(published_at)
    day Date,
    ward_code LowCardinality(String),
    topic LowCardinality(String),
    platform Enum8('facebook' = 1, 'zalo' = 2, 'tiktok' = 3, 'youtube' = 4, 'news' = 5, 'forum' = 6),
    -- Each post weighs 1 + likes + shares + comments (as at its first delivery): the weights'
    -- sum and the sum of sentiment × weight.
    weight UInt64,
    weighted_sentiment Float64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, ward_code, topic, platform)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "post_engagement_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "post_engagement_daily_mv"}} {{onCluster}}
TO {{local "post_engagement_daily"}}
AS SELECT
    toDate(s.published_at) AS day,
    s.ward_code AS ward_code,
    s.topic AS topic,
    s.platform AS platform,
    sum(1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments)) AS weight,
    sum(toFloat64(s.sentiment) * toFloat64(1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments))) AS weighted_sentiment
FROM {{local "posts"}} AS s
-- One first_seen row per post (0004 contract).
WHERE s.first_seen
GROUP BY day, ward_code, topic, platform
-- statement-break

INSERT INTO {{local "post_engagement_daily"}}
SELECT
    toDate(s.published_at) AS day, s.ward_code, s.topic, s.platform,
    sum(1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments)) AS weight,
    sum(toFloat64(s.sentiment) * toFloat64(1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments))) AS weighted_sentiment
FROM {{local "posts"}} AS s
WHERE s.first_seen
GROUP BY day, s.ward_code, s.topic, s.platform
