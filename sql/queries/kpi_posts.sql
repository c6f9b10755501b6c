-- PostKPIs: posts published in a period and their tone, from post_daily (exact: one first_seen
-- row per post).
-- Parameters: from, to Date (local days, half-open: from <= day < to; day is the rollup's first key
-- column); ward, platform String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: posts, negative, positive, all UInt64.
SELECT
    sum(r.posts) AS posts,
    sum(r.negative) AS negative,
    sum(r.positive) AS positive
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({platform:String} = '' OR toString(r.platform) = {platform:String})
