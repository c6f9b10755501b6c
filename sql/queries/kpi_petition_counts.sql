-- PetitionKPIs and SeriesOf: per bucket, petitions received (reception day; unit as known at
-- reception, so the caller leaves received out under a unit scope), closed for the first time
-- and of those answered by due_at (first-closure day; closed_on_time of 0003; re-closures after a
-- reopening are not counted), and reopened for the first time (day of the reopening), from
-- petition_kpi_cube (0014; exact: one 'new', one first-closure and one first-reopening event per
-- petition). The scope picks one grouping of the cube (1 ward, 2 unit, 4 category): a prefix of
-- its key and a range of days.
-- Parameters: from, to Date (half-open local days); grain String (see kpi_dossier_intake.sql);
-- ward, unit, category String ('' means all).
-- Row: bucket String; received, closed, on_time, reopened UInt64.
SELECT
    toString(multiIf({grain:String} = 'day', r.day, {grain:String} = 'week', toMonday(r.day),
        {grain:String} = 'month', toStartOfMonth(r.day), {from:Date})) AS bucket,
    sum(r.received) AS received,
    sum(r.closed) AS closed,
    sum(r.on_time) AS on_time,
    sum(r.reopened) AS reopened
FROM petition_kpi_cube AS r
WHERE r.grouping = ({ward:String} != '') + 2 * ({unit:String} != '') + 4 * ({category:String} != '')
    AND r.ward_code = {ward:String} AND r.unit_code = {unit:String} AND r.category = {category:String}
    AND r.day >= {from:Date} AND r.day < {to:Date}
GROUP BY bucket
