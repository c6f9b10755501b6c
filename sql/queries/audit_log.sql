-- AuditLog: the most recent audit entries, newest first.
-- Parameters: limit UInt32.
-- Rows: the audit_log columns.
SELECT at, actor, role, action, object, detail, ip
FROM audit_log
ORDER BY at DESC
LIMIT {limit:UInt32}
