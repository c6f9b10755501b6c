-- Users: every dashboard account (disabled ones too), by username. The password hash is read so
-- that login can check it; it never leaves the server.
-- Parameters: none.
-- Rows: the users columns.
SELECT username, display_name, toString(role) AS role, scope_unit, scope_ward, password_hash, disabled,
       created_at, updated_at, version
FROM users FINAL
ORDER BY username
