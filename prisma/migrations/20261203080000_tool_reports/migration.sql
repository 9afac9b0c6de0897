-- CreateTable
CREATE TABLE "ToolReport" (
    "profileId" UUID NOT NULL,
    "tool" TEXT NOT NULL,
    "reportedHash" TEXT,
    "detectedAt" TIMESTAMPTZ(3) NOT NULL,
    "eventId" UUID NOT NULL,

    CONSTRAINT "ToolReport_pkey" PRIMARY KEY ("profileId","tool")
);

-- AlterTable
ALTER TABLE "StageChange" ADD COLUMN     "executedAt" TIMESTAMPTZ(3),
ADD COLUMN     "executionSec" DOUBLE PRECISION;
