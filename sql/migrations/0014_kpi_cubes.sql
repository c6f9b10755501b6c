-- 0014_kpi_cubes: the KPI and series rollups of the overview as small cubes, one per stream, that
-- every scope of the dashboard reads as one key prefix, and the effective-due flows the
-- open-overdue dossier card needs (DOMAIN §3: supplement pauses extend the due date).
--
-- Why. The daily rollups of 0005 and 0012 keep every dimension of a day (unit × ward × field ×
-- channel …), so at city scale they hold almost one row per entity: a month of post_daily is
-- 70k rows for 250k posts, a year of petition_intake_daily 0.8M rows for 1M petitions. Each
-- panel read them with the scope as a filter, i.e. nearly a base-table scan.
--
-- How. Each event is counted once per grouping: grouping is a bit mask of the scope dimensions
-- kept (dossiers: 1 unit, 2 ward, 4 field; petitions: 1 ward, 2 unit, 4 category; posts: 1 ward,
-- 2 platform, 4 topic), the dimensions left out are ''. A scope {unit U} reads grouping 1 with
-- unit_code = U, ward_code = '' and field = ''; no scope reads grouping 0, one row per day. The
-- sorting key starts with the grouping and the dimensions, then the day, so every scope is a
-- prefix of the key followed by a range of days. Readers compute the grouping from the scope in
-- SQL (({unit} != '') + 2 × ({ward} != '') + …) and, as with every rollup, sum() the measures.
--
-- Exactness is 0005's: the views read only rows that exist once per entity by the ingest
-- contracts of 0002-0004 (the 'received'/'new' event, the one terminal / first closure event, the
-- first reopening, the first_seen row of a post). Measures of different events share a table by
-- carrying 0 where they do not apply; each row is dated by the day from which it counts.
--
--   table                       measures (by the day they count from)
--   dossier_kpi_cube            received, online (reception day); ended (end day; withdrawn
--                               included: the open flows); ended_after_due (max of reception day and
--                               effective due day) and ended_done (end day) of the dossiers that
--                               ended on a later day than their effective due day (pauses as at the
--                               end; for the others both would fall on the due day and cancel)
--   petition_kpi_cube           received (reception day) and due (due day) of the 'new' event;
--                               closed and on_time (first-closure day); end_due (max of first-closure
--                               day and due day); reopened (first-reopening day)
--   petition_handling_cube      histograms of first closures: hours to answer, minutes to forward
--                               (65535: never forwarded), by first-closure day
--   post_kpi_cube               posts, negative, positive; weight and weighted_sentiment (1 + likes +
--                               shares + comments as at the first delivery)
--
-- Open overdue dossiers at a midnight T (analytics, kpi_dossier_open.sql), by effective due date
-- like the overdue list: those still open now are read from dossiers FINAL (the pauses known now),
-- and a dossier that has ended was open and past its effective due at T when
-- max(reception day, effective due day) < T's day ≤ its end day (possible only when it ended
-- after its effective due day): ended_after_due before T minus ended_done before T.
--
-- The 0012 tables these replace (read only by the KPI queries) are dropped with their views, so
-- ingest feeds four views instead of nine: dossier_due_daily, dossier_end_due_daily,
-- petition_due_daily, petition_end_due_daily, petition_close_detail_daily, petition_reopen_daily,
-- post_engagement_daily. dossier_processing_daily (0012) stays.
--
-- Each view is followed by a back-fill from its source. On a cluster the back-fill covers the
-- shard that runs the migration; rebuild other shards' cubes the same way there. The posts
-- back-fill sees a post's first_seen row only until a merge replaces it by a later version, as
-- any rebuild of post_daily would.

CREATE TABLE IF NOT EXISTS {{local "dossier_kpi_cube"}} {{onCluster}}
(
    -- Bit mask of the dimensions kept: 1 unit_code, 2 ward_code, 4 field ('' where left out).
    grouping UInt8,
    unit_code LowCardinality(String),
    ward_code LowCardinality(String),
    field LowCardinality(String),
    day Date,
    received UInt64,
    online UInt64,
    ended UInt64,
    ended_after_due UInt64,
    ended_done UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (grouping, unit_code, ward_code, field, day)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "dossier_kpi_cube" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "dossier_kpi_cube_mv"}} {{onCluster}}
TO {{local "dossier_kpi_cube"}}
AS SELECT
    g AS grouping,
    if(bitTest(g, 0), e.unit, '') AS unit_code,
    if(bitTest(g, 1), e.ward, '') AS ward_code,
    if(bitTest(g, 2), e.fld, '') AS field,
    k.1 AS day,
    sum(k.2) AS received,
    sum(k.3) AS online,
    sum(k.4) AS ended,
    sum(k.5) AS ended_after_due,
    sum(k.6) AS ended_done
FROM
(
    SELECT
        s.unit_code AS unit, s.ward_code AS ward, s.field AS fld,
        if(s.status = 'received',
            [(toDate(s.received_at), 1, toUInt8(s.channel = 'online'), 0, 0, 0)],
            if(toDate(s.effective_due_at) < toDate(assumeNotNull(s.ended_at)),
                [(toDate(assumeNotNull(s.ended_at)), 0, 0, 1, 0, 0),
                 (greatest(toDate(s.received_at), toDate(s.effective_due_at)), 0, 0, 0, 1, 0),
                 (toDate(assumeNotNull(s.ended_at)), 0, 0, 0, 0, 1)],
                [(toDate(assumeNotNull(s.ended_at)), 0, 0, 1, 0, 0)])) AS ks
    FROM {{local "dossier_events"}} AS s
    -- One 'received' and at most one terminal event per dossier (0002 contract).
    WHERE s.status IN ('received', 'completed', 'returned', 'rejected', 'withdrawn')
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, unit_code, ward_code, field, day
-- statement-break

INSERT INTO {{local "dossier_kpi_cube"}}
SELECT
    g AS grouping,
    if(bitTest(g, 0), e.unit, '') AS unit_code,
    if(bitTest(g, 1), e.ward, '') AS ward_code,
    if(bitTest(g, 2), e.fld, '') AS field,
    k.1 AS day,
    sum(k.2) AS received,
    sum(k.3) AS online,
    sum(k.4) AS ended,
    sum(k.5) AS ended_after_due,
    sum(k.6) AS ended_done
FROM
(
    SELECT
        s.unit_code AS unit, s.ward_code AS ward, s.field AS fld,
        if(s.status = 'received',
            [(toDate(s.received_at), 1, toUInt8(s.channel = 'online'), 0, 0, 0)],
            if(toDate(s.effective_due_at) < toDate(assumeNotNull(s.ended_at)),
                [(toDate(assumeNotNull(s.ended_at)), 0, 0, 1, 0, 0),
                 (greatest(toDate(s.received_at), toDate(s.effective_due_at)), 0, 0, 0, 1, 0),
                 (toDate(assumeNotNull(s.ended_at)), 0, 0, 0, 0, 1)],
                [(toDate(assumeNotNull(s.ended_at)), 0, 0, 1, 0, 0)])) AS ks
    FROM {{local "dossier_events"}} AS s
    WHERE s.status IN ('received', 'completed', 'returned', 'rejected', 'withdrawn')
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, unit_code, ward_code, field, day
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_kpi_cube"}} {{onCluster}}
(
    -- Bit mask of the dimensions kept: 1 ward_code, 2 unit_code, 4 category ('' where left out).
    -- unit_code is the handling unit of the counted event: as known at reception for received and
    -- due (usually ''), the unit that answered for the closures and reopenings.
    grouping UInt8,
    ward_code LowCardinality(String),
    unit_code LowCardinality(String),
    category LowCardinality(String),
    day Date,
    received UInt64,
    due UInt64,
    closed UInt64,
    on_time UInt64,
    end_due UInt64,
    reopened UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (grouping, ward_code, unit_code, category, day)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_kpi_cube" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_kpi_cube_mv"}} {{onCluster}}
TO {{local "petition_kpi_cube"}}
AS SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.unit, '') AS unit_code,
    if(bitTest(g, 2), e.cat, '') AS category,
    k.1 AS day,
    sum(k.2) AS received,
    sum(k.3) AS due,
    sum(k.4) AS closed,
    sum(k.5) AS on_time,
    sum(k.6) AS end_due,
    sum(k.7) AS reopened
FROM
(
    SELECT
        s.ward_code AS ward, s.unit_code AS unit, s.category AS cat,
        multiIf(s.status = 'new',
            [(toDate(s.received_at), 1, 0, 0, 0, 0, 0), (toDate(s.due_at), 0, 1, 0, 0, 0, 0)],
            s.status = 'reopened',
            [(toDate(s.event_at), 0, 0, 0, 0, 0, 1)],
            [(toDate(assumeNotNull(s.closed_at)), 0, 0, 1, toUInt8(assumeNotNull(s.closed_on_time)), 0, 0),
             (greatest(toDate(assumeNotNull(s.closed_at)), toDate(s.due_at)), 0, 0, 0, 0, 1, 0)]) AS ks
    FROM {{local "petition_events"}} AS s
    -- One 'new' event and one first closure per petition (0003 contract); the first reopening
    -- carries reopen_count 1, or 0 when the petition was first seen already reopened (see 0012).
    WHERE s.status = 'new'
        OR (s.status IN ('resolved', 'rejected') AND s.reopen_count = 0)
        OR (s.status = 'reopened' AND s.reopen_count <= 1)
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, unit_code, category, day
-- statement-break

INSERT INTO {{local "petition_kpi_cube"}}
SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.unit, '') AS unit_code,
    if(bitTest(g, 2), e.cat, '') AS category,
    k.1 AS day,
    sum(k.2) AS received,
    sum(k.3) AS due,
    sum(k.4) AS closed,
    sum(k.5) AS on_time,
    sum(k.6) AS end_due,
    sum(k.7) AS reopened
FROM
(
    SELECT
        s.ward_code AS ward, s.unit_code AS unit, s.category AS cat,
        multiIf(s.status = 'new',
            [(toDate(s.received_at), 1, 0, 0, 0, 0, 0), (toDate(s.due_at), 0, 1, 0, 0, 0, 0)],
            s.status = 'reopened',
            [(toDate(s.event_at), 0, 0, 0, 0, 0, 1)],
            [(toDate(assumeNotNull(s.closed_at)), 0, 0, 1, toUInt8(assumeNotNull(s.closed_on_time)), 0, 0),
             (greatest(toDate(assumeNotNull(s.closed_at)), toDate(s.due_at)), 0, 0, 0, 0, 1, 0)]) AS ks
    FROM {{local "petition_events"}} AS s
    WHERE s.status = 'new'
        OR (s.status IN ('resolved', 'rejected') AND s.reopen_count = 0)
        OR (s.status = 'reopened' AND s.reopen_count <= 1)
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, unit_code, category, day
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "petition_handling_cube"}} {{onCluster}}
(
    -- As petition_kpi_cube; unit_code is the unit that answered.
    grouping UInt8,
    ward_code LowCardinality(String),
    unit_code LowCardinality(String),
    category LowCardinality(String),
    -- toDate(closed_at) of the first closure
    day Date,
    -- handling_hours: closed_at - received_at in whole hours, rounded down, at most 65535;
    -- forward_minutes: forwarded_at - received_at in whole minutes, rounded down, at most 65534,
    -- 65535 when never forwarded.
    measure Enum8('handling_hours' = 1, 'forward_minutes' = 2),
    value UInt16,
    -- First closures with this value.
    n UInt64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (grouping, ward_code, unit_code, category, day, measure, value)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "petition_handling_cube" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "petition_handling_cube_mv"}} {{onCluster}}
TO {{local "petition_handling_cube"}}
AS SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.unit, '') AS unit_code,
    if(bitTest(g, 2), e.cat, '') AS category,
    e.d AS day,
    k.1 AS measure,
    k.2 AS value,
    count() AS n
FROM
(
    SELECT
        s.ward_code AS ward, s.unit_code AS unit, s.category AS cat,
        toDate(assumeNotNull(s.closed_at)) AS d,
        [('handling_hours', toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.closed_at)), 0), 3600), 65535))),
         ('forward_minutes', toUInt16(if(s.forwarded_at IS NULL, 65535, least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.forwarded_at)), 0), 60), 65534))))] AS ks
    FROM {{local "petition_events"}} AS s
    -- The first closure of a petition: one event per id (0003 contract).
    WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, unit_code, category, day, measure, value
-- statement-break

INSERT INTO {{local "petition_handling_cube"}}
SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.unit, '') AS unit_code,
    if(bitTest(g, 2), e.cat, '') AS category,
    e.d AS day,
    k.1 AS measure,
    k.2 AS value,
    count() AS n
FROM
(
    SELECT
        s.ward_code AS ward, s.unit_code AS unit, s.category AS cat,
        toDate(assumeNotNull(s.closed_at)) AS d,
        [('handling_hours', toUInt16(least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.closed_at)), 0), 3600), 65535))),
         ('forward_minutes', toUInt16(if(s.forwarded_at IS NULL, 65535, least(intDiv(greatest(dateDiff('second', s.received_at, assumeNotNull(s.forwarded_at)), 0), 60), 65534))))] AS ks
    FROM {{local "petition_events"}} AS s
    WHERE s.status IN ('resolved', 'rejected') AND s.reopen_count = 0
) AS e
ARRAY JOIN e.ks AS k
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, unit_code, category, day, measure, value
-- statement-break

CREATE TABLE IF NOT EXISTS {{local "post_kpi_cube"}} {{onCluster}}
(
    -- Bit mask of the dimensions kept: 1 ward_code, 2 platform, 4 topic ('' where left out).
    grouping UInt8,
    ward_code LowCardinality(String),
    platform LowCardinality(String),
    topic LowCardinality(String),
    -- toDate(published_at)
    day Date,
    posts UInt64,
    negative UInt64,
    positive UInt64,
    -- Each post weighs 1 + likes + shares + comments (as at its first delivery): the weights'
    -- sum and the sum of sentiment × weight.
    weight UInt64,
    weighted_sentiment Float64
)
ENGINE = {{engine "SummingMergeTree"}}
PARTITION BY toYear(day)
ORDER BY (grouping, ward_code, platform, topic, day)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "post_kpi_cube" "rand()"}}
-- statement-break

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "post_kpi_cube_mv"}} {{onCluster}}
TO {{local "post_kpi_cube"}}
AS SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.plat, '') AS platform,
    if(bitTest(g, 2), e.top, '') AS topic,
    e.d AS day,
    count() AS posts,
    countIf(e.label = 'negative') AS negative,
    countIf(e.label = 'positive') AS positive,
    sum(e.w) AS weight,
    sum(e.sent * toFloat64(e.w)) AS weighted_sentiment
FROM
(
    SELECT
        s.ward_code AS ward, toString(s.platform) AS plat, s.topic AS top,
        toDate(s.published_at) AS d, s.sentiment_label AS label, toFloat64(s.sentiment) AS sent,
        1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments) AS w
    FROM {{local "posts"}} AS s
    -- One first_seen row per post (0004 contract).
    WHERE s.first_seen
) AS e
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, platform, topic, day
-- statement-break

INSERT INTO {{local "post_kpi_cube"}}
SELECT
    g AS grouping,
    if(bitTest(g, 0), e.ward, '') AS ward_code,
    if(bitTest(g, 1), e.plat, '') AS platform,
    if(bitTest(g, 2), e.top, '') AS topic,
    e.d AS day,
    count() AS posts,
    countIf(e.label = 'negative') AS negative,
    countIf(e.label = 'positive') AS positive,
    sum(e.w) AS weight,
    sum(e.sent * toFloat64(e.w)) AS weighted_sentiment
FROM
(
    SELECT
        s.ward_code AS ward, toString(s.platform) AS plat, s.topic AS top,
        toDate(s.published_at) AS d, s.sentiment_label AS label, toFloat64(s.sentiment) AS sent,
        1 + toUInt64(s.likes) + toUInt64(s.shares) + toUInt64(s.comments) AS w
    FROM {{local "posts"}} AS s
    WHERE s.first_seen
) AS e
ARRAY JOIN range(8) AS g
GROUP BY grouping, ward_code, platform, topic, day
-- statement-break

DROP TABLE IF EXISTS {{local "dossier_due_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "dossier_end_due_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_due_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_end_due_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_close_detail_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_reopen_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "post_engagement_daily_mv"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS dossier_due_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "dossier_due_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS dossier_end_due_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "dossier_end_due_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS petition_due_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_due_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS petition_end_due_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_end_due_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS petition_close_detail_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_close_detail_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS petition_reopen_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "petition_reopen_daily"}} {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS post_engagement_daily {{onCluster}}
-- statement-break
DROP TABLE IF EXISTS {{local "post_engagement_daily"}} {{onCluster}}
