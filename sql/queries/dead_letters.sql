-- DeadLetters: the most recent rejected ingest lines, newest first.
-- Parameters: stream String ('' for every stream), limit UInt32.
-- Rows: the dead_letters columns.
SELECT received_at, stream, source, line, field, reason, raw
FROM dead_letters
WHERE {stream:String} = '' OR stream = {stream:String}
ORDER BY received_at DESC, source, line
LIMIT {limit:UInt32}
