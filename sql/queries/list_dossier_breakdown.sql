-- DossierBreakdown: dossiers of a period by field or by channel: received and received online
-- (intake rollup), ended and ended on time (outcome rollup, withdrawals left out as in the
-- outcome KPIs of kpi_dossier_outcome.sql).
-- Parameters: from, to Date (half-open local days; day is the rollups' first key column); by
-- String ('field' or 'channel'); unit, ward, field String ('' means all).
-- Measures are read as r.<column> (see kpi_dossier_intake.sql).
-- Row: key String, received UInt64, online UInt64, ended UInt64, on_time UInt64.
SELECT key, sum(received) AS received, sum(online) AS online, sum(ended) AS ended, sum(on_time) AS on_time
FROM
(
    SELECT if({by:String} = 'channel', toString(r.channel), toString(r.field)) AS key,
        sum(r.received) AS received, sumIf(r.received, r.channel = 'online') AS online,
        toUInt64(0) AS ended, toUInt64(0) AS on_time
    FROM dossier_intake_daily AS r
    WHERE r.day >= {from:Date} AND r.day < {to:Date}
        AND ({unit:String} = '' OR r.unit_code = {unit:String})
        AND ({ward:String} = '' OR r.ward_code = {ward:String})
        AND ({field:String} = '' OR r.field = {field:String})
    GROUP BY key
    UNION ALL
    SELECT if({by:String} = 'channel', toString(r.channel), toString(r.field)) AS key,
        toUInt64(0) AS received, toUInt64(0) AS online, sum(r.ended) AS ended, sum(r.on_time) AS on_time
    FROM dossier_outcome_daily AS r
    WHERE r.day >= {from:Date} AND r.day < {to:Date}
        AND r.status != 'withdrawn'
        AND ({unit:String} = '' OR r.unit_code = {unit:String})
        AND ({ward:String} = '' OR r.ward_code = {ward:String})
        AND ({field:String} = '' OR r.field = {field:String})
    GROUP BY key
)
GROUP BY key
ORDER BY key
