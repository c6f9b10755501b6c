-- PetitionKPIs and SeriesOf: first closures of a period as histograms of the time to answer
-- (whole hours, rounded down) and of the time to forward (whole minutes, rounded down; 65535 when
-- never forwarded), per bucket, from petition_handling_cube (0014). Go reads the median and p90
-- days to answer and the share forwarded within the configured minutes from them.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, unit, category String ('' means all).
-- Row: bucket String, measure String ('handling_hours' or 'forward_minutes'), value UInt32, n UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    toString(r.measure) AS measure,
    toUInt32(r.value) AS value,
    sum(r.n) AS n
FROM petition_handling_cube AS r
WHERE r.grouping = ({ward:String} != '') + 2 * ({unit:String} != '') + 4 * ({category:String} != '')
    AND r.ward_code = {ward:String} AND r.unit_code = {unit:String} AND r.category = {category:String}
    AND r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY bucket, measure, value
