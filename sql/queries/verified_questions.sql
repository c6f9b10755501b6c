-- VerifiedQuestions: the saved questions analysts marked correct, newest first: the assistant's
-- few-shot examples for similar questions.
-- Parameters: limit UInt32.
-- Row: id, question, lang, spec_json, sql, created_by String; created_at DateTime; verified,
-- deleted Bool; version UInt64 (models.SavedQuestion).
SELECT id, question, lang, spec_json, sql, created_by, created_at, verified, deleted, version
FROM saved_questions FINAL
WHERE verified AND NOT deleted
ORDER BY created_at DESC
LIMIT {limit:UInt32}
