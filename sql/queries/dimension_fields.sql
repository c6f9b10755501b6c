-- Dimensionfields: the current rows of the fields dimension (latest version of each code).
-- Parameters: none. Rows: the fields columns, ordered by code.
SELECT * FROM fields FINAL ORDER BY code
