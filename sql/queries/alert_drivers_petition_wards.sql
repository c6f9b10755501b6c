-- DetectAlerts, drivers of a city-wide petition alert: petitions of one category by ward, in the
-- alert's days and in its baseline days, from petition_intake_daily.
-- Parameters: category String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (ward code), name String (''), observed UInt64, base UInt64.
SELECT r.ward_code AS code, '' AS name,
    sumIf(r.received, r.day >= {from:Date}) AS observed,
    sumIf(r.received, r.day < {bto:Date}) AS base
FROM petition_intake_daily AS r
WHERE r.day >= {bfrom:Date} AND r.day < {to:Date} AND r.category = {category:String}
GROUP BY r.ward_code
