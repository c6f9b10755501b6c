-- OverdueDossiers: the dossiers open and past their effective due time at a moment {at}, most
-- overdue first, with the number of all such dossiers beside the page of rows.
-- Latest state (dossiers FINAL), filtered on received_at, the first key column and the partition
-- key: only dossiers received in [{since}, {at}] are read (the caller bounds the look-back, one
-- year by default), so the scan is a year of partitions, never the whole history.
-- Open at {at}: received by then and not ended by then (ended_at of 0002 NULL, or after {at}: a
-- dossier completed after {at} was still open at {at}). Withdrawn dossiers count as ended, as in
-- the open KPIs. Overdue: effective_due_at (due_at plus supplement pauses) before {at}.
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
        AND (ended_at IS NULL OR ended_at > {at:DateTime})
        AND effective_due_at < {at:DateTime}
        AND ({unit:String} = '' OR unit_code = {unit:String})
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({field:String} = '' OR field = {field:String})
) AS d
ORDER BY overdue_seconds DESC, id
LIMIT {limit:UInt32}
