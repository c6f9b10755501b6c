-- UserByName: the current row of one dashboard account.
-- Parameters: username String.
-- Rows: the users columns; zero or one row.
SELECT username, display_name, toString(role) AS role, scope_unit, scope_ward, password_hash, disabled,
       created_at, updated_at, version
FROM users FINAL
WHERE username = {username:String}
