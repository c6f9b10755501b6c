-- DossierKPIs and SeriesOf: the histogram of net processing time (quarter days, rounded down) of
-- the dossiers that ended in a period, withdrawals left out, per bucket, from
-- dossier_processing_daily (0012); the median and p90 are read from it in Go.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- unit, ward, field String ('' means all).
-- Row: bucket String, value UInt32 (processing_quarters), n UInt64 (dossiers).
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    toUInt32(r.processing_quarters) AS value,
    sum(r.ended) AS n
FROM dossier_processing_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY bucket, value
