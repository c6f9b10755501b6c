-- DetectAlerts, drivers of an overdue alert: dossiers of one unit that ended late, by procedure,
-- in the alert's days and in its baseline days. Reads dossier_events by its key (status,
-- unit_code, event_at): at most one terminal event per dossier; withdrawals left out.
-- Parameters: unit String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (procedure), name String, observed UInt64, base UInt64.
SELECT e.procedure_code AS code, any(e.procedure_name) AS name,
    countIf(e.event_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh')) AS observed,
    countIf(e.event_at < toDateTime({bto:Date}, 'Asia/Ho_Chi_Minh')) AS base
FROM dossier_events AS e
WHERE e.status IN ('completed', 'returned', 'rejected') AND e.unit_code = {unit:String}
    AND e.event_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh')
    AND e.event_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
    AND NOT assumeNotNull(e.ended_on_time)
GROUP BY e.procedure_code
