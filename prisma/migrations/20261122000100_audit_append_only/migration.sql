-- The audit log is append-only: the database itself refuses to change or
-- remove an entry, whatever the code path. Maintenance that truly needs to
-- drop the log must drop these triggers first, visibly.
CREATE OR REPLACE FUNCTION cellgate_audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEntry_no_update_delete"
  BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION cellgate_audit_refuse_change();

CREATE TRIGGER "AuditEntry_no_truncate"
  BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_audit_refuse_change();

-- Receipts are likewise never rewritten.
CREATE TRIGGER "Receipt_no_update_delete"
  BEFORE UPDATE OR DELETE ON "Receipt"
  FOR EACH ROW EXECUTE FUNCTION cellgate_audit_refuse_change();

-- The chain head starts at the genesis value: sequence 0, hash of nothing.
INSERT INTO "AuditHead" ("id", "seq", "hash")
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
