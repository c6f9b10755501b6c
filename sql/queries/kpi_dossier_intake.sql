-- DossierKPIs and SeriesOf, intake side: dossiers received and how many of them online (the 766
-- online-submission share), per bucket, from dossier_intake_daily (exact: one 'received' event
-- per dossier).
-- Parameters: from, to Date (local days, half-open: from <= day < to; day is the rollup's first key
-- column); grain String ('day', 'week', 'month'; anything else puts the whole period in one bucket
-- starting at from); unit, ward, field String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: bucket String (YYYY-MM-DD, the bucket's first day), received UInt64, online UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.received) AS received,
    sumIf(r.received, r.channel = 'online') AS online
FROM dossier_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY bucket
