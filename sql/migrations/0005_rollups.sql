-- 0005_rollups: daily rollups fed by materialized views. They make the overview panels cheap at
-- full scale (50M dossiers, 5M petitions, 20M posts): a year of a rollup is a few million rows
-- at most, against hundreds of millions of base rows.
--
-- Why the counts are exact. A materialized view fires on every INSERT into its source, before any
-- merge, so a view over a ReplacingMergeTree table would count every re-send and every state
-- change again. The views therefore read only rows that exist once per entity by the ingest
-- contracts of 0002-0004: the 'received'/'new' event (one per id), the first terminal/closed
-- event (at most one per id), and the first_seen row of a post (one per post). A spool segment
-- delivered twice is dropped by insert deduplication before the views see it (the same token is
-- carried into them: deduplicate_blocks_in_dependent_materialized_views).
--
-- Which KPI reads what:
--   KPI                                                   table
--   dossiers received, by unit/ward/field/channel/level   dossier_intake_daily
--   online submission share (766 group 4)                 dossier_intake_daily
--   ended dossiers: on time, early, late                  dossier_outcome_daily
--   online payment share (paid online / fee-bearing),     dossier_outcome_daily (the flags as at
--     digitised share, e-result share, processing time      the end, when they are final)
--   dossiers open at a moment T: received before T        both rollups, summed over all days
--     minus ended before T (exact per unit, which never     before T
--     changes; per ward/field unless the source changes
--     them during a dossier's life)
--   766 progress ((on time + open within due) / all of    dossiers FINAL, filtered on
--     the period), overdue open dossiers, dossier           received_at (the key): each open
--     satisfaction                                          dossier is judged against the
--                                                           period end, and ratings arrive
--                                                           after the end event
--   petitions received, by ward/unit/category/channel     petition_intake_daily
--   petitions answered on time (766 group 5), handling    petition_outcome_daily (first
--     time                                                  closure of each petition)
--   petition satisfaction, forwarding within N minutes    petitions FINAL (5M rows; the
--     (cfg)                                                 threshold is configuration)
--   posts, negative/positive share, mean sentiment,       post_daily (engagement as at first
--     engagement, by ward/topic/platform                    delivery; the latest is posts FINAL)
--
-- Reading a rollup: always sum() the measures with GROUP BY over the wanted keys and filter on
-- day (the first key column). SummingMergeTree folds rows with equal keys only at merge time, so
-- one key may still have several rows; sum() is exact either way, and FINAL is never needed.
--
-- Day columns are the local date (the source DateTime columns are declared Asia/Ho_Chi_Minh, so
-- toDate() cuts days at local midnight whatever the server's zone).
--
-- Partitions are years: rollups are small, and fewer partitions mean fewer, larger parts; a
-- back-fill batch spanning years still creates few parts.
--
-- In the views, source columns are written s.<column>: several measures reuse a source column's
-- name as their alias (sum(s.fee_vnd) AS fee_vnd), and an unqualified name would resolve to the
-- aggregate instead of the column.
--
-- On a cluster each view reads its shard's local source table and writes its shard's local
-- rollup; the Distributed rollup sums over shards. Sources are sharded by id, so an entity's rows
-- (and so its single counted row) live on one shard.

CREATE TABLE IF NOT EXISTS {{local "dossier_intake_daily"}} {{onCluster}}
(
    -- toDate(received_at)
    day Date,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    channel Enum8('online' = 1, 'in_person' = 2, 'postal' = 3),
    online_level Enum8('full' = 1, 'partial' = 2, 'none' = 3),
    -- Dossiers received.
    received UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
-- Day first: every panel filters a period; then the dashboard's filters, coarse to fine.
ORDER BY (day, unit_code, ward_code, field, channel, online_level)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_intake_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_intake_daily_mv"}} {{onCluster}}
TO {{local "dossier_intake_daily"}}
AS SELECT
    toDate(s.received_at) AS day,
    s.unit_code AS unit_code,
    s.ward_code AS ward_code,
    s.field AS field,
    s.channel AS channel,
    s.online_level AS online_level,
    count() AS received
FROM {{local "dossier_events"}} AS s
-- One 'received' event per dossier (0002 contract).
WHERE s.status = 'received'
GROUP BY day, unit_code, ward_code, field, channel, online_level
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "dossier_outcome_daily"}} {{onCluster}}
(
    -- toDate(ended_at)
    day Date,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    channel Enum8('online' = 1, 'in_person' = 2, 'postal' = 3),
    online_level Enum8('full' = 1, 'partial' = 2, 'none' = 3),
    -- The terminal status: completed, returned, rejected or withdrawn. A key, so that a KPI can
    -- include or leave out withdrawn dossiers without a second table.
    status Enum8('received' = 1, 'processing' = 2, 'supplement_requested' = 3, 'completed' = 4, 'returned' = 5, 'rejected' = 6, 'withdrawn' = 7),
    -- Dossiers that ended.
    ended UInt64,
    -- ended_on_time (0002): end not after due_at + pauses, at most one supplement request.
    on_time UInt64,
    -- On time and ended on an earlier calendar day than the effective due date (trước hạn).
    early UInt64,
    -- fee_vnd > 0, and of those, paid online: the 766 online-payment ratio.
    fee_bearing UInt64,
    paid_online UInt64,
    fee_vnd UInt64,
    digitized UInt64,
    e_result UInt64,
    -- At least one supplement request.
    supplement_requested UInt64,
    -- Sums of ended_at - received_at and of the supplement pauses, for mean processing times.
    processing_seconds UInt64,
    paused_seconds UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, unit_code, ward_code, field, channel, online_level, status)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_outcome_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_outcome_daily_mv"}} {{onCluster}}
TO {{local "dossier_outcome_daily"}}
AS SELECT
    toDate(assumeNotNull(s.ended_at)) AS day,
    s.unit_code AS unit_code,
    s.ward_code AS ward_code,
    s.field AS field,
    s.channel AS channel,
    s.online_level AS online_level,
    s.status AS status,
    count() AS ended,
    countIf(s.ended_on_time) AS on_time,
    countIf(s.ended_on_time AND toDate(assumeNotNull(s.ended_at)) < toDate(s.effective_due_at)) AS early,
    countIf(s.fee_vnd > 0) AS fee_bearing,
    countIf(s.fee_vnd > 0 AND s.paid_online) AS paid_online,
    sum(s.fee_vnd) AS fee_vnd,
    countIf(s.digitized) AS digitized,
    countIf(s.e_result) AS e_result,
    countIf(s.supplement_count > 0) AS supplement_requested,
    sum(toUInt64(greatest(dateDiff('second', s.received_at, assumeNotNull(s.ended_at)), 0))) AS processing_seconds,
    sum(s.supplement_paused_seconds) AS paused_seconds
FROM {{local "dossier_events"}} AS s
-- At most one terminal event per dossier (0002 contract: terminal statuses are absorbing).
WHERE s.status IN ('completed', 'returned', 'rejected', 'withdrawn')
GROUP BY day, unit_code, ward_code, field, channel, online_level, status
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_intake_daily"}} {{onCluster}}
(
    -- toDate(received_at)
    day Date,
    ward_code LowCardinality(String),
    -- The handling unit as known at reception: usually '' (not forwarded yet). Per-unit petition
    -- numbers come from petition_outcome_daily or petitions FINAL.
    unit_code LowCardinality(String),
    category LowCardinality(String),
    subcategory LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- Petitions received.
    received UInt64,
    -- Sum of sentiment scores, for the mean tone of what citizens report.
    sentiment_sum Float64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
-- Wards before categories: "hot wards" is the leaders' first question about petitions.
ORDER BY (day, ward_code, unit_code, category, subcategory, channel)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_intake_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_intake_daily_mv"}} {{onCluster}}
TO {{local "petition_intake_daily"}}
AS SELECT
    toDate(s.received_at) AS day,
    s.ward_code AS ward_code,
    s.unit_code AS unit_code,
    s.category AS category,
    s.subcategory AS subcategory,
    s.channel AS channel,
    count() AS received,
    sum(toFloat64(s.sentiment)) AS sentiment_sum
FROM {{local "petition_events"}} AS s
-- One 'new' event per petition (0003 contract).
WHERE s.status = 'new'
GROUP BY day, ward_code, unit_code, category, subcategory, channel
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_outcome_daily"}} {{onCluster}}
(
    -- toDate(closed_at) of the first closure
    day Date,
    ward_code LowCardinality(String),
    -- The handling unit that answered.
    unit_code LowCardinality(String),
    category LowCardinality(String),
    subcategory LowCardinality(String),
    channel Enum8('hotline' = 1, 'app' = 2, 'web' = 3, 'zalo' = 4, 'email' = 5, 'social' = 6),
    -- resolved or rejected
    status Enum8('new' = 1, 'forwarded' = 2, 'processing' = 3, 'resolved' = 4, 'rejected' = 5, 'reopened' = 6),
    -- Petitions closed for the first time.
    closed UInt64,
    -- closed_on_time (0003): answered by due_at.
    on_time UInt64,
    -- Sum of closed_at - received_at, for the mean handling time.
    handling_seconds UInt64,
    -- Forwarded to a unit, and the sum of forwarded_at - received_at of those.
    forwarded UInt64,
    forward_seconds UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (day, ward_code, unit_code, category, subcategory, channel, status)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_outcome_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_outcome_daily_mv"}} {{onCluster}}
TO {{local "petition_outcome_daily"}}
AS SELECT
    toDate(assumeNotNull(s.closed_at)) AS day,
    s.ward_code AS ward_code,
    s.unit_code AS unit_code,
    s.category AS category,
    s.subcategory AS subcategory,
    s.channel AS channel,
    s.status AS status,
    count() AS closed,
    countIf(s.closed_on_time) AS on_time,
    sum(toUInt64(greatest(dateDiff('second', s.received_at, assumeNotNull(s.closed_at)), 0))) AS handling_seconds,
    countIf(s.forwarded_at IS NOT NULL) AS forwarded,
    sum(toUInt64(greatest(ifNull(dateDiff('second', s.received_at, s.forwarded_at), 0), 0))) AS forward_seconds
FROM {{local "petition_events"}} AS s
-- The first closure of a petition: one event per id (0003 contract); a re-closure after a
-- reopening carries reopen_count > 0 and is left to the latest-state table.
WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
GROUP BY day, ward_code, unit_code, category, subcategory, channel, status
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "post_daily"}} {{onCluster}}
(
    -- toDate(published_at)
    day Date,
    ward_code LowCardinality(String),
    topic LowCardinality(String),
    platform Enum8('facebook' = 1, 'zalo' = 2, 'tiktok' = 3, 'youtube' = 4, 'news' = 5, 'forum' = 6),
    posts UInt64,
    -- Posts by sentiment_label.
    negative UInt64,
    neutral UInt64,
    positive UInt64,
    -- Sum of sentiment scores, for the mean tone.
    sentiment_sum Float64,
    -- Engagement as at the post's first delivery.
    likes UInt64,
    shares UInt64,
    comments UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
-- Ward before topic: the hot-wards panel groups by ward over a few days.
ORDER BY (day, ward_code, topic, platform)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "post_daily" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "post_daily_mv"}} {{onCluster}}
TO {{local "post_daily"}}
AS SELECT
    toDate(s.published_at) AS day,
    s.ward_code AS ward_code,
    s.topic AS topic,
    s.platform AS platform,
    count() AS posts,
    countIf(s.sentiment_label = 'negative') AS negative,
    countIf(s.sentiment_label = 'neutral') AS neutral,
    countIf(s.sentiment_label = 'positive') AS positive,
    sum(toFloat64(s.sentiment)) AS sentiment_sum,
    sum(toUInt64(s.likes)) AS likes,
    sum(toUInt64(s.shares)) AS shares,
    sum(toUInt64(s.comments)) AS comments
FROM {{local "posts"}} AS s
-- One first_seen row per post (0004 contract).
WHERE s.first_seen
GROUP BY day, ward_code, topic, platform
