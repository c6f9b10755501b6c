-- DossierKPIs and SeriesOf: the flows from which the dossiers open, and open past their
-- effective due time (due_at plus the supplement pauses, DOMAIN §3, the rule of the overdue list
-- list_overdue_dossiers.sql), at any midnight T <= to are computed in Go:
--   open(T)    = in before T - out before T
--   overdue(T) = open_due before T + ended_after_due before T - ended_done before T
-- Each flow is returned by the day from which it counts, so that every count at T is a sum over
-- days < T:
--   in               dossiers received, by reception day (dossier_kpi_cube, 0014)
--   out              dossiers ended (withdrawn included: no longer open), by end day
--   ended_after_due  dossiers that ended on a later day than their effective due day (pauses
--                    as at the end), by the later of reception day and effective due day
--   ended_done       the same dossiers by end day: an ended dossier was open and overdue at T
--                    exactly when its ended_after_due day < T <= its ended_done day (never
--                    when it ended by its effective due day)
--   open_due         dossiers open now (latest status not terminal, dossiers FINAL; the status
--                    skip index of 0002 skips the granules of old months) by the later of
--                    reception day and effective due day (the pauses known now, as the list):
--                    open at every T after their reception
-- Over all days before to: the count at T depends on the whole history (the list looks back one
-- year; a dossier open longer counts here only).
-- Parameters: to Date (exclusive); end DateTime (to's midnight); unit, ward, field String ('' means
-- all).
-- Row: kind String, day String (YYYY-MM-DD), n UInt64.
SELECT kv.1 AS kind, c.day AS day, kv.2 AS n
FROM
(
    SELECT toString(r.day) AS day,
        [('in', sum(r.received)), ('out', sum(r.ended)), ('ended_after_due', sum(r.ended_after_due)),
         ('ended_done', sum(r.ended_done))] AS flows
    FROM dossier_kpi_cube AS r
    WHERE r.grouping = ({unit:String} != '') + 2 * ({ward:String} != '') + 4 * ({field:String} != '')
        AND r.unit_code = {unit:String} AND r.ward_code = {ward:String} AND r.field = {field:String}
        AND r.day < {to:Date}
    GROUP BY r.day
) AS c
ARRAY JOIN c.flows AS kv
WHERE kv.2 > 0
UNION ALL
SELECT 'open_due' AS kind, toString(greatest(toDate(o.received_at), toDate(o.effective_due_at))) AS day, count() AS n
FROM dossiers AS o FINAL
WHERE o.received_at < {end:DateTime}
    AND o.status IN ('received', 'processing', 'supplement_requested')
    AND ({unit:String} = '' OR o.unit_code = {unit:String})
    AND ({ward:String} = '' OR o.ward_code = {ward:String})
    AND ({field:String} = '' OR o.field = {field:String})
GROUP BY day
SETTINGS use_skip_indexes_if_final = 1, use_skip_indexes_if_final_exact_mode = 1
