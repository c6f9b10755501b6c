-- PostKPIs and SeriesOf: posts published in a period and their tone, per bucket, from post_daily
-- (exact: one first_seen row per post).
-- Parameters: from, to Date (half-open local days; day is the rollup's first key column); grain
-- String (see kpi_dossier_intake.sql); ward, platform, topic String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: bucket String; posts, negative, positive UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
    AND ({topic:String} = '' OR r.topic = {topic:String})
GROUP BY bucket
