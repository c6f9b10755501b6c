-- DetectAlerts, the fingerprint of its result cache (analytics/alerts_cache.go): one hash over
-- the tables the alert queries read. Every insert, mutation, merge or truncation of a MergeTree
-- table changes its set of active parts (a new part name, or the same name with other rows or
-- another modification time), and a re-created table has another uuid (the database's name is in
-- the hash too, for engines without table uuids), so an equal hash means
-- equal data; a merge changes the hash without changing the data, which only costs a miss.
-- Reading system.parts touches metadata only.
-- tables is the number of {tables} that are MergeTree tables of the current database: the hash
-- holds only when it is all of them (not on a cluster, whose queries read Distributed tables
-- with parts on other servers).
-- Parameters: tables Array(String).
-- Row: tables UInt64, state UInt64.
SELECT
    (SELECT count() FROM system.tables
        WHERE database = currentDatabase() AND has({tables:Array(String)}, name) AND engine LIKE '%MergeTree') AS tables,
    cityHash64(currentDatabase(),
        (SELECT arraySort(groupArray(concat(name, '/', toString(uuid)))) FROM system.tables
            WHERE database = currentDatabase() AND has({tables:Array(String)}, name)),
        (SELECT arraySort(groupArray(concat(table, '/', name, '/', toString(rows), '/', toString(toUnixTimestamp(modification_time)))))
            FROM system.parts WHERE database = currentDatabase() AND active AND has({tables:Array(String)}, table))) AS state
