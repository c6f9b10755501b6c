-- PetitionKPIs and SeriesOf: first closures of a period as histograms of the time to answer
-- (whole hours, rounded down) and of the time to forward (whole minutes, rounded down; 65535 when
-- never forwarded), per bucket, from petition_close_detail_daily (0012). Go reads the median and
-- p90 days to answer and the share forwarded within the configured minutes from it.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, unit, category String ('' means all).
-- Row: bucket String, hours UInt32, minutes UInt32, n UInt64 (petitions).
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    toUInt32(r.handling_hours) AS hours,
    toUInt32(r.forward_minutes) AS minutes,
    sum(r.closed) AS n
FROM petition_close_detail_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({category:String} = '' OR r.category = {category:String})
GROUP BY bucket, hours, minutes
