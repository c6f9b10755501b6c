-- Rankings, the 766 petition ratios per handling unit for a period (group 5):
--   closed, on_time      petition_outcome_daily: first closures in the period, and those answered
--                        by their due time ("petitions handled on time")
--   rated, satisfied     petitions FINAL received in the period (received_at is the first key
--                        column) and rated, by the unit now handling them: "petition handling
--                        satisfaction"
-- Parameters: from, to Date (local days, half-open); from_time, to_time DateTime (the same bounds
-- as local midnights, for received_at).
-- Rows: unit_code String; closed, on_time, rated, satisfied UInt64.
SELECT
    unit_code,
    sum(closed) AS closed,
    sum(on_time) AS on_time,
    sum(rated) AS rated,
    sum(satisfied) AS satisfied
FROM
(
    SELECT toString(o.unit_code) AS unit_code, o.closed AS closed, o.on_time AS on_time,
        0 AS rated, 0 AS satisfied
    FROM petition_outcome_daily AS o
    WHERE o.day >= {from:Date} AND o.day < {to:Date}
    UNION ALL
    SELECT toString(p.unit_code), 0, 0,
        toUInt64(p.satisfaction IS NOT NULL), toUInt64(ifNull(p.satisfaction = 'satisfied', false))
    FROM petitions AS p FINAL
    WHERE p.received_at >= {from_time:DateTime} AND p.received_at < {to_time:DateTime}
)
WHERE unit_code != ''
GROUP BY unit_code
