-- PostStates: which of the given posts are stored, for first_seen.
-- Parameters: keys Array(String) of "<platform>/<id>"; from, to DateTime (the published_at range
-- of the batch, inclusive).
-- Rows: id ("<platform>/<id>"), version (latest), status '', ended false, reopen_count 0.
SELECT post_key AS id, latest_version AS version, '' AS status, false AS ended, toUInt8(0) AS reopen_count
FROM
(
    SELECT concat(toString(platform), '/', id) AS post_key, max(version) AS latest_version
    FROM posts
    WHERE published_at BETWEEN {from:DateTime} AND {to:DateTime}
      AND post_key IN {keys:Array(String)}
    GROUP BY post_key
)
