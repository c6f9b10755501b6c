-- PostBreakdown: posts of a period by platform, with their tone, from post_daily (exact: one
-- first_seen row per post). The topic side is kpi_post_topics.sql (PostTopics).
-- Parameters: from, to Date (half-open local days); ward, platform, topic String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: key String (the platform), posts, negative, positive UInt64.
SELECT
    toString(r.platform) AS key,
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
    AND ({topic:String} = '' OR r.topic = {topic:String})
GROUP BY key
