-- DetectAlerts, dossiers: dossiers received per local day and receiving unit, from
-- dossier_intake_daily (exact: one 'received' event per dossier). The city-wide day factors are
-- the sums over units.
-- Parameters: from, to Date (local days, half-open).
-- Row: day String (YYYY-MM-DD), a String (unit code), b String (''), n UInt64.
SELECT toString(r.day) AS day, r.unit_code AS a, '' AS b, sum(r.received) AS n
FROM dossier_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY r.day, r.unit_code
