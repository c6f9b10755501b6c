-- DossierKPIs, intake side: dossiers received in a period and how many of them online (the 766
-- online-submission share), from dossier_intake_daily (exact: one 'received' event per dossier).
-- Parameters: from, to Date (local days, half-open: from <= day < to; day is the rollup's first key
-- column); unit, ward, field String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: received UInt64, online UInt64.
SELECT
    sum(r.received) AS received,
    sumIf(r.received, r.channel = 'online') AS online
FROM dossier_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
