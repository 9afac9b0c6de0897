-- CreateTable
CREATE TABLE "CheckpointCosignature" (
    "id" SERIAL NOT NULL,
    "checkpointId" INTEGER NOT NULL,
    "witnessName" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "vkey" TEXT NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "line" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CheckpointCosignature_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CheckpointCosignature_checkpointId_vkey_key" ON "CheckpointCosignature"("checkpointId", "vkey");

-- CreateIndex
CREATE INDEX "CheckpointCosignature_vkey_checkpointId_idx" ON "CheckpointCosignature"("vkey", "checkpointId");

-- AddForeignKey
ALTER TABLE "CheckpointCosignature" ADD CONSTRAINT "CheckpointCosignature_checkpointId_fkey" FOREIGN KEY ("checkpointId") REFERENCES "AuditCheckpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Cosignatures are evidence, like the checkpoints they sign: never changed or removed.
CREATE TRIGGER "CheckpointCosignature_no_update_delete"
  BEFORE UPDATE OR DELETE ON "CheckpointCosignature"
  FOR EACH ROW EXECUTE FUNCTION cellgate_audit_refuse_change();

CREATE TRIGGER "CheckpointCosignature_no_truncate"
  BEFORE TRUNCATE ON "CheckpointCosignature"
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_audit_refuse_change();
