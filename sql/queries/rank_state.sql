-- Rankings, the fingerprints of the result cache (analytics/resultcache.go): per partition of
-- the tables the rank_* queries read, a hash that changes whenever its data can have changed.
-- Every insert, mutation (lightweight deletes too), merge or truncation of a MergeTree table
-- changes the set of active parts of the partitions it touches (a new part name, or the same name
-- with other rows or another modification time), so equal hashes mean equal data; a merge
-- changes the hash without changing the data, which only costs a cache miss. Reading
-- system.parts touches metadata only (a few ms however many rows the tables hold).
--
--   kind 'part'    one row per table and partition with active parts: parts, and state, a
--                  64-bit hash of the sorted (part name, rows, modification time) list
--   kind 'table'   one row per table of {tables} that is a MergeTree table of the current
--                  database, state a hash of its uuid and engine (a re-created table is another
--                  table). The fingerprints hold only when every table of {tables} has this row:
--                  not on a cluster, where the queries read Distributed tables whose parts live
--                  on other servers
--
-- Parameters: tables Array(String).
-- Rows: kind, table, partition String; parts, state UInt64.
SELECT
    'part' AS kind,
    table,
    partition,
    count() AS parts,
    cityHash64(arraySort(groupArray(concat(name, '/', toString(rows), '/',
        toString(toUnixTimestamp(modification_time)))))) AS state
FROM system.parts
WHERE database = currentDatabase() AND active AND has({tables:Array(String)}, table)
GROUP BY table, partition
UNION ALL
SELECT 'table', name, '', toUInt64(0), cityHash64(concat(toString(uuid), '/', engine))
FROM system.tables
WHERE database = currentDatabase() AND has({tables:Array(String)}, name) AND engine LIKE '%MergeTree'
