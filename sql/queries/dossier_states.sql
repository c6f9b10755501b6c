-- DossierStates: what the store holds of the given dossiers, for the pipeline's event rules.
-- Parameters: ids Array(String); from, to DateTime (the received_at range of the batch, inclusive:
-- it prunes partitions and bounds the primary-key range, so the look-up reads only the batch's
-- days whatever the table's size).
-- Rows: id, version (latest), status (latest), ended (the latest status is terminal), reopen_count 0.
-- "ended" follows the latest state: terminal statuses are absorbing in the event rules, so a
-- dossier whose latest snapshot is terminal has had its one terminal event.
SELECT
    id,
    latest_version AS version,
    latest_status AS status,
    latest_status IN ('completed', 'returned', 'rejected', 'withdrawn') AS ended,
    toUInt8(0) AS reopen_count
FROM
(
    SELECT id, max(version) AS latest_version, toString(argMax(status, version)) AS latest_status
    FROM dossiers
    PREWHERE received_at BETWEEN {from:DateTime} AND {to:DateTime}
    WHERE id IN {ids:Array(String)}
    GROUP BY id
)
