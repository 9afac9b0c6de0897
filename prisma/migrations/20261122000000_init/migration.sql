-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'operator', 'approver', 'auditor', 'tenant_admin');

-- CreateEnum
CREATE TYPE "Tier" AS ENUM ('L0', 'L1', 'L2', 'L3', 'L4', 'L5');

-- CreateEnum
CREATE TYPE "Health" AS ENUM ('healthy', 'degraded', 'down', 'unknown');

-- CreateEnum
CREATE TYPE "CanaryStage" AS ENUM ('deploy_only', 'read_only', 'limited', 'promoted', 'rolled_back');

-- CreateEnum
CREATE TYPE "KeyStatus" AS ENUM ('active', 'revoked');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "platformAdmin" BOOLEAN NOT NULL DEFAULT false,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "sessionVersion" INTEGER NOT NULL DEFAULT 1,
    "oidcIssuer" TEXT,
    "oidcSubject" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'local',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "sessionVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedReason" TEXT,
    "clientAddress" TEXT,
    "userAgent" TEXT,
    "provider" TEXT NOT NULL DEFAULT 'credentials',
    "viewAsTenantId" UUID,
    "viewAsRole" "Role",

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMPTZ(3) NOT NULL,
    "blockedUntil" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "Profile" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "ring" INTEGER NOT NULL,
    "tier" "Tier" NOT NULL,
    "unit" TEXT NOT NULL,
    "health" "Health" NOT NULL DEFAULT 'unknown',
    "lastSeenAt" TIMESTAMPTZ(3),
    "canaryStage" "CanaryStage" NOT NULL DEFAULT 'deploy_only',
    "artifactDigest" TEXT NOT NULL,
    "rollbackEndpoint" TEXT NOT NULL,
    "rollbackManifestDigest" TEXT NOT NULL,
    "evidencePath" TEXT NOT NULL,
    "tools" JSONB NOT NULL DEFAULT '[]',
    "deniedTools" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "egress" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "secretRefs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProfileControl" (
    "profileId" UUID NOT NULL,
    "control" TEXT NOT NULL,
    "evidencedAt" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,

    CONSTRAINT "ProfileControl_pkey" PRIMARY KEY ("profileId","control")
);

-- CreateTable
CREATE TABLE "Host" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Host_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HostProfile" (
    "hostId" TEXT NOT NULL,
    "profileId" UUID NOT NULL,

    CONSTRAINT "HostProfile_pkey" PRIMARY KEY ("hostId","profileId")
);

-- CreateTable
CREATE TABLE "HostKey" (
    "id" TEXT NOT NULL,
    "hostId" TEXT NOT NULL,
    "publicKey" TEXT NOT NULL,
    "alg" TEXT NOT NULL DEFAULT 'ed25519',
    "status" "KeyStatus" NOT NULL DEFAULT 'active',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedReason" TEXT,

    CONSTRAINT "HostKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "seq" INTEGER NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "tenantId" UUID,
    "profileId" UUID,
    "decision" TEXT,
    "requestHash" TEXT,
    "resultHash" TEXT,
    "traceId" TEXT,
    "data" JSONB NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Receipt" (
    "id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "scopeType" TEXT NOT NULL,
    "scopeId" TEXT NOT NULL,
    "tenantId" UUID,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "requestHash" TEXT NOT NULL,
    "resultHash" TEXT NOT NULL,
    "auditSeq" INTEGER NOT NULL,
    "auditHash" TEXT NOT NULL,
    "summary" JSONB NOT NULL,

    CONSTRAINT "Receipt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_oidcIssuer_oidcSubject_key" ON "User"("oidcIssuer", "oidcSubject");

-- CreateIndex
CREATE INDEX "Membership_tenantId_idx" ON "Membership"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_tenantId_role_key" ON "Membership"("userId", "tenantId", "role");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Profile_slug_key" ON "Profile"("slug");

-- CreateIndex
CREATE INDEX "Profile_tenantId_slug_idx" ON "Profile"("tenantId", "slug");

-- CreateIndex
CREATE INDEX "Profile_tenantId_ring_idx" ON "Profile"("tenantId", "ring");

-- CreateIndex
CREATE INDEX "Profile_tenantId_tier_idx" ON "Profile"("tenantId", "tier");

-- CreateIndex
CREATE INDEX "Profile_tenantId_health_idx" ON "Profile"("tenantId", "health");

-- CreateIndex
CREATE INDEX "Profile_tenantId_canaryStage_idx" ON "Profile"("tenantId", "canaryStage");

-- CreateIndex
CREATE INDEX "Profile_tenantId_owner_idx" ON "Profile"("tenantId", "owner");

-- CreateIndex
CREATE INDEX "HostProfile_profileId_idx" ON "HostProfile"("profileId");

-- CreateIndex
CREATE INDEX "HostKey_hostId_idx" ON "HostKey"("hostId");

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_hash_key" ON "AuditEntry"("hash");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_seq_idx" ON "AuditEntry"("tenantId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_profileId_seq_idx" ON "AuditEntry"("profileId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_actorId_seq_idx" ON "AuditEntry"("actorId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_traceId_idx" ON "AuditEntry"("traceId");

-- CreateIndex
CREATE UNIQUE INDEX "Receipt_auditSeq_key" ON "Receipt"("auditSeq");

-- CreateIndex
CREATE INDEX "Receipt_actorId_time_idx" ON "Receipt"("actorId", "time");

-- CreateIndex
CREATE INDEX "Receipt_tenantId_time_idx" ON "Receipt"("tenantId", "time");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProfileControl" ADD CONSTRAINT "ProfileControl_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostProfile" ADD CONSTRAINT "HostProfile_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostProfile" ADD CONSTRAINT "HostProfile_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HostKey" ADD CONSTRAINT "HostKey_hostId_fkey" FOREIGN KEY ("hostId") REFERENCES "Host"("id") ON DELETE CASCADE ON UPDATE CASCADE;

