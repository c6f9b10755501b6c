-- PetitionKPIs and SeriesOf: ratings of the petitions received in a period, per bucket of the
-- reception day, from petitions FINAL filtered on received_at (its key's first column): ratings
-- arrive after the closure and no event records them (0003), so no rollup counts them exactly.
-- Parameters: start, end DateTime (local midnights, half-open); from Date; grain String (see
-- kpi_dossier_intake.sql); ward, unit (the current handling unit), category String.
-- Row: bucket String, rated UInt64, satisfied UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', toDate(p.received_at), {grain:String} = 'week', toMonday(p.received_at),
        {grain:String} = 'month', toStartOfMonth(p.received_at), {from:Date})) AS bucket,
    countIf(p.satisfaction IS NOT NULL) AS rated,
    countIf(p.satisfaction = 'satisfied') AS satisfied
FROM petitions AS p FINAL
WHERE p.received_at >= {start:DateTime} AND p.received_at < {end:DateTime}
    AND ({ward:String} = '' OR p.ward_code = {ward:String})
    AND ({unit:String} = '' OR p.unit_code = {unit:String})
    AND ({category:String} = '' OR p.category = {category:String})
GROUP BY bucket
