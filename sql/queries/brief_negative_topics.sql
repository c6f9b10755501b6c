-- BriefNegativeTopics: post topics whose negative posts on one day are at least twice their daily
-- mean over the seven days before (sentiment spikes), for the briefing.
-- Parameters: day Date (local); min_negative UInt32 (fewest negative posts that count); limit
-- UInt32.
-- Row: code String (a petition category code), negative UInt64 (that day), baseline Float64
-- (mean negative posts a day over the seven days before).
SELECT
    r.topic AS code,
    sumIf(r.negative, r.day = {day:Date}) AS negative,
    sumIf(r.negative, r.day < {day:Date}) / 7 AS baseline
FROM post_daily AS r
WHERE r.day >= subtractDays({day:Date}, 7) AND r.day <= {day:Date} AND r.topic != ''
GROUP BY code
HAVING negative >= {min_negative:UInt32} AND negative >= 2 * baseline
ORDER BY negative - baseline DESC, code
LIMIT {limit:UInt32}
