-- DetectAlerts, drivers of a petition alert: petitions of one ward and category by subcategory,
-- in the alert's days and in its baseline days, from petition_intake_daily.
-- Parameters: ward, category String; bfrom, bto Date (baseline, half-open); from, to Date (the
-- alert's days, half-open; bto <= from).
-- Row: code String (subcategory), name String (''), observed UInt64, base UInt64.
SELECT r.subcategory AS code, '' AS name,
    sumIf(r.received, r.day >= {from:Date}) AS observed,
    sumIf(r.received, r.day < {bto:Date}) AS base
FROM petition_intake_daily AS r
WHERE r.day >= {bfrom:Date} AND r.day < {to:Date}
    AND r.ward_code = {ward:String} AND r.category = {category:String}
GROUP BY r.subcategory
