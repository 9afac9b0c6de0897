-- CreateEnum
CREATE TYPE "PolicyLevel" AS ENUM ('platform', 'tenant', 'profile');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('ALLOWED', 'DENIED', 'PENDING_APPROVAL', 'THROTTLED', 'APPROVED', 'REJECTED', 'EXPIRED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "personId" UUID;

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" UUID NOT NULL,
    "level" "PolicyLevel" NOT NULL,
    "scopeKey" TEXT NOT NULL,
    "tenantId" UUID,
    "profileId" UUID,
    "version" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "authorType" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "receiptId" TEXT NOT NULL,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyDecision" (
    "id" UUID NOT NULL,
    "tenantId" UUID,
    "profileId" UUID,
    "jobId" TEXT,
    "decision" TEXT NOT NULL,
    "ruleIds" TEXT[],
    "reason" TEXT NOT NULL,
    "policyHash" TEXT NOT NULL,
    "inputHash" TEXT NOT NULL,
    "constraints" JSONB,
    "approvalsNeeded" INTEGER,
    "ttlSec" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyDecision_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "hostId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "topic" TEXT NOT NULL,
    "riskTags" TEXT[],
    "labels" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "canonical" TEXT NOT NULL,
    "jobHash" TEXT NOT NULL,
    "status" "JobStatus" NOT NULL,
    "decisionId" UUID NOT NULL,
    "approvalsNeeded" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3),
    "resolvedAt" TIMESTAMPTZ(3),
    "requester" TEXT,
    "requesterIds" TEXT[],
    "traceId" TEXT NOT NULL,
    "receiptId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JobVote" (
    "id" UUID NOT NULL,
    "jobId" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "vote" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "seenHash" TEXT NOT NULL,
    "receiptId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobVote_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMPTZ(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PolicyVersion_tenantId_createdAt_idx" ON "PolicyVersion"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "PolicyVersion_profileId_createdAt_idx" ON "PolicyVersion"("profileId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_scopeKey_version_key" ON "PolicyVersion"("scopeKey", "version");

-- CreateIndex
CREATE INDEX "PolicyDecision_tenantId_createdAt_idx" ON "PolicyDecision"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "PolicyDecision_profileId_createdAt_idx" ON "PolicyDecision"("profileId", "createdAt");

-- CreateIndex
CREATE INDEX "PolicyDecision_jobId_idx" ON "PolicyDecision"("jobId");

-- CreateIndex
CREATE INDEX "PolicyDecision_decision_createdAt_idx" ON "PolicyDecision"("decision", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Job_decisionId_key" ON "Job"("decisionId");

-- CreateIndex
CREATE INDEX "Job_tenantId_status_createdAt_idx" ON "Job"("tenantId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Job_profileId_createdAt_idx" ON "Job"("profileId", "createdAt");

-- CreateIndex
CREATE INDEX "Job_status_expiresAt_idx" ON "Job"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Job_traceId_idx" ON "Job"("traceId");

-- CreateIndex
CREATE UNIQUE INDEX "JobVote_jobId_userId_key" ON "JobVote"("jobId", "userId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_nextAttemptAt_idx" ON "WebhookDelivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "User_personId_idx" ON "User"("personId");

-- AddForeignKey
ALTER TABLE "JobVote" ADD CONSTRAINT "JobVote_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

