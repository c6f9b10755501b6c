-- PostKPIs and SeriesOf: posts published in a period, their tone and their engagement-weighted
-- tone (each post weighs 1 + likes + shares + comments as at its first delivery), per bucket,
-- from post_kpi_cube (0014; exact: one first_seen row per post). The scope picks one grouping of
-- the cube (1 ward, 2 platform, 4 topic): a prefix of its key and a range of days.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, platform, topic String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: bucket String; posts, negative, positive, weight UInt64; weighted_sentiment Float64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive,
    sum(r.weight) AS weight,
    sum(r.weighted_sentiment) AS weighted_sentiment
FROM post_kpi_cube AS r
WHERE r.grouping = ({ward:String} != '') + 2 * ({platform:String} != '') + 4 * ({topic:String} != '')
    AND r.ward_code = {ward:String} AND r.platform = {platform:String} AND r.topic = {topic:String}
    AND r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY bucket
