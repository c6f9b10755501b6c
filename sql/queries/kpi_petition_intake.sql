-- PetitionKPIs and SeriesOf, intake side: petitions received, per bucket, from
-- petition_intake_daily (exact: one 'new' event per petition). No unit filter: the handling unit
-- is rarely known at reception.
-- Parameters: from, to Date (half-open local days; day is the rollup's first key column); grain
-- String (see kpi_dossier_intake.sql); ward, category String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: bucket String, received UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.received) AS received
FROM petition_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY bucket
