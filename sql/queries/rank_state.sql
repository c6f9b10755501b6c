-- Rankings, the data watermark of the result cache (analytics/ranking_cache.go): a fingerprint of
-- the tables the rank_* queries read, which changes whenever their data can have changed. Every
-- insert, mutation (lightweight deletes too), merge, truncation or re-creation of a MergeTree
-- table changes its set of active parts (a new part name, or the same name with other rows or
-- another modification time), so equal fingerprints mean equal data; a merge changes the
-- fingerprint without changing the data, which only costs a cache miss. Reading system.parts
-- touches metadata only (a few ms however many rows the tables hold).
--
--   tables    how many of {tables} are MergeTree tables of the current database: the
--             fingerprint holds only when it is all of them (not on a cluster, where the queries
--             read Distributed tables whose parts live on other servers)
--   parts     active parts of those tables
--   state     64-bit hash of the sorted (table, uuid) and (table, part name, rows, modification
--             time) lists
--
-- Parameters: tables Array(String).
-- Rows: one; tables, parts, state UInt64.
SELECT
    t.n AS tables,
    p.n AS parts,
    cityHash64(t.h, p.h) AS state
FROM
(
    SELECT count() AS n, cityHash64(arraySort(groupArray(concat(name, '/', toString(uuid))))) AS h
    FROM system.tables
    WHERE database = currentDatabase() AND has({tables:Array(String)}, name) AND engine LIKE '%MergeTree'
) AS t,
(
    SELECT count() AS n,
        cityHash64(arraySort(groupArray(concat(table, '/', name, '/', toString(rows), '/',
            toString(toUnixTimestamp(modification_time)))))) AS h
    FROM system.parts
    WHERE database = currentDatabase() AND active AND has({tables:Array(String)}, table)
) AS p
