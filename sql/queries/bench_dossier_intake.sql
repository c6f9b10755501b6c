-- Benchmark (bench/): the intake side of DossierKPIs as a BI tool would ask the base table — the
-- latest state of every dossier (dossiers FINAL) received in the period. The rollup answer is
-- kpi_dossier_intake.sql; the two must agree.
-- Parameters: from, to DateTime (local midnights, half-open). Row: received, online UInt64.
SELECT
    count() AS received,
    countIf(channel = 'online') AS online
FROM dossiers FINAL
WHERE received_at >= {from:DateTime} AND received_at < {to:DateTime}
