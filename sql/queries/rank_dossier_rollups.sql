-- Rankings, the 766 ratios the dossier rollups hold, per unit for a period (exact: one 'received'
-- and at most one terminal event per dossier, 0005):
--   received, online              dossier_intake_daily: online submission share (group 4)
--   ended, e_result, digitized, fee_bearing, paid_online    dossier_outcome_daily, dossiers that
--                                 ended in the period (completed, returned or rejected; withdrawn
--                                 left out as in kpi_dossier_outcome): electronic results and
--                                 digitisation (group 3), online payment of fee-bearing dossiers
--                                 (group 4)
-- Parameters: from, to Date (local days, half-open; day is the rollups' first key column).
-- Rows: unit_code String; received, online, ended, e_result, digitized, fee_bearing, paid_online
-- UInt64. A unit with neither intake nor outcome in the period has no row.
SELECT
    unit_code,
    sum(received) AS received,
    sum(online) AS online,
    sum(ended) AS ended,
    sum(e_result) AS e_result,
    sum(digitized) AS digitized,
    sum(fee_bearing) AS fee_bearing,
    sum(paid_online) AS paid_online
FROM
(
    SELECT
        toString(i.unit_code) AS unit_code,
        i.received AS received,
        if(i.channel = 'online', i.received, 0) AS online,
        0 AS ended, 0 AS e_result, 0 AS digitized, 0 AS fee_bearing, 0 AS paid_online
    FROM dossier_intake_daily AS i
    WHERE i.day >= {from:Date} AND i.day < {to:Date}
    UNION ALL
    SELECT
        toString(o.unit_code), 0, 0, o.ended, o.e_result, o.digitized, o.fee_bearing, o.paid_online
    FROM dossier_outcome_daily AS o
    WHERE o.day >= {from:Date} AND o.day < {to:Date} AND o.status != 'withdrawn'
)
GROUP BY unit_code
