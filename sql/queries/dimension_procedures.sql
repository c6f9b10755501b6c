-- Dimensionprocedures: the current rows of the procedures dimension (latest version of each code).
-- Parameters: none. Rows: the procedures columns, ordered by code.
SELECT * FROM procedures FINAL ORDER BY code
