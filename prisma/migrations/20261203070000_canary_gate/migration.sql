-- CreateTable
CREATE TABLE "StageChange" (
    "id" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "fromStage" "CanaryStage" NOT NULL,
    "toStage" "CanaryStage" NOT NULL,
    "kind" TEXT NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "snapshotHash" TEXT,
    "snapshot" JSONB NOT NULL,
    "receiptId" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StageChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PromotionRequest" (
    "id" TEXT NOT NULL,
    "profileId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "fromStage" "CanaryStage" NOT NULL,
    "toStage" "CanaryStage" NOT NULL,
    "requestedBy" UUID NOT NULL,
    "snapshotHash" TEXT NOT NULL,
    "snapshot" JSONB NOT NULL,
    "jobId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "voidReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "resolvedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PromotionRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StageChange_profileId_at_idx" ON "StageChange"("profileId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "PromotionRequest_jobId_key" ON "PromotionRequest"("jobId");

-- CreateIndex
CREATE INDEX "PromotionRequest_profileId_status_idx" ON "PromotionRequest"("profileId", "status");
