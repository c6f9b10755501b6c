-- Placeholder while the schema is written; replaced before the first release.
CREATE TABLE IF NOT EXISTS placeholder {{onCluster}} (id UInt64) ENGINE = {{engine "MergeTree"}} ORDER BY id
