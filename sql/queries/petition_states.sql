-- PetitionStates: what the store holds of the given petitions, for the pipeline's event rules.
-- Parameters: ids Array(String); from, to DateTime (the received_at range of the batch, inclusive).
-- Rows: id, version (latest), status (latest), ended false, reopen_count (latest).
SELECT id, latest_version AS version, latest_status AS status, false AS ended, latest_reopen AS reopen_count
FROM
(
    SELECT
        id,
        max(version) AS latest_version,
        toString(argMax(status, version)) AS latest_status,
        argMax(reopen_count, version) AS latest_reopen
    FROM petitions
    WHERE received_at BETWEEN {from:DateTime} AND {to:DateTime}
      AND id IN {ids:Array(String)}
    GROUP BY id
)
