-- AlterTable
ALTER TABLE "KillSwitch" ADD COLUMN     "engagePasskey" JSONB,
ADD COLUMN     "engagePasskeyNonce" TEXT,
ADD COLUMN     "releasePasskey" JSONB,
ADD COLUMN     "releasePasskeyNonce" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "KillSwitch_engagePasskeyNonce_key" ON "KillSwitch"("engagePasskeyNonce");

-- CreateIndex
CREATE UNIQUE INDEX "KillSwitch_releasePasskeyNonce_key" ON "KillSwitch"("releasePasskeyNonce");
