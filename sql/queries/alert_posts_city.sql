-- DetectAlerts, posts: city-wide negative posts per local day and topic, from post_daily, for
-- the day factors and the year-on-year seasonal index of each topic.
-- Parameters: from, to Date (local days, half-open).
-- Row: day String (YYYY-MM-DD), a String ('' : the city), b String (topic), n UInt64 (negative).
SELECT toString(r.day) AS day, '' AS a, r.topic AS b, sum(r.negative) AS n
FROM post_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY r.day, r.topic
