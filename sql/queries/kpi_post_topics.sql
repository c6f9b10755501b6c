-- PostTopics: posts of a period by topic (share of voice) with their tone, from post_daily.
-- Parameters: from, to Date (half-open local days); ward, platform String ('' means all).
-- Row: key String (the topic; '' when none was inferred), posts, negative, positive UInt64.
SELECT
    toString(r.topic) AS key,
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
GROUP BY key
