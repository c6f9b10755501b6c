-- Benchmark (bench/): what a BI tool reads from the base tables to look for the alerts and
-- hotspots of a week: daily petitions per ward × category, daily negative posts per ward × topic
-- and daily dossiers received per unit, over the week and the 28 days before it (the baseline).
-- DetectAlerts and Hotspots read the rollups instead. Only the time is compared.
-- Parameters: from, to DateTime (the baseline starts at from − 28 days).
-- Rows: kind, a, b String; day Date; n UInt64.
SELECT 'petitions' AS kind, toString(ward_code) AS a, toString(category) AS b, toDate(received_at) AS day, count() AS n
FROM petitions FINAL
WHERE received_at >= {from:DateTime} - INTERVAL 28 DAY AND received_at < {to:DateTime}
GROUP BY a, b, day
UNION ALL
SELECT 'negative_posts', toString(ward_code), toString(topic), toDate(published_at) AS day, count()
FROM posts FINAL
WHERE published_at >= {from:DateTime} - INTERVAL 28 DAY AND published_at < {to:DateTime}
    AND sentiment_label = 'negative'
GROUP BY ward_code, topic, day
UNION ALL
SELECT 'dossiers', toString(unit_code), '', toDate(received_at) AS day, count()
FROM dossiers FINAL
WHERE received_at >= {from:DateTime} - INTERVAL 28 DAY AND received_at < {to:DateTime}
GROUP BY unit_code, day
