-- DetectAlerts, drivers of the overdue alerts of one detection, read at once: the dossiers of the
-- alerts' units that fell due from the earliest alert's baseline to the latest alert's end and
-- were late (as alert_dossier_due counts them: ended after the effective due time or after two
-- supplement requests, or still open past it), by unit, procedure, local due day and local day of
-- receipt. Withdrawals are left out. dossiers is sorted by received_at, not unit: one scan for all
-- the alerts, where a query per alert read the same months again each time. Each alert then sums
-- the rows of its unit whose due day falls in its days (observed) or its baseline days (base) and
-- whose receipt falls in [its baseline start - 180 days, its end), which makes the figures those
-- of the alert's own range exactly: a dossier open past a due time before the alert's end is
-- late whatever that end.
-- Parameters: units Array(String); bfrom Date (the earliest baseline start); to Date (the latest
-- alert end, exclusive).
-- Row: unit String, code String (procedure), name String, due String (YYYY-MM-DD), received
-- String (YYYY-MM-DD), n UInt64 (late).
SELECT d.unit_code AS unit, d.procedure_code AS code, any(d.procedure_name) AS name,
    toString(toDate(d.effective_due_at)) AS due, toString(toDate(d.received_at)) AS received, count() AS n
FROM dossiers AS d FINAL
WHERE d.unit_code IN {units:Array(String)} AND d.status != 'withdrawn'
    AND d.received_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh') - INTERVAL 180 DAY
    AND d.received_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh')
    AND d.effective_due_at < least(toDateTime({to:Date}, 'Asia/Ho_Chi_Minh'), now())
    AND (d.supplement_count > 1 OR d.ended_at IS NULL OR d.ended_at > d.effective_due_at)
GROUP BY unit, code, due, received
