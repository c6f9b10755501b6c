-- SessionByHash: the current row of the session whose cookie hashes to hash, revoked or expired
-- ones included (the caller decides; TTL removes expired rows only at merge time).
-- Parameters: hash String (SHA-256 hex of the cookie value).
-- Rows: the sessions columns; zero or one row.
SELECT token_hash, username, created_at, expires_at, revoked, version
FROM sessions FINAL
WHERE token_hash = {hash:String}
