-- BriefingLatest: the most recent stored briefing of one day in one language.
-- Parameters: date Date (local); lang String.
-- Row: models.Briefing (every column of briefings); none when no briefing was written.
SELECT id, date, lang, mode, model, prompt_version, tokens_in, tokens_out, text, facts_json, created_by, created_at
FROM briefings
WHERE date = {date:Date} AND lang = {lang:String}
ORDER BY created_at DESC, id
LIMIT 1
