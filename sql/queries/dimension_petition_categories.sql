-- Dimensionpetition_categories: the current rows of the petition_categories dimension (latest version of each code).
-- Parameters: none. Rows: the petition_categories columns, ordered by code.
SELECT * FROM petition_categories FINAL ORDER BY code
