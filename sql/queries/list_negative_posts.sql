-- TopNegativePosts: the most engaged negative posts published in a period (latest state: posts
-- FINAL, so a re-sent post is one row with its newest engagement), engagement = likes + shares +
-- comments, then the most negative, then the newest. The author is never read; the text is
-- stored PII-masked (0004) and cut to {chars} characters here.
-- published_at is the key's second column after platform (six values): the period filter cuts
-- each platform's range directly.
-- Parameters: start, end DateTime (local midnights, half-open: start <= published_at < end);
-- ward, platform, topic String ('' means all); chars UInt32; limit UInt32.
-- Rows: id, platform, ward_code, topic, sentiment_label, url, text String; published_at DateTime;
-- sentiment Float32; likes, shares, comments UInt32; engagement UInt64; truncated Bool.
SELECT
    p.id AS id,
    p.platform_now AS platform,
    p.ward_code AS ward_code,
    p.topic AS topic,
    p.label AS sentiment_label,
    p.url AS url,
    leftUTF8(p.body, {chars:UInt32}) AS text,
    p.published AS published_at,
    p.sentiment AS sentiment,
    p.likes AS likes,
    p.shares AS shares,
    p.comments AS comments,
    p.engaged AS engagement,
    lengthUTF8(p.body) > {chars:UInt32} AS truncated
FROM
(
    SELECT
        id, ward_code, topic, url, sentiment, likes, shares, comments,
        toString(platform) AS platform_now,
        toString(sentiment_label) AS label,
        text AS body,
        published_at AS published,
        toUInt64(likes) + shares + comments AS engaged
    FROM posts FINAL
    WHERE published_at >= {start:DateTime} AND published_at < {end:DateTime}
        AND sentiment_label = 'negative'
        AND ({platform:String} = '' OR platform = {platform:String})
        AND ({ward:String} = '' OR ward_code = {ward:String})
        AND ({topic:String} = '' OR topic = {topic:String})
) AS p
ORDER BY engagement DESC, sentiment ASC, published_at DESC, id
LIMIT {limit:UInt32}
