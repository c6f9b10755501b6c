-- IngestTokens: every ingest token, newest first (the hash is read but never shown).
-- Parameters: none.
-- Rows: the ingest_tokens columns.
SELECT id, name, toString(stream) AS stream, token_hash, created_by, created_at, revoked, version
FROM ingest_tokens FINAL
ORDER BY created_at DESC, id
