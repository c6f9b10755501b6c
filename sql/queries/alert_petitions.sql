-- DetectAlerts, petitions: petitions received per local day, ward and category, from
-- petition_intake_daily (exact: one 'new' event per petition). Petitions with no ward are left
-- out (they cannot be placed); the city-wide totals of the day model come from
-- alert_petitions_city.
-- Parameters: from, to Date (local days, half-open; day is the rollup's first key column).
-- Row: day String (YYYY-MM-DD), a String (ward code), b String (category), n UInt64.
SELECT toString(r.day) AS day, r.ward_code AS a, r.category AS b, sum(r.received) AS n
FROM petition_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date} AND r.ward_code != ''
GROUP BY r.day, r.ward_code, r.category
HAVING n > 0
