-- OverduePetitions: the petitions not answered and past their due_at at a moment {at}, most
-- overdue first, with the number of all such petitions beside the page of rows.
-- Latest state (petitions FINAL), filtered on received_at, the first key column and the
-- partition key: only petitions received in [{since}, {at}] are read (the caller bounds the
-- look-back). Open at {at}: received by then and not closed by then (closed_at of 0003 NULL, or
-- after {at}; a reopened petition is open again). The title is stored PII-masked (0003).
-- Parameters: since, at DateTime; unit, ward, category String ('' means all); limit UInt32.
-- Rows: id, channel, category, ward_code, unit_code, status, title String; received_at, due
-- DateTime; overdue_seconds Int64; total UInt64 (all matching rows, before LIMIT).
SELECT
    p.id AS id,
    p.channel_now AS channel,
    p.category AS category,
    p.ward_code AS ward_code,
    p.unit_code AS unit_code,
    p.status_now AS status,
    p.title_short AS title,
    p.received AS received_at,
    p.due AS due,
    dateDiff('second', p.due, {at:DateTime}) AS overdue_seconds,
    count() OVER () AS total
FROM
(
    SELECT
        id, category, ward_code, unit_code,
        toString(channel) AS channel_now,
        toString(status) AS status_now,
        leftUTF8(title, 160) AS title_short,
        received_at AS received,
        due_at AS due
    FROM petitions FINAL
    WHERE received_at >= {since:DateTime} AND received_at <= {at:DateTime}
        AND (closed_at IS NULL OR closed_at > {at:DateTime})
        AND due_at < {at:DateTime}
        AND ({unit:String} = '' OR unit_code = {unit:String})
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({category:String} = '' OR category = {category:String})
) AS p
ORDER BY overdue_seconds DESC, id
LIMIT {limit:UInt32}
