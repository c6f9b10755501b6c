-- DetectAlerts, drivers of an overdue alert: dossiers of one unit that fell due in the alert's
-- days and in its baseline days and were late (as alert_dossier_due counts them: ended after the
-- effective due time or after two supplement requests, or still open past it at the alert's
-- end), by procedure. Withdrawals are left out.
-- Parameters: unit String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (procedure), name String, observed UInt64, base UInt64.
SELECT d.procedure_code AS code, any(d.procedure_name) AS name,
    countIf(d.effective_due_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh')) AS observed,
    countIf(d.effective_due_at < toDateTime({bto:Date}, 'Asia/Ho_Chi_Minh')) AS base
FROM dossiers AS d FINAL
WHERE d.unit_code = {unit:String} AND d.status != 'withdrawn'
    AND d.received_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh') - INTERVAL 180 DAY
    AND d.received_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at < least(toDateTime({to:Date}, 'Asia/Ho_Chi_Minh'), now())
    AND (d.supplement_count > 1 OR ifNull(d.ended_at, toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')) > d.effective_due_at)
GROUP BY d.procedure_code
