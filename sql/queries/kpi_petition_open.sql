-- PetitionKPIs and SeriesOf: the flows from which the backlog (received and not yet answered a
-- first time) and the overdue backlog (of those, past due_at) at any midnight T <= to are computed
-- in Go, as in kpi_dossier_open.sql: backlog(T) = in before T - out before T; overdue(T) = due
-- before T - end_due before T; each flow by the day from which it counts (petition_kpi_cube,
-- 0014): in by reception day, out by first-closure day, due by due day, end_due by the later of
-- first-closure day and due day. A reopened petition is counted by the reopen rate, not here. No
-- unit filter (the unit is rarely known at reception).
-- Parameters: to Date (exclusive); ward, category String ('' means all).
-- Row: kind String ('in', 'out', 'due', 'end_due'), day String (YYYY-MM-DD), n UInt64.
SELECT kv.1 AS kind, c.day AS day, kv.2 AS n
FROM
(
    SELECT toString(r.day) AS day,
        [('in', sum(r.received)), ('out', sum(r.closed)), ('due', sum(r.due)), ('end_due', sum(r.end_due))] AS flows
    FROM petition_kpi_cube AS r
    WHERE r.grouping = ({ward:String} != '') + 4 * ({category:String} != '')
        AND r.ward_code = {ward:String} AND r.unit_code = '' AND r.category = {category:String}
        AND r.day < {to:Date}
    GROUP BY r.day
) AS c
ARRAY JOIN c.flows AS kv
WHERE kv.2 > 0
