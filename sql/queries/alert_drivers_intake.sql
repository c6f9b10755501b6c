-- DetectAlerts, drivers of an intake alert: dossiers received by one unit by procedure, in the
-- alert's days and in its baseline days. Reads dossier_events, whose key (status, unit_code,
-- event_at) makes this a short range scan: one 'received' event per dossier, event_at =
-- received_at.
-- Parameters: unit String; bfrom, bto Date (baseline, half-open); from, to Date (the alert's
-- days, half-open; bto <= from).
-- Row: code String (procedure), name String, observed UInt64, base UInt64.
SELECT e.procedure_code AS code, any(e.procedure_name) AS name,
    countIf(e.event_at >= toDateTime({from:Date}, 'Asia/Ho_Chi_Minh')) AS observed,
    countIf(e.event_at < toDateTime({bto:Date}, 'Asia/Ho_Chi_Minh')) AS base
FROM dossier_events AS e
WHERE e.status = 'received' AND e.unit_code = {unit:String}
    AND e.event_at >= toDateTime({bfrom:Date}, 'Asia/Ho_Chi_Minh')
    AND e.event_at < toDateTime({to:Date}, 'Asia/Ho_Chi_Minh')
GROUP BY e.procedure_code
