-- DetectAlerts, drivers of a city-wide negative-posts alert: negative posts of one topic by the
-- ward they name ('' when none), in the alert's days and in its baseline days, from post_daily.
-- Parameters: topic String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (ward code), name String (''), observed UInt64, base UInt64.
SELECT r.ward_code AS code, '' AS name,
    sumIf(r.negative, r.day >= {from:Date}) AS observed,
    sumIf(r.negative, r.day < {bto:Date}) AS base
FROM post_daily AS r
WHERE r.day >= {bfrom:Date} AND r.day < {to:Date} AND r.topic = {topic:String}
GROUP BY r.ward_code
