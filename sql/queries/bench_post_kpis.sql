-- Benchmark (bench/): every number of the PostKPIs panel over the base table — posts published in
-- the period, counted once each (posts FINAL), with their sentiment labels, and the
-- engagement-weighted tone (each post weighs 1 + likes + shares + comments as at its first
-- delivery: the first_seen rows). Rollup answer: kpi_posts.sql; they must agree.
-- Parameters: from, to DateTime. Row: posts, negative, positive, weight UInt64; weighted Float64.
SELECT
    count() AS posts,
    countIf(x.sentiment_label = 'negative') AS negative,
    countIf(x.sentiment_label = 'positive') AS positive,
    any(w.weight) AS weight,
    any(w.weighted) AS weighted
FROM posts AS x FINAL,
(
    SELECT sum(1 + toUInt64(f.likes) + f.shares + f.comments) AS weight,
        sum(toFloat64(f.sentiment) * (1 + toUInt64(f.likes) + f.shares + f.comments)) AS weighted
    FROM posts AS f
    WHERE f.first_seen AND f.published_at >= {from:DateTime} AND f.published_at < {to:DateTime}
) AS w
WHERE x.published_at >= {from:DateTime} AND x.published_at < {to:DateTime}
