-- Dimensionwards: the current rows of the wards dimension (latest version of each code).
-- Parameters: none. Rows: the wards columns, ordered by code.
SELECT * FROM wards FINAL ORDER BY code
