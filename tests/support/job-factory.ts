/**
 * Jobs for tests that need one without the policy engine or signed HTTP: a
 * PolicyDecision and a Job row written directly, with the canonical text and
 * jobHash computed exactly as the jobs API does (canonicalJob).
 */
import { randomBytes } from "node:crypto";
import type { TenantRole } from "../../lib/authz";
import type { Db } from "../../lib/db";
import { canonicalJob, consoleTagsFor, type JobBody, type JobStatus } from "../../lib/domain/jobs";
import { hashAuditEntry } from "../../lib/domain/audit/chain";
import { canonicalHash } from "../../lib/domain/hash";
import { submitRequestHash } from "../../lib/domain/jobs/integrity";
import type { SessionActor } from "../../lib/server/session";

/** Like randomSlug in databases.ts, without its vitest import (e2e specs use this file too). */
function randomSlug(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export interface JobFactoryInput {
  tenant: { id: string; slug: string };
  profile: { id: string; slug: string };
  status?: JobStatus;
  topic?: string;
  riskTags?: string[];
  labels?: Record<string, string>;
  payload?: JobBody["payload"];
  approvalsNeeded?: number;
  /** Seconds until expiry for a pending job (negative: already expired, unswept). */
  ttlSec?: number;
  requesterIds?: string[];
  requester?: string | null;
  hostId?: string;
  createdAt?: Date;
  resolvedAt?: Date | null;
  decision?: "ALLOW" | "DENY" | "REQUIRE_APPROVAL" | "ALLOW_WITH_CONSTRAINTS" | "THROTTLE";
  reason?: string;
}

const DECISION_FOR: Record<JobStatus, NonNullable<JobFactoryInput["decision"]>> = {
  ALLOWED: "ALLOW",
  DENIED: "DENY",
  PENDING_APPROVAL: "REQUIRE_APPROVAL",
  THROTTLED: "THROTTLE",
  APPROVED: "REQUIRE_APPROVAL",
  REJECTED: "REQUIRE_APPROVAL",
  EXPIRED: "REQUIRE_APPROVAL",
};

export function jobId(): string {
  return `job_${randomBytes(12).toString("base64url")}`;
}

export async function createJob(prisma: Db, input: JobFactoryInput) {
  const status = input.status ?? "PENDING_APPROVAL";
  const labels = { ...(input.labels ?? {}), ...(input.requester ? { requester: input.requester } : {}) };
  const body: JobBody = {
    topic: input.topic ?? `job.${randomSlug("bridge")}.write.update_ticket`,
    tenant: input.tenant.slug,
    profile: input.profile.slug,
    riskTags: input.riskTags ?? ["writes"],
    labels,
    payload: input.payload ?? { ticket: randomSlug("T"), fields: { priority: "high" } },
  };
  const { canonical, jobHash } = canonicalJob(body);
  const id = jobId();
  const createdAt = input.createdAt ?? new Date();
  const approvalsNeeded = input.approvalsNeeded ?? (status === "PENDING_APPROVAL" ? 1 : 0);
  const ttlSec = input.ttlSec ?? 3600;
  const decision = await prisma.policyDecision.create({
    data: {
      tenantId: input.tenant.id,
      profileId: input.profile.id,
      jobId: id,
      decision: input.decision ?? DECISION_FOR[status],
      ruleIds: ["platform:test-rule"],
      reason: input.reason ?? "writes need a human",
      policyHash: `sha256:${"ab".repeat(32)}`,
      inputHash: jobHash,
      approvalsNeeded: approvalsNeeded || null,
      ttlSec,
      createdAt,
    },
  });
  const hostId = input.hostId ?? "test-host";
  const keyId = `${hostId}-key`;
  const requesterIds = input.requesterIds ?? [];
  const receiptId = await writeSubmitReceipt(prisma, { jobId: id, jobHash, keyId, hostId, tenantId: input.tenant.id, profileId: input.profile.id });
  return prisma.job.create({
    data: {
      id,
      tenantId: input.tenant.id,
      profileId: input.profile.id,
      hostId,
      keyId,
      topic: body.topic,
      riskTags: body.riskTags,
      consoleTags: consoleTagsFor(body),
      labels: body.labels,
      payload: body.payload as object,
      canonical,
      jobHash,
      status,
      decisionId: decision.id,
      approvalsNeeded,
      expiresAt: ["PENDING_APPROVAL", "APPROVED", "REJECTED", "EXPIRED"].includes(status)
        ? new Date(createdAt.getTime() + ttlSec * 1000)
        : null,
      resolvedAt: input.resolvedAt ?? null,
      requester: input.requester ?? null,
      requesterIds,
      traceId: randomBytes(16).toString("hex"),
      receiptId,
      createdAt,
    },
  });
}

/**
 * The job.submit receipt and audit entry the jobs API writes with every job
 * (the integrity check reads the job hash and key it bound), appended to the
 * chain like lib/server/audit.ts does. Written here, not through that
 * module, because e2e specs import this file outside the server runtime.
 */
async function writeSubmitReceipt(
  prisma: Db,
  job: { jobId: string; jobHash: string; keyId: string; hostId: string; tenantId: string; profileId: string },
): Promise<string> {
  const receiptId = `rcpt_${randomBytes(12).toString("base64url")}`;
  await prisma.$transaction(async (tx) => {
    const [head] = await tx.$queryRawUnsafe<{ seq: number; hash: string }[]>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1 FOR UPDATE`);
    const fields = {
      seq: head!.seq + 1, time: new Date(), actorType: "host", actorId: job.hostId, action: "job.submit", resource: `job:${job.jobId}`,
      tenantId: job.tenantId, profileId: job.profileId, decision: "REQUIRE_APPROVAL", requestHash: submitRequestHash(job.jobHash, job.keyId),
      resultHash: canonicalHash({ job: job.jobId }), traceId: null, data: { receipt: receiptId, job: job.jobId }, prevHash: head!.hash,
    };
    const hash = hashAuditEntry(fields);
    await tx.auditEntry.create({ data: { ...fields, hash } });
    await tx.receipt.create({
      data: {
        id: receiptId, action: "job.submit", actorType: "host", actorId: job.hostId, scopeType: "job", scopeId: job.jobId, tenantId: job.tenantId,
        time: fields.time, requestHash: fields.requestHash, resultHash: fields.resultHash, auditSeq: fields.seq, auditHash: hash, summary: { job: job.jobId },
      },
    });
    await tx.auditHead.update({ where: { id: 1 }, data: { seq: fields.seq, hash } });
  });
  return receiptId;
}

/**
 * A real User (+ Membership and Session rows) and the SessionActor the app
 * would build for them. Accounts of one person share a personId; the actor
 * lists the others in identityIds, as lib/server/session.ts does.
 */
export async function createActor(
  prisma: Db,
  tenantId: string | null,
  role: TenantRole | "platform_admin",
  options: { personId?: string } = {},
): Promise<SessionActor> {
  const email = `${randomSlug(role.replace("_", "-"))}@example.test`;
  const admin = role === "platform_admin";
  const user = await prisma.user.create({
    data: { email, name: email, platformAdmin: admin, personId: options.personId ?? null },
  });
  if (tenantId && !admin) await prisma.membership.create({ data: { userId: user.id, tenantId, role: role as TenantRole } });
  const session = await prisma.session.create({
    data: { id: randomSlug("sid"), userId: user.id, sessionVersion: 1, expiresAt: new Date(Date.now() + 3_600_000) },
  });
  const identityIds = options.personId
    ? (await prisma.user.findMany({ where: { personId: options.personId, id: { not: user.id } }, select: { id: true } })).map(
        (u) => u.id,
      )
    : [];
  return {
    userId: user.id,
    email,
    name: email,
    sessionId: session.id,
    identityIds,
    platformAdmin: admin,
    isPlatformAdminUser: admin,
    memberships: tenantId && !admin ? [{ tenantId, role: role as TenantRole }] : [],
    tenants: [],
    viewAs: null,
  };
}
