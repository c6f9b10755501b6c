-- SessionsOfUser: the live (not revoked, not expired) sessions of one user, to revoke them when
-- the account is disabled or its password changes.
-- Parameters: username String, now DateTime.
-- Rows: the sessions columns.
SELECT token_hash, username, created_at, expires_at, revoked, version
FROM sessions FINAL
WHERE username = {username:String} AND NOT revoked AND expires_at > {now:DateTime('Asia/Ho_Chi_Minh')}
