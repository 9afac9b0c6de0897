-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "passkeyRequired" BOOLEAN NOT NULL DEFAULT false;
