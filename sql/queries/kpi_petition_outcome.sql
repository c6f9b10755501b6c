-- PetitionKPIs, outcome side: petitions closed for the first time in a period (by the local day of
-- closed_at) and how many of them by due_at (closed_on_time of 0003), from petition_outcome_daily
-- (exact: one first-closure event per petition; re-closures after a reopening are not counted).
-- Parameters: from, to Date (local days, half-open: from <= day < to; day is the rollup's first key
-- column); ward, unit (the handling unit that answered), category String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: closed UInt64, on_time UInt64.
SELECT
    sum(r.closed) AS closed,
    sum(r.on_time) AS on_time
FROM petition_outcome_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({unit:String} = '' OR r.unit_code = {unit:String})
    AND ({category:String} = '' OR r.category = {category:String})
