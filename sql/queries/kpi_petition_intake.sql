-- PetitionKPIs, intake side: petitions received in a period, from petition_intake_daily (exact:
-- one 'new' event per petition). No unit filter: the handling unit is rarely known at reception.
-- Parameters: from, to Date (local days, half-open: from <= day < to; day is the rollup's first key
-- column); ward, category String ('' means all).
-- Measures are read as r.<column>: their aliases reuse the column names, and an unqualified
-- name would resolve to the aggregate (as in 0005's views).
-- Row: received UInt64.
SELECT sum(r.received) AS received
FROM petition_intake_daily AS r
WHERE r.day >= {from:Date} AND r.day < {to:Date}
    AND ({ward:String} = '' OR r.ward_code = {ward:String})
    AND ({category:String} = '' OR r.category = {category:String})
