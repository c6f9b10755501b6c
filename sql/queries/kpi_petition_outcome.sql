-- PetitionKPIs and SeriesOf, outcome side: petitions closed for the first time (by the local day
-- of closed_at) and how many of them by due_at (closed_on_time of 0003), per bucket, from
-- petition_outcome_daily (exact: one first-closure event per petition; re-closures after a
-- reopening are not counted).
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, unit (the handling unit that answered), category String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: bucket String, closed UInt64, on_time UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.closed) AS closed,
    sum(r.on_time) AS on_time
FROM petition_outcome_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY bucket
