-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "consoleTags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "IntegrityAlarm" (
    "jobId" TEXT NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "detectedAt" TIMESTAMPTZ(3) NOT NULL,
    "noticedBy" TEXT NOT NULL,
    "problems" JSONB NOT NULL,
    "auditSeq" INTEGER NOT NULL,

    CONSTRAINT "IntegrityAlarm_pkey" PRIMARY KEY ("jobId")
);

-- CreateIndex
CREATE INDEX "IntegrityAlarm_tenantId_detectedAt_idx" ON "IntegrityAlarm"("tenantId", "detectedAt");

-- CreateIndex
CREATE INDEX "AuditEntry_action_time_idx" ON "AuditEntry"("action", "time");
