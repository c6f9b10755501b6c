-- Benchmark (bench/): the 766 ratios that Rankings reads from the rollups (rank_dossier_rollups and
-- rank_petitions' first part), computed per unit from the base tables instead: intake and outcome
-- from dossiers FINAL (the outcome filter on ended_at reads every dossier), first petition closures
-- from petition_events. The rollup answers must agree unit by unit. (The ratios Rankings already
-- reads from dossiers FINAL and petitions FINAL, rank_dossiers.sql, are the same in both.)
-- Parameters: from, to DateTime.
-- Rows: unit_code String; received, online, ended, e_result, digitized, fee_bearing, paid_online,
-- closed, on_time UInt64.
SELECT
    unit_code,
    sum(received) AS received, sum(online) AS online, sum(ended) AS ended, sum(e_result) AS e_result,
    sum(digitized) AS digitized, sum(fee_bearing) AS fee_bearing, sum(paid_online) AS paid_online,
    sum(closed) AS closed, sum(on_time) AS on_time
FROM
(
    SELECT
        toString(unit_code) AS unit_code,
        toUInt64(received_at >= {from:DateTime} AND received_at < {to:DateTime}) AS received,
        toUInt64(received_at >= {from:DateTime} AND received_at < {to:DateTime} AND channel = 'online') AS online,
        toUInt64(is_ended) AS ended,
        toUInt64(is_ended AND e_result) AS e_result,
        toUInt64(is_ended AND digitized) AS digitized,
        toUInt64(is_ended AND fee_vnd > 0) AS fee_bearing,
        toUInt64(is_ended AND fee_vnd > 0 AND paid_online) AS paid_online,
        toUInt64(0) AS closed, toUInt64(0) AS on_time
    FROM
    (
        SELECT *, status IN ('completed', 'returned', 'rejected')
            AND ifNull(ended_at >= {from:DateTime} AND ended_at < {to:DateTime}, false) AS is_ended
        FROM dossiers FINAL
        WHERE received_at < {to:DateTime}
    )
    WHERE received = 1 OR is_ended
    UNION ALL
    SELECT toString(unit_code), 0, 0, 0, 0, 0, 0, 0, 1, toUInt64(ifNull(closed_on_time, false))
    FROM petition_events
    WHERE status IN ('resolved', 'rejected') AND reopen_count = 0
        AND closed_at >= {from:DateTime} AND closed_at < {to:DateTime} AND unit_code != ''
)
GROUP BY unit_code
