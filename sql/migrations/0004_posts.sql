-- 0004_posts: social-media posts and comments about the city, DESIGN §3 "post" contract.
--
-- One table, latest state per post: ReplacingMergeTree(version), because listening tools re-send
-- a post as its likes, shares and comments grow. Exact reads use FINAL or argMax(…, version).
--
-- Ingest contract (the pipeline implements it; 0005 relies on it):
--   * version = the time the snapshot was taken (the source's updated time, else the ingest time)
--     in unix milliseconds; the newest engagement wins.
--   * first_seen is true on the first delivery of a (platform, id) and false on every later one.
--     post_daily (0005) counts only first_seen rows, so a re-sent post counts once. The pipeline
--     decides it from the ids it has already stored; a replayed spool segment is stored once by
--     its insert_deduplication_token (see 0002).
--   * platform, id and published_at never change for a post (sorting and partition key).
--   * author_id of the contract is stored only as a keyed hash; text is stored after PII masking.

CREATE TABLE IF NOT EXISTS {{local "posts"}} {{onCluster}}
(
    -- The platform's id; unique per platform (the deduplication key is platform and id).
    id String CODEC(ZSTD(1)),
    platform Enum8('facebook' = 1, 'zalo' = 2, 'tiktok' = 3, 'youtube' = 4, 'news' = 5, 'forum' = 6),
    published_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    -- HMAC-SHA256 (hex, keyed by a secret of the deployment) of the platform's author id: counts
    -- distinct voices without storing who spoke.
    author_hash String CODEC(ZSTD(1)),
    -- The post's words, PII-masked. Kept 2 years, then emptied by the column TTL: raw citizen
    -- speech is personal data that analytics no longer needs once its sentiment, topic and ward
    -- are stored (the rest of the row stays). Changing the period is a new migration
    -- (ALTER TABLE posts MODIFY COLUMN text … TTL …). ZSTD(3): prose compresses several-fold.
    text String CODEC(ZSTD(3)) TTL published_at + INTERVAL 2 YEAR,
    url String CODEC(ZSTD(1)),
    -- LowCardinality: ~400 wards and a few dozen topics across 20M posts. '' when no ward could be
    -- inferred.
    ward_code LowCardinality(String),
    -- True when govpulse inferred the ward (or topic) from the text instead of receiving it.
    ward_inferred Bool,
    topic LowCardinality(String),
    topic_inferred Bool,
    likes UInt32,
    shares UInt32,
    comments UInt32,
    -- Score in [-1, 1]: the upstream score when sent, else govpulse's own (sentiment_source).
    sentiment Float32,
    sentiment_label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3),
    sentiment_source Enum8('upstream' = 1, 'lexicon' = 2, 'model' = 3),
    first_seen Bool,
    version UInt64 CODEC(Delta(8), ZSTD(1)),
    ingested_at DateTime('Asia/Ho_Chi_Minh') CODEC(Delta(4), ZSTD(1)),
    source LowCardinality(String)
)
ENGINE = {{engine "ReplacingMergeTree(version)"}}
-- The month of publication never changes for a post: its versions share a partition (exact FINAL).
PARTITION BY toYYYYMM(published_at)
-- Deduplication key (platform, id) plus published_at, all immutable. Platform first (six values)
-- serves the platform filter; within it, period filters on published_at hit the primary key. Ward
-- and topic may be re-inferred, so they stay out of the key; ward and topic numbers come from
-- post_daily.
ORDER BY (platform, published_at, id)
SETTINGS non_replicated_deduplication_window = 10000
-- statement-break
{{distributed "posts" "cityHash64(id)"}}
