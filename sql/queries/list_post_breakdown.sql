-- PostBreakdown and PostTopics: posts of a period by platform or by topic (share of voice), with
-- their tone, from post_daily (exact: one first_seen row per post).
-- Parameters: from, to Date (half-open local days); by String ('platform', else topic); ward,
-- platform, topic String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: key String (the platform or topic; '' when no topic was inferred), posts, negative,
-- positive UInt64.
SELECT
    if({by:String} = 'platform', toString(r.platform), toString(r.topic)) AS key,
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
    AND ({topic:String} = '' OR r.topic = {topic:String})
GROUP BY key
