-- DossierKPIs and SeriesOf: the flows from which the dossiers open (and open past their due_at)
-- at any midnight T <= to are computed in Go: open(T) = received before T - ended before T;
-- overdue(T) = received with due day before T - ended before T with due day before T. Each flow
-- is returned by the day from which it counts, so that every count at T is a sum over days < T:
-- 'in' by reception day, 'out' by end day, 'due' by due day, 'end_due' by the later of end day
-- and due day (ended before T and due before T). Withdrawn dossiers count as ended (they are no
-- longer open). From the rollups of 0005 and 0012, over all days before to (the count at T
-- depends on the whole history).
-- Parameters: to Date (exclusive); unit, ward, field String ('' means all).
-- Row: kind String ('in', 'out', 'due', 'end_due'), day String (YYYY-MM-DD), n UInt64.
SELECT 'in' AS kind, toString(r.day) AS day, sum(r.received) AS n
FROM dossier_intake_daily AS r
WHERE r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day
UNION ALL
SELECT 'out' AS kind, toString(r.day) AS day, sum(r.ended) AS n
FROM dossier_outcome_daily AS r
WHERE r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day
UNION ALL
SELECT 'due' AS kind, toString(r.due_day) AS day, sum(r.received) AS n
FROM dossier_due_daily AS r
WHERE r.due_day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.due_day
UNION ALL
SELECT 'end_due' AS kind, toString(r.day) AS day, sum(r.ended) AS n
FROM dossier_end_due_daily AS r
WHERE r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day
