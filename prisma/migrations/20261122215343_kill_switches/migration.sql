-- CreateEnum
CREATE TYPE "KillSwitchScope" AS ENUM ('global', 'tenant', 'profile', 'capability');

-- CreateTable
CREATE TABLE "KillSwitch" (
    "id" TEXT NOT NULL,
    "scope" "KillSwitchScope" NOT NULL,
    "tenantId" UUID,
    "profileId" UUID,
    "capability" TEXT,
    "reason" TEXT NOT NULL,
    "engagedBy" TEXT NOT NULL,
    "engagedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "autoReleaseAt" TIMESTAMPTZ(3),
    "releasedAt" TIMESTAMPTZ(3),
    "releasedBy" TEXT,
    "releaseReason" TEXT,
    "engageReceiptId" TEXT NOT NULL,
    "releaseReceiptId" TEXT,

    CONSTRAINT "KillSwitch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KillSwitch_releasedAt_autoReleaseAt_idx" ON "KillSwitch"("releasedAt", "autoReleaseAt");

-- CreateIndex
CREATE INDEX "KillSwitch_tenantId_engagedAt_idx" ON "KillSwitch"("tenantId", "engagedAt");

-- CreateIndex
CREATE INDEX "KillSwitch_profileId_engagedAt_idx" ON "KillSwitch"("profileId", "engagedAt");

