-- DetectAlerts, drivers of a ward's negative-posts alert on every topic: the ward's negative
-- posts by topic, in the alert's days and in its baseline days, from post_daily.
-- Parameters: ward String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (topic), name String (''), observed UInt64, base UInt64.
SELECT r.topic AS code, '' AS name,
    sumIf(r.negative, r.day >= {from:Date}) AS observed,
    sumIf(r.negative, r.day < {bto:Date}) AS base
FROM post_daily AS r
WHERE r.day >= {bfrom:Date} AND r.day < {to:Date} AND r.ward_code = {ward:String}
GROUP BY r.topic
