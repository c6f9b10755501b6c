-- BriefPetitionTopics: the petition categories most reported on one day, for the briefing.
-- Parameters: day Date (local); limit UInt32.
-- Row: code String (a petition category code), petitions UInt64.
SELECT r.category AS code, sum(r.received) AS petitions
FROM petition_intake_daily AS r
WHERE r.day = {day:Date} AND r.category != ''
GROUP BY code
ORDER BY petitions DESC, code
LIMIT {limit:UInt32}
