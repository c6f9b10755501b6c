-- DetectAlerts, drivers of the overdue alerts of one detection, read at once: the late dossiers
-- (as alert_dossier_due counts them: due - withdrawn - ended on time, from dossier_late_daily) of
-- the alerts' units by unit, procedure and local due day, from the earliest alert's baseline to
-- the latest alert's end, days before today only. Each alert then sums the rows of its unit whose
-- due day falls in its days (observed) or its baseline days (base).
-- Parameters: units Array(String); bfrom Date (the earliest baseline start); to Date (the latest
-- alert end, exclusive).
-- Row: unit String, code String (procedure), name String, due String (YYYY-MM-DD), n UInt64
-- (late).
SELECT r.unit_code AS unit, r.procedure_code AS code, any(r.procedure_name) AS name, toString(r.due_day) AS due,
    toUInt64(greatest(sum(r.due) - sum(r.withdrawn) - sum(r.on_time), 0)) AS n
FROM dossier_late_daily AS r
WHERE r.unit_code IN {units:Array(String)}
    AND r.due_day >= {bfrom:Date} AND r.due_day < {to:Date} AND r.due_day < today()
GROUP BY unit, code, due
HAVING n > 0
