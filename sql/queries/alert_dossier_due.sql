-- DetectAlerts, dossiers: dossiers falling due per local day (of the effective due time: due_at
-- pushed back by supplement pauses) and unit, and of those the late ones as known at {asof}:
-- ended after the effective due time or after two supplement requests (ended_on_time, 0002), or
-- still open past it. Only due times before min(asof, now()) count, so a dossier is judged once
-- its time has run out; withdrawals are left out, as in the on-time rate. Dossiers are received
-- at most 180 days before they fall due (the longest legal time is far shorter), which prunes the
-- partitions.
-- Parameters: from, to Date (local days, half-open); asof DateTime.
-- Row: day String (YYYY-MM-DD), a String (unit code), b String (''), n UInt64 (late),
-- m UInt64 (due).
SELECT toString(toDate(d.effective_due_at)) AS day, d.unit_code AS a, '' AS b,
    countIf(d.supplement_count > 1 OR ifNull(d.ended_at, {asof:DateTime('Asia/Ho_Chi_Minh')}) > d.effective_due_at) AS n,
    count() AS m
FROM dossiers AS d FINAL
WHERE d.received_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh') - INTERVAL 180 DAY
    AND d.received_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at < least({asof:DateTime('Asia/Ho_Chi_Minh')}, now())
    AND d.status != 'withdrawn'
GROUP BY day, a
