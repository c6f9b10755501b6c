-- OverdueDossiers: the dossiers open and past their effective due time at a moment {at}, most
-- overdue first, with the number of all such dossiers beside the page of rows.
-- Latest state (dossiers FINAL), filtered on received_at, the first key column and the partition
-- key: only dossiers received in [{since}, {at}] are read (the caller bounds the look-back, one
-- year by default).
-- Open at {at}: received by then and not ended by then (ended_at of 0002 NULL, or after {at}: a
-- dossier completed after {at} was still open at {at}). Withdrawn dossiers count as ended, as in
-- the open KPIs. Overdue: effective_due_at (due_at plus supplement pauses) before {at}.
-- The open dossiers are read in two disjoint parts, so that neither reads the whole year:
--   * latest status not terminal: the status_set skip index of 0002 skips the granules of old
--     months, which hold almost only ended dossiers (exact with FINAL under the settings below);
--   * latest status terminal but ended after {at}: such a dossier has its terminal event after
--     {at} in dossier_events (one terminal event per dossier, event_at = the transition), a range
--     of that table's key (status, unit_code, event_at); their (received_at, id), the whole
--     sorting key of dossiers, then select granules through the primary index. For {at} = now the
--     set is empty and nothing is read; for a moment long past it grows with everything that
--     ended since.
-- Parameters: since, at DateTime; unit, ward, field String ('' means all); limit UInt32.
-- Rows: id, procedure_code, procedure_name, field, unit_code, unit_name, ward_code, status String;
-- received_at, due DateTime; overdue_seconds Int64; total UInt64 (all matching rows, before LIMIT).
SELECT
    d.id AS id,
    d.procedure_code AS procedure_code,
    d.procedure_name AS procedure_name,
    d.field AS field,
    d.unit_code AS unit_code,
    d.unit_name AS unit_name,
    d.ward_code AS ward_code,
    d.status_now AS status,
    d.received AS received_at,
    d.due AS due,
    dateDiff('second', d.due, {at:DateTime}) AS overdue_seconds,
    count() OVER () AS total
FROM
(
    SELECT
        id, procedure_code, procedure_name, field, unit_code, unit_name, ward_code,
        toString(status) AS status_now,
        received_at AS received,
        effective_due_at AS due
    FROM dossiers FINAL
    WHERE received_at >= {since:DateTime} AND received_at <= {at:DateTime}
        AND status IN ('received', 'processing', 'supplement_requested')
        AND effective_due_at < {at:DateTime}
        AND ({unit:String} = '' OR unit_code = {unit:String})
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({field:String} = '' OR field = {field:String})
    UNION ALL
    SELECT
        id, procedure_code, procedure_name, field, unit_code, unit_name, ward_code,
        toString(status) AS status_now,
        received_at AS received,
        effective_due_at AS due
    FROM dossiers FINAL
    WHERE received_at >= {since:DateTime} AND received_at <= {at:DateTime}
        AND status IN ('completed', 'returned', 'rejected', 'withdrawn')
        AND (received_at, id) IN (
            SELECT e.received_at, e.id FROM dossier_events AS e
            WHERE e.status IN ('completed', 'returned', 'rejected', 'withdrawn')
                AND e.event_at > {at:DateTime}
                AND e.received_at >= {since:DateTime} AND e.received_at <= {at:DateTime}
        )
        AND ended_at > {at:DateTime}
        AND effective_due_at < {at:DateTime}
        AND ({unit:String} = '' OR unit_code = {unit:String})
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({field:String} = '' OR field = {field:String})
) AS d
ORDER BY overdue_seconds DESC, id
LIMIT {limit:UInt32}
SETTINGS use_skip_indexes_if_final = 1, use_skip_indexes_if_final_exact_mode = 1
