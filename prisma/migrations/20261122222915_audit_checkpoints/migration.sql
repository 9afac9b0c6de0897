-- CreateTable
CREATE TABLE "AuditCheckpoint" (
    "id" SERIAL NOT NULL,
    "seq" INTEGER NOT NULL,
    "headHash" TEXT NOT NULL,
    "treeRoot" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "keyId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "frontier" JSONB NOT NULL,

    CONSTRAINT "AuditCheckpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditCheckpoint_seq_idx" ON "AuditCheckpoint"("seq");

-- CreateIndex
CREATE INDEX "AuditCheckpoint_time_idx" ON "AuditCheckpoint"("time");


-- Checkpoints are evidence: never changed or removed (same rule as the log).
CREATE TRIGGER "AuditCheckpoint_no_update_delete"
  BEFORE UPDATE OR DELETE ON "AuditCheckpoint"
  FOR EACH ROW EXECUTE FUNCTION cellgate_audit_refuse_change();

CREATE TRIGGER "AuditCheckpoint_no_truncate"
  BEFORE TRUNCATE ON "AuditCheckpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_audit_refuse_change();
