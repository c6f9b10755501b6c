-- DetectAlerts, dossiers: dossiers falling due per local day (of due_at as received) and unit,
-- and of those the late ones, from dossier_late_daily (0013): late are those that did not end on
-- time (ended_on_time, 0002: not after the due time pushed back by supplement pauses, with at
-- most one supplement request) — ended late, or still open past their day. Only days before
-- the as-of day (and before today) count, so a day is judged once it has run out; withdrawals
-- are left out, as in the on-time rate.
-- Parameters: from, to Date (local days, half-open); asof DateTime.
-- Row: day String (YYYY-MM-DD), a String (unit code), b String (''), n UInt64 (late),
-- m UInt64 (due).
SELECT toString(r.due_day) AS day, r.unit_code AS a, '' AS b,
    toUInt64(greatest(sum(r.due) - sum(r.withdrawn) - sum(r.on_time), 0)) AS n,
    toUInt64(greatest(sum(r.due) - sum(r.withdrawn), 0)) AS m
FROM dossier_late_daily AS r
WHERE r.due_day >= {from:Date} AND r.due_day < {to:Date}
    AND r.due_day < least(toDate({asof:DateTime('Asia/Ho_Chi_Minh')}), today())
GROUP BY r.due_day, r.unit_code
HAVING m > 0
