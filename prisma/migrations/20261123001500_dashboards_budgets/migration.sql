-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "monthlyBudgetUsd" DECIMAL(18,2);

-- AlterTable
ALTER TABLE "Profile" ADD COLUMN     "monthlyBudgetUsd" DECIMAL(18,2);

-- CreateTable
CREATE TABLE "BudgetAlert" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID,
    "scopeKey" TEXT NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "threshold" INTEGER NOT NULL,
    "spendUsd" DECIMAL(18,6) NOT NULL,
    "budgetUsd" DECIMAL(18,2) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BudgetAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BudgetAlert_tenantId_periodStart_idx" ON "BudgetAlert"("tenantId", "periodStart");

-- CreateIndex
CREATE UNIQUE INDEX "BudgetAlert_scopeKey_periodStart_threshold_key" ON "BudgetAlert"("scopeKey", "periodStart", "threshold");

-- CreateIndex
CREATE INDEX "IngestEvent_tenantId_occurredAt_idx" ON "IngestEvent"("tenantId", "occurredAt");

