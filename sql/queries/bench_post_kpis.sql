-- Benchmark (bench/): PostKPIs over the base table — posts published in the period, counted once
-- each (posts FINAL), with their sentiment labels. Rollup answer: kpi_posts.sql; they must agree.
-- Parameters: from, to DateTime. Row: posts, negative, positive UInt64.
SELECT
    count() AS posts,
    countIf(sentiment_label = 'negative') AS negative,
    countIf(sentiment_label = 'positive') AS positive
FROM posts FINAL
WHERE published_at >= {from:DateTime} AND published_at < {to:DateTime}
