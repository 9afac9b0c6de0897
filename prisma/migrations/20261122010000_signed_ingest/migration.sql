-- AlterTable
ALTER TABLE "Profile" ADD COLUMN     "heartbeatIntervalSec" INTEGER NOT NULL DEFAULT 60,
ADD COLUMN     "lastHeartbeatAt" TIMESTAMPTZ(3),
ADD COLUMN     "unitState" TEXT,
ADD COLUMN     "unitStateAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Host" ADD COLUMN     "ratePerMinute" INTEGER NOT NULL DEFAULT 600;

-- CreateTable
CREATE TABLE "SignatureNonce" (
    "keyId" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SignatureNonce_pkey" PRIMARY KEY ("keyId","nonce")
);

-- CreateTable
CREATE TABLE "RateCounter" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateCounter_pkey" PRIMARY KEY ("key","windowStart")
);

-- CreateTable
CREATE TABLE "IngestBatch" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "batchHash" TEXT NOT NULL,
    "accepted" INTEGER NOT NULL,
    "duplicates" INTEGER NOT NULL,
    "receiptId" TEXT NOT NULL,

    CONSTRAINT "IngestBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IngestEvent" (
    "id" UUID NOT NULL,
    "hostId" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "traceId" TEXT,
    "attributes" JSONB NOT NULL,
    "redactions" JSONB,

    CONSTRAINT "IngestEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProfileEvidence" (
    "profileId" UUID NOT NULL,
    "item" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "observedAt" TIMESTAMPTZ(3) NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "eventId" UUID,

    CONSTRAINT "ProfileEvidence_pkey" PRIMARY KEY ("profileId","item")
);

-- CreateTable
CREATE TABLE "CostRecord" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "eventId" UUID NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "model" TEXT NOT NULL,
    "tokensIn" INTEGER NOT NULL,
    "tokensOut" INTEGER NOT NULL,
    "cost" DECIMAL(18,6) NOT NULL,

    CONSTRAINT "CostRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SignatureNonce_expiresAt_idx" ON "SignatureNonce"("expiresAt");

-- CreateIndex
CREATE INDEX "RateCounter_windowStart_idx" ON "RateCounter"("windowStart");

-- CreateIndex
CREATE INDEX "IngestBatch_hostId_receivedAt_idx" ON "IngestBatch"("hostId", "receivedAt");

-- CreateIndex
CREATE INDEX "IngestEvent_profileId_occurredAt_idx" ON "IngestEvent"("profileId", "occurredAt");

-- CreateIndex
CREATE INDEX "IngestEvent_profileId_type_occurredAt_idx" ON "IngestEvent"("profileId", "type", "occurredAt");

-- CreateIndex
CREATE INDEX "IngestEvent_tenantId_type_occurredAt_idx" ON "IngestEvent"("tenantId", "type", "occurredAt");

-- CreateIndex
CREATE INDEX "IngestEvent_traceId_idx" ON "IngestEvent"("traceId");

-- CreateIndex
CREATE UNIQUE INDEX "IngestEvent_hostId_eventId_key" ON "IngestEvent"("hostId", "eventId");

-- CreateIndex
CREATE UNIQUE INDEX "CostRecord_eventId_key" ON "CostRecord"("eventId");

-- CreateIndex
CREATE INDEX "CostRecord_tenantId_occurredAt_idx" ON "CostRecord"("tenantId", "occurredAt");

-- CreateIndex
CREATE INDEX "CostRecord_profileId_occurredAt_idx" ON "CostRecord"("profileId", "occurredAt");

-- AddForeignKey
ALTER TABLE "IngestEvent" ADD CONSTRAINT "IngestEvent_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "IngestBatch"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IngestEvent" ADD CONSTRAINT "IngestEvent_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProfileEvidence" ADD CONSTRAINT "ProfileEvidence_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CostRecord" ADD CONSTRAINT "CostRecord_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

