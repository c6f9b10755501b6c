-- DetectAlerts, petitions: city-wide petitions received per local day and category, from
-- petition_intake_daily, for the day factors and the year-on-year seasonal index of each category.
-- Parameters: from, to Date (local days, half-open).
-- Row: day String (YYYY-MM-DD), a String ('' : the city), b String (category), n UInt64.
SELECT toString(r.day) AS day, '' AS a, r.category AS b, sum(r.received) AS n
FROM petition_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY r.day, r.category
