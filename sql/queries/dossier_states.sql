-- DossierStates: what the store holds of the given dossiers, for the pipeline's event rules.
-- Parameters: ids Array(String); from, to DateTime (the received_at range of the batch, inclusive,
-- which prunes partitions and hits the primary key).
-- Rows: id, version (latest), status (latest), ended (a terminal event was recorded), reopen_count 0.
SELECT
    id,
    latest_version AS version,
    latest_status AS status,
    id IN (
        SELECT id FROM dossier_events
        WHERE status IN ('completed', 'returned', 'rejected', 'withdrawn')
          AND event_at >= {from:DateTime}
          AND id IN {ids:Array(String)}
    ) AS ended,
    toUInt8(0) AS reopen_count
FROM
(
    SELECT id, max(version) AS latest_version, toString(argMax(status, version)) AS latest_status
    FROM dossiers
    WHERE received_at BETWEEN {from:DateTime} AND {to:DateTime}
      AND id IN {ids:Array(String)}
    GROUP BY id
)
