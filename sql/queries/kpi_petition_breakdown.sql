-- PetitionBreakdown: petitions of a period by category or by channel: received (intake rollup),
-- first closures and those on time (outcome rollup).
-- Parameters: from, to Date (half-open local days); by String ('category' or 'channel'); ward,
-- category String ('' means all); unit String (applies to closures only: the intake rollup does
-- not know the handling unit, so received is 0 under a unit filter and the caller leaves it out).
-- Row: key String, received UInt64, closed UInt64, on_time UInt64.
SELECT key, sum(received) AS received, sum(closed) AS closed, sum(on_time) AS on_time
FROM
(
    SELECT if({by:String} = 'channel', toString(r.channel), toString(r.category)) AS key,
        sum(r.received) AS received, toUInt64(0) AS closed, toUInt64(0) AS on_time
    FROM petition_intake_daily AS r
    WHERE r.day >= {from:Date} AND r.day < {to:Date} AND {unit:String} = ''
        AND ({ward:String} = '' OR r.ward_code = {ward:String})
        AND ({category:String} = '' OR r.category = {category:String})
    GROUP BY key
    UNION ALL
    SELECT if({by:String} = 'channel', toString(r.channel), toString(r.category)) AS key,
        toUInt64(0) AS received, sum(r.closed) AS closed, sum(r.on_time) AS on_time
    FROM petition_outcome_daily AS r
    WHERE r.day >= {from:Date} AND r.day < {to:Date}
        AND ({ward:String} = '' OR r.ward_code = {ward:String})
        AND ({unit:String} = '' OR r.unit_code = {unit:String})
        AND ({category:String} = '' OR r.category = {category:String})
    GROUP BY key
)
GROUP BY key
ORDER BY key
