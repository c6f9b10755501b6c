-- DossierKPIs and SeriesOf, intake side: dossiers received and how many of them online (the 766
-- online-submission share), per bucket, from dossier_kpi_cube (0014; exact: one 'received' event
-- per dossier). The scope picks one grouping of the cube (1 unit, 2 ward, 4 field), so the read
-- is a prefix of its key and a range of days.
-- Parameters: from, to Date (local days, half-open: from <= day < to); grain String ('day',
-- 'week', 'month'; anything else puts the whole period in one bucket starting at from); unit,
-- ward, field String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: bucket String (YYYY-MM-DD, the bucket's first day), received UInt64, online UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.received) AS received,
    sum(r.online) AS online
FROM dossier_kpi_cube AS r
WHERE r.grouping = ({unit:String} != '') + 2 * ({ward:String} != '') + 4 * ({field:String} != '')
    AND r.unit_code = {unit:String} AND r.ward_code = {ward:String} AND r.field = {field:String}
    AND r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY bucket
