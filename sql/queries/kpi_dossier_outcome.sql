-- DossierKPIs and SeriesOf, outcome side: dossiers that ended in a period (by the local day of
-- ended_at), how many on time (ended_on_time of 0002: end <= effective_due_at, at most one
-- supplement request) and early, the flags as at the end (fee-bearing, paid online, digitised,
-- electronic result) and the processing time net of supplement pauses, per bucket, from
-- dossier_outcome_daily (exact: at most one terminal event per dossier).
-- Withdrawn dossiers are left out: DOMAIN §3 judges a dossier by its completion, return or
-- rejection; a withdrawal is the applicant's act, not the unit's handling.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- unit, ward, field String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: bucket String; ended, on_time, early, fee_bearing, paid_online, digitized, e_result UInt64;
-- net_seconds Int64 (sum of processing seconds minus sum of paused seconds).
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.ended) AS ended,
    sum(r.on_time) AS on_time,
    sum(r.early) AS early,
    sum(r.fee_bearing) AS fee_bearing,
    sum(r.paid_online) AS paid_online,
    sum(r.digitized) AS digitized,
    sum(r.e_result) AS e_result,
    toInt64(sum(r.processing_seconds)) - toInt64(sum(r.paused_seconds)) AS net_seconds
FROM dossier_outcome_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND r.status != 'withdrawn'
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({field:String} = '' OR r.field = {field:String})
GROUP BY bucket
