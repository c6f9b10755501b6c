-- Benchmark (bench/): the daily series of dossiers received, petitions received and posts
-- published over a period, from the base tables (FINAL), one row per (stream, local day) that has
-- data. SeriesOf answers the same from the rollups.
-- Parameters: from, to DateTime. Rows: stream String, day Date, n UInt64.
SELECT 'dossiers_received' AS stream, toDate(received_at) AS day, count() AS n
FROM dossiers FINAL
WHERE received_at >= {from:DateTime} AND received_at < {to:DateTime}
GROUP BY day
UNION ALL
SELECT 'petitions_received', toDate(received_at) AS day, count()
FROM petitions FINAL
WHERE received_at >= {from:DateTime} AND received_at < {to:DateTime}
GROUP BY day
UNION ALL
SELECT 'posts_volume', toDate(published_at) AS day, count()
FROM posts FINAL
WHERE published_at >= {from:DateTime} AND published_at < {to:DateTime}
GROUP BY day
