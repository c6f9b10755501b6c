-- Dimensionunits: the current rows of the units dimension (latest version of each code).
-- Parameters: none. Rows: the units columns, ordered by code.
SELECT * FROM units FINAL ORDER BY code
