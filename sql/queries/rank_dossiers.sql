-- Rankings, the 766 ratios that need each dossier's latest state, per receiving unit, for the
-- dossiers received in a period: dossiers FINAL filtered on received_at (the first key column,
-- and the partition key, so a month reads one partition). The rollups cannot hold these: an open
-- dossier is judged against the period end, and ratings and attributes arrive after the events the
-- views count.
--
--   received        dossiers received in the period, withdrawn ones left out (a withdrawal by the
--                   applicant before the judgement moment says nothing of the unit's handling; one
--                   withdrawn after it was still open then and is judged as open)
--   on_track        766 progress numerator (DOMAIN §3), judged at {judged_at} (the period end, or
--                   now for a period still running): ended by then and on time (ended_on_time of
--                   0002: end <= due + supplement pauses, at most one supplement request), or not
--                   ended by then and still within its effective due time
--   rated, dissatisfied   satisfaction ratings known now of those dossiers (a rating comes after the
--                   end, so the ratings of the period are read as of now)
--   sync_judged, synced   the real-time sync indicator (dong_bo): synced dossiers are those whose
--                   latest snapshot reached govpulse within {sync_seconds} of its updated_at
--                   (ingested_at - updated_at). Judged are the dossiers that came through the ingest
--                   API (source 'api:<token>'), where a late arrival means a late sync, and any other
--                   dossier that arrived in time; a late dossier from a back-fill (an import, the
--                   simulator's seeded history) says nothing about the source's sync and is left
--                   out, so a history loaded in bulk gives N/A rather than 0%. Only the latest state
--                   is stored here: a dossier whose last state was prompt counts as synced.
--   procedures, procedures_online    distinct procedures the unit received dossiers for in the
--                   period that are active in the catalogue (procedures FINAL), and of those the ones
--                   the catalogue offers online (full or partial): 766 "procedures offered online".
--                   The catalogue has no unit column; a unit's procedures are those it handles.
--   online_with_online    of procedures_online, those with at least one dossier submitted online in
--                   the period: 766 "online services with online dossiers" (denominator:
--                   procedures_online, each of which has at least one dossier by construction)
--
--   next_due, next_end    when on_track could next change with judged_at alone (the result cache
--                   of resultcache.go): the earliest effective due time at or after judged_at of
--                   a dossier not ended by then (it turns overdue once judged_at passes it), and
--                   the earliest end at or after judged_at (the dossier counts as ended once
--                   judged_at passes it); 1970-01-01 (Unix 0) when there is none. Judged at any
--                   moment t with judged_at <= t <= min(next_due, next_end) every column above is
--                   the same.
--
-- Parameters: from, to DateTime (local midnights, half-open: from <= received_at < to);
-- judged_at DateTime; sync_seconds Int64.
-- Rows: unit_code String; received, on_track, rated, dissatisfied, synced, sync_judged, procedures,
-- procedures_online, online_with_online UInt64; next_due, next_end DateTime. Units without dossiers
-- have no row.
WITH per_procedure AS (
    SELECT
        d.unit_code AS unit_code,
        d.procedure_code AS procedure_code,
        countIf(NOT withdrawn) AS received,
        countIf(NOT withdrawn AND if(ended,
            d.ended_on_time,
            {judged_at:DateTime} <= d.effective_due_at)) AS on_track,
        countIf(NOT withdrawn AND d.satisfaction IS NOT NULL) AS rated,
        countIf(NOT withdrawn AND d.satisfaction = 'dissatisfied') AS dissatisfied,
        countIf(NOT withdrawn AND prompt) AS synced,
        countIf(NOT withdrawn AND (prompt OR startsWith(d.source, 'api:'))) AS sync_judged,
        countIf(d.channel = 'online') AS online_dossiers,
        minIf(d.effective_due_at, NOT ended AND {judged_at:DateTime} <= d.effective_due_at) AS next_due,
        minIf(assumeNotNull(d.ended_at), d.ended_at IS NOT NULL AND d.ended_at >= {judged_at:DateTime}) AS next_end
    FROM
    (
        SELECT
            unit_code, procedure_code, channel, satisfaction, source,
            effective_due_at, ended_on_time, ended_at,
            dateDiff('second', updated_at, ingested_at) <= {sync_seconds:Int64} AS prompt,
            ended_at IS NOT NULL AND ended_at < {judged_at:DateTime} AS ended,
            ended AND status = 'withdrawn' AS withdrawn
        FROM dossiers FINAL
        WHERE received_at >= {from:DateTime} AND received_at < {to:DateTime}
    ) AS d
    GROUP BY unit_code, procedure_code
),
catalogue AS (
    SELECT code, online_level IN ('full', 'partial') AS online, 1 AS known
    FROM procedures FINAL
    WHERE active
)
SELECT
    toString(pp.unit_code) AS unit_code,
    sum(pp.received) AS received,
    sum(pp.on_track) AS on_track,
    sum(pp.rated) AS rated,
    sum(pp.dissatisfied) AS dissatisfied,
    sum(pp.synced) AS synced,
    sum(pp.sync_judged) AS sync_judged,
    countIf(c.known = 1) AS procedures,
    countIf(c.known = 1 AND c.online) AS procedures_online,
    countIf(c.known = 1 AND c.online AND pp.online_dossiers > 0) AS online_with_online,
    minIf(pp.next_due, toUnixTimestamp(pp.next_due) > 0) AS next_due,
    minIf(pp.next_end, toUnixTimestamp(pp.next_end) > 0) AS next_end
FROM per_procedure AS pp
LEFT JOIN catalogue AS c ON c.code = pp.procedure_code
GROUP BY pp.unit_code
