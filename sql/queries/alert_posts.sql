-- DetectAlerts, posts: negative posts per local publication day, ward and topic, from post_daily
-- (exact: one first_seen row per post). Posts naming no ward are left out.
-- Parameters: from, to Date (local days, half-open).
-- Row: day String (YYYY-MM-DD), a String (ward code), b String (topic), n UInt64 (negative).
SELECT toString(r.day) AS day, r.ward_code AS a, r.topic AS b, sum(r.negative) AS n
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date} AND r.ward_code != ''
GROUP BY r.day, r.ward_code, r.topic
HAVING n > 0
