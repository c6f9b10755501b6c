-- AuditRange: one page of the audit entries of a time range, oldest first, for the admins'
-- export (store.Audit.Range reads the range page by page, resuming at the last entry's time).
-- Parameters: from, to DateTime64(3) (to exclusive); after DateTime64(3), the resume point
-- (entries at or after it; the caller skips those of that instant it has already written);
-- limit UInt32.
-- Rows: the audit_log columns, ordered by time and then every column, so the order of entries
-- of one millisecond is the same on every page.
SELECT at, actor, role, action, object, detail, ip
FROM audit_log
WHERE at >= {from:DateTime64(3)} AND at < {to:DateTime64(3)} AND at >= {after:DateTime64(3)}
ORDER BY at, actor, role, action, object, detail, ip
LIMIT {limit:UInt32}
