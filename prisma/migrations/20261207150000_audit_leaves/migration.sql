-- Audit leaves: a business transaction appends its audit record as a leaf
-- (own id, content, content hash) and takes no global lock, so writers no
-- longer queue on the chain head. The sequencer (lib/server/audit-sequencer.ts:
-- any replica, one at a time under an advisory lock) integrates committed
-- leaves in batches into the hash chain (AuditEntry, which copies the content
-- and names the leaf) and deletes them from here. Only pending leaves live in
-- this table.
CREATE TABLE "AuditLeaf" (
    "id" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "tenantId" UUID,
    "profileId" UUID,
    "decision" TEXT,
    "requestHash" TEXT,
    "resultHash" TEXT,
    "traceId" TEXT,
    "data" JSONB NOT NULL,
    "leafHash" TEXT NOT NULL,

    CONSTRAINT "AuditLeaf_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "AuditLeaf_time_id_idx" ON "AuditLeaf"("time", "id");

-- The entry a leaf became (NULL for entries appended before leaves existed).
ALTER TABLE "AuditEntry" ADD COLUMN "leafId" TEXT;
CREATE UNIQUE INDEX "AuditEntry_leafId_key" ON "AuditEntry"("leafId");

-- A receipt names its leaf at once; its sequence number and entry hash are
-- filled in by the sequencer when the leaf is integrated.
ALTER TABLE "Receipt" ADD COLUMN "leafId" TEXT, ADD COLUMN "leafHash" TEXT;
ALTER TABLE "Receipt" ALTER COLUMN "auditSeq" DROP NOT NULL, ALTER COLUMN "auditHash" DROP NOT NULL;
CREATE UNIQUE INDEX "Receipt_leafId_key" ON "Receipt"("leafId");

-- An integrity alarm names its leaf; the entry's sequence number is read through it.
ALTER TABLE "IntegrityAlarm" ADD COLUMN "auditLeafId" TEXT;
ALTER TABLE "IntegrityAlarm" ALTER COLUMN "auditSeq" DROP NOT NULL;

-- A leaf is never changed; it is removed only once its entry exists (by the
-- sequencer, in the transaction that integrated it) and never truncated.
CREATE FUNCTION cellgate_audit_leaf_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "AuditEntry" WHERE "leafId" = OLD.id) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit leaf % is not integrated yet: it cannot be removed', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'audit leaves are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER "AuditLeaf_guard"
  BEFORE UPDATE OR DELETE ON "AuditLeaf"
  FOR EACH ROW EXECUTE FUNCTION cellgate_audit_leaf_guard();

CREATE TRIGGER "AuditLeaf_no_truncate"
  BEFORE TRUNCATE ON "AuditLeaf"
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_audit_refuse_change();

-- Receipts stay unchangeable except for the one step the sequencer takes:
-- filling in the sequence number and hash of the entry its leaf became.
CREATE FUNCTION cellgate_receipt_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND OLD."auditSeq" IS NULL AND OLD."auditHash" IS NULL AND OLD."leafId" IS NOT NULL
     AND (NEW.id, NEW.action, NEW."actorType", NEW."actorId", NEW."scopeType", NEW."scopeId", NEW."tenantId", NEW.time,
          NEW."requestHash", NEW."resultHash", NEW.summary, NEW."tokenId", NEW."leafId", NEW."leafHash")
         IS NOT DISTINCT FROM
         (OLD.id, OLD.action, OLD."actorType", OLD."actorId", OLD."scopeType", OLD."scopeId", OLD."tenantId", OLD.time,
          OLD."requestHash", OLD."resultHash", OLD.summary, OLD."tokenId", OLD."leafId", OLD."leafHash")
     AND EXISTS (SELECT 1 FROM "AuditEntry" e
                  WHERE e.seq = NEW."auditSeq" AND e.hash = NEW."auditHash" AND e."leafId" = OLD."leafId") THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'receipts are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

DROP TRIGGER "Receipt_no_update_delete" ON "Receipt";
CREATE TRIGGER "Receipt_no_update_delete"
  BEFORE UPDATE OR DELETE ON "Receipt"
  FOR EACH ROW EXECUTE FUNCTION cellgate_receipt_guard();
