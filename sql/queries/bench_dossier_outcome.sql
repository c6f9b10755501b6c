-- Benchmark (bench/): the outcome side of DossierKPIs over the base table — dossiers whose latest
-- state ended (completed, returned, rejected; withdrawn left out) in the period. ended_at is not in
-- the sorting key, so this reads every dossier: what a BI tool's "ended this month" costs without
-- the rollup. The rollup answer is kpi_dossier_outcome.sql; the two must agree.
-- Parameters: from, to DateTime. Row: ended, on_time, early, fee_bearing, paid_online, digitized,
-- e_result UInt64.
SELECT
    count() AS ended,
    countIf(ended_on_time) AS on_time,
    countIf(ended_on_time AND toDate(assumeNotNull(ended_at)) < toDate(effective_due_at)) AS early,
    countIf(fee_vnd > 0) AS fee_bearing,
    countIf(fee_vnd > 0 AND paid_online) AS paid_online,
    countIf(digitized) AS digitized,
    countIf(e_result) AS e_result
FROM dossiers FINAL
WHERE status IN ('completed', 'returned', 'rejected')
    AND ended_at >= {from:DateTime} AND ended_at < {to:DateTime}
