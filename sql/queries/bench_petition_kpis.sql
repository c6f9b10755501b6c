-- Benchmark (bench/): PetitionKPIs over base tables — petitions received in the period (petitions
-- FINAL) and first closures in the period with those on time (the first closed event of each
-- petition in petition_events: reopen_count = 0). Rollup answers: kpi_petition_intake.sql and
-- kpi_petition_outcome.sql; they must agree.
-- Parameters: from, to DateTime. Row: received, closed, on_time UInt64.
SELECT
    (SELECT count() FROM petitions FINAL
        WHERE received_at >= {from:DateTime} AND received_at < {to:DateTime}) AS received,
    c.closed AS closed,
    c.on_time AS on_time
FROM
(
    SELECT count() AS closed, countIf(closed_on_time) AS on_time
    FROM petition_events
    WHERE status IN ('resolved', 'rejected') AND reopen_count = 0
        AND closed_at >= {from:DateTime} AND closed_at < {to:DateTime}
) AS c
