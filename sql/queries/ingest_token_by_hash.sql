-- IngestTokenByHash: the live (not revoked) ingest token with the given hash.
-- Parameters: hash String (SHA-256 hex of the presented token).
-- Rows: the ingest_tokens columns; zero or one row.
SELECT id, name, toString(stream) AS stream, token_hash, created_by, created_at, revoked, version
FROM ingest_tokens FINAL
WHERE token_hash = {hash:String} AND NOT revoked
