-- PetitionKPIs and SeriesOf: the flows from which the backlog (received and not yet answered a
-- first time) and the overdue backlog (of those, past due_at) at any midnight T <= to are computed
-- in Go, as in kpi_dossier_open.sql: backlog(T) = received before T - first closures before T;
-- overdue(T) = received with due day before T - first closures before T with due day before T;
-- each flow by the day from which it counts. A reopened petition is counted by the reopen rate,
-- not here. No unit filter (the intake rollups do not know the handling unit).
-- Parameters: to Date (exclusive); ward, category String ('' means all).
-- Row: kind String ('in', 'out', 'due', 'end_due'), day String (YYYY-MM-DD), n UInt64.
SELECT 'in' AS kind, toString(r.day) AS day, sum(r.received) AS n
FROM petition_intake_daily AS r
WHERE r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY r.day
UNION ALL
SELECT 'out' AS kind, toString(r.day) AS day, sum(r.closed) AS n
FROM petition_outcome_daily AS r
WHERE r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY r.day
UNION ALL
SELECT 'due' AS kind, toString(r.due_day) AS day, sum(r.received) AS n
FROM petition_due_daily AS r
WHERE r.due_day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY r.due_day
UNION ALL
SELECT 'end_due' AS kind, toString(r.day) AS day, sum(r.closed) AS n
FROM petition_end_due_daily AS r
WHERE r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY r.day
