-- DossierKPIs and SeriesOf: ratings of the dossiers received in a period, per bucket of the
-- reception day. From dossiers FINAL (the latest state), filtered on received_at, the first column
-- of its key: ratings arrive after the end event, which no event records (0002), so no rollup can
-- count them exactly; this is the one dossier KPI read from a base table (0005's header).
-- Parameters: start, end DateTime (local midnights, half-open); from Date (the first day, the
-- bucket of grain 'all'); grain String (see kpi_dossier_intake.sql); unit, ward, field String.
-- Row: bucket String, rated UInt64 (any rating), satisfied UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', toDate(d.received_at), {grain:String} = 'week', toMonday(d.received_at),
        {grain:String} = 'month', toStartOfMonth(d.received_at), {from:Date})) AS bucket,
    countIf(d.satisfaction IS NOT NULL) AS rated,
    countIf(d.satisfaction = 'satisfied') AS satisfied
FROM dossiers AS d FINAL
WHERE d.received_at >= {start:DateTime} AND d.received_at < {end:DateTime}
    AND ({unit:String} = '' OR d.unit_code = {unit:String})
    AND ({ward:String} = '' OR d.ward_code = {ward:String})
    AND ({field:String} = '' OR d.field = {field:String})
GROUP BY bucket
