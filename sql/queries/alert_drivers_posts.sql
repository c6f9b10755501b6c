-- DetectAlerts, drivers of a negative-posts alert: negative posts of one ward and topic by
-- platform, in the alert's days and in its baseline days, from post_daily.
-- Parameters: ward, topic String; bfrom, bto Date (baseline, half-open); from, to Date (the
-- alert's days, half-open; bto <= from).
-- Row: code String (platform), name String (''), observed UInt64, base UInt64.
SELECT toString(r.platform) AS code, '' AS name,
    sumIf(r.negative, r.day >= {from:Date}) AS observed,
    sumIf(r.negative, r.day < {bto:Date}) AS base
FROM post_daily AS r
WHERE r.day >= {bfrom:Date} AND r.day < {to:Date}
    AND r.ward_code = {ward:String} AND r.topic = {topic:String}
GROUP BY r.platform
