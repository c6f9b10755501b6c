-- PostKPIs and SeriesOf: the engagement-weighted tone of the posts published in a period (each
-- post weighs 1 + likes + shares + comments as at its first delivery), per bucket, from
-- post_engagement_daily (0012).
-- Parameters: as kpi_posts.sql.
-- Row: bucket String, weight UInt64, weighted_sentiment Float64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.weight) AS weight,
    sum(r.weighted_sentiment) AS weighted_sentiment
FROM post_engagement_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
    AND ({topic:String} = '' OR r.topic = {topic:String})
GROUP BY bucket
