-- Benchmark (bench/): every number of the PetitionKPIs panel over base tables, as a BI tool would
-- compute it — receptions, the backlog and overdue backlog at the period end (received before it
-- and not answered a first time before it) and ratings from petitions FINAL; first closures (on
-- time, forwarded within the SLA, median and p90 hours to answer) and first reopenings from
-- petition_events (the first closed event of each petition: reopen_count = 0, which a reopened
-- petition's latest state no longer shows). Rollup answers: kpi_petition_counts.sql,
-- kpi_petition_handling.sql, kpi_petition_open.sql, kpi_petition_satisfaction.sql; they must agree.
-- Parameters: from, to DateTime; sla Int64 (minutes).
-- Row: received, backlog, overdue, rated, satisfied, closed, on_time, forwarded, in_sla,
-- median_hours, p90_hours, reopened UInt64.
WITH first_closures AS
(
    SELECT e.id AS id, assumeNotNull(e.closed_at) AS closed_at_, e.closed_on_time AS on_time_, e.received_at AS received_at,
        e.forwarded_at AS forwarded_at
    FROM petition_events AS e
    WHERE e.status IN ('resolved', 'rejected') AND e.reopen_count = 0
)
SELECT
    countIf(p.received_at >= {from:DateTime}) AS received,
    countIf(p.id NOT IN (SELECT id FROM first_closures WHERE closed_at_ < {to:DateTime})) AS backlog,
    countIf(p.due_at < {to:DateTime} AND p.id NOT IN (SELECT id FROM first_closures WHERE closed_at_ < {to:DateTime})) AS overdue,
    countIf(p.received_at >= {from:DateTime} AND p.satisfaction IS NOT NULL) AS rated,
    countIf(p.received_at >= {from:DateTime} AND p.satisfaction = 'satisfied') AS satisfied,
    any(c.closed) AS closed, any(c.on_time) AS on_time, any(c.forwarded) AS forwarded, any(c.in_sla) AS in_sla,
    any(c.median_hours) AS median_hours, any(c.p90_hours) AS p90_hours, any(r.reopened) AS reopened
FROM petitions AS p FINAL,
(
    SELECT count() AS closed, countIf(on_time_) AS on_time,
        countIf(forwarded_at IS NOT NULL) AS forwarded,
        countIf(forwarded_at IS NOT NULL AND dateDiff('second', received_at, assumeNotNull(forwarded_at)) < {sla:Int64} * 60) AS in_sla,
        arraySort(groupArray(intDiv(greatest(dateDiff('second', received_at, closed_at_), 0), 3600))) AS hours,
        toUInt64(if(length(hours) = 0, 0, hours[toUInt64(ceil(0.5 * length(hours)))])) AS median_hours,
        toUInt64(if(length(hours) = 0, 0, hours[toUInt64(ceil(0.9 * length(hours)))])) AS p90_hours
    FROM first_closures
    WHERE closed_at_ >= {from:DateTime} AND closed_at_ < {to:DateTime}
) AS c,
(
    SELECT count() AS reopened FROM petition_events AS e
    WHERE e.status = 'reopened' AND e.reopen_count <= 1 AND e.event_at >= {from:DateTime} AND e.event_at < {to:DateTime}
) AS r
WHERE p.received_at < {to:DateTime}
