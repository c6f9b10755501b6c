-- DossierKPIs and SeriesOf: the flows from which the dossiers open (and open past their due_at)
-- at any midnight T <= to are computed in Go: open(T) = received before T - ended before T;
-- overdue(T) = received with due day before T - ended before T with due day before T. Withdrawn
-- dossiers count as ended (they are no longer open). From the rollups of 0005 and 0012, over all
-- days before to (the count at T depends on the whole history).
-- Parameters: to Date (exclusive); unit, ward, field String ('' means all).
-- Row: kind String ('in', 'out', 'due', 'end_due'), day String (YYYY-MM-DD; '' for 'due'),
-- due_day String ('' for 'in' and 'out'), n UInt64.
SELECT 'in' AS kind, toString(r.day) AS day, '' AS due_day, sum(r.received) AS n
FROM dossier_intake_daily AS r
WHERE r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day
UNION ALL
SELECT 'out' AS kind, toString(r.day) AS day, '' AS due_day, sum(r.ended) AS n
FROM dossier_outcome_daily AS r
WHERE r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day
UNION ALL
SELECT 'due' AS kind, '' AS day, toString(r.due_day) AS due_day, sum(r.received) AS n
FROM dossier_due_daily AS r
WHERE r.due_day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.due_day
UNION ALL
SELECT 'end_due' AS kind, toString(r.day) AS day, toString(r.due_day) AS due_day, sum(r.ended) AS n
FROM dossier_end_detail_daily AS r
WHERE r.day < {to:Date} AND r.due_day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY r.day, r.due_day
