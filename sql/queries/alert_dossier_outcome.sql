-- DetectAlerts, dossiers: dossiers that ended per local day and unit, and of those the late ones
-- (ended - on_time: after the due time plus supplement pauses, or after two supplement
-- requests), from dossier_outcome_daily. Withdrawals are left out, as in the on-time rate.
-- Parameters: from, to Date (local days, half-open).
-- Row: day String (YYYY-MM-DD), a String (unit code), b String (''), n UInt64 (late),
-- m UInt64 (ended).
SELECT toString(r.day) AS day, r.unit_code AS a, '' AS b,
    toUInt64(sum(r.ended) - sum(r.on_time)) AS n, sum(r.ended) AS m
FROM dossier_outcome_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date} AND r.status != 'withdrawn'
GROUP BY r.day, r.unit_code
