-- PetitionKPIs and SeriesOf: petitions reopened for the first time in a period (by the local day
-- of the reopening), per bucket, from petition_reopen_daily (0012).
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, unit, category String ('' means all).
-- Row: bucket String, reopened UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.reopened) AS reopened
FROM petition_reopen_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY bucket
