-- Dimensionprovinces: the current rows of the provinces dimension (latest version of each code).
-- Parameters: none. Rows: the provinces columns, ordered by code.
SELECT * FROM provinces FINAL ORDER BY code
