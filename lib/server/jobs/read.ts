import "server-only";
/**
 * Reading a job (GET /api/v1/jobs/{id}): only for a host bound to the job's
 * profile (anything else is "not found"). Expiry needs no sweeper: a pending
 * job read at or after its expiresAt is persisted as EXPIRED right then
 * (a conditional UPDATE, so exactly one reader writes it, with its audit
 * entry "job.expired" in the same transaction) and answered as EXPIRED.
 */
import type { Database } from "@/lib/db";
import { effectiveStatus, type JobStatus } from "@/lib/domain/jobs";
import { appendAudit } from "@/lib/server/audit";
import { decisionRecord, iso, type DecisionRow, type JobView } from "./view";

const JOB_ID = /^job_[A-Za-z0-9_-]{10,64}$/;

interface JobRow extends DecisionRow {
  id: string;
  status: JobStatus;
  jobHash: string;
  topic: string;
  tenantSlug: string;
  profileSlug: string;
  tenantId: string;
  profileId: string;
  approvalsNeeded: number;
  approved: number;
  expiresAt: Date | string | null;
  createdAt: Date | string;
  resolvedAt: Date | string | null;
  receiptId: string;
  traceId: string;
}

const JOB_QUERY = `
  SELECT j."id", j."status"::text AS "status", j."jobHash", j."topic", t."slug" AS "tenantSlug", p."slug" AS "profileSlug",
    j."tenantId"::text AS "tenantId", j."profileId"::text AS "profileId", j."approvalsNeeded", j."expiresAt", j."createdAt", j."resolvedAt",
    j."receiptId", j."traceId",
    (SELECT count(*)::int FROM "JobVote" v WHERE v."jobId" = j."id" AND v."vote" = 'approve') AS "approved",
    d."id"::text AS "decisionId", d."decision", d."ruleIds", d."reason", d."policyHash", d."inputHash", d."constraints",
    d."approvalsNeeded" AS "decisionApprovals", d."ttlSec", d."createdAt" AS "decisionCreatedAt"
  FROM "Job" j
  JOIN "PolicyDecision" d ON d."id" = j."decisionId"
  JOIN "Profile" p ON p."id" = j."profileId"
  JOIN "Tenant" t ON t."id" = j."tenantId"
  WHERE j."id" = $1 AND j."profileId" = ANY($2::uuid[])`;

export function isJobId(id: string): boolean {
  return JOB_ID.test(id);
}

function toView(row: JobRow, status: JobStatus, resolvedAt: Date | string | null): JobView {
  return {
    id: row.id,
    status,
    jobHash: row.jobHash,
    topic: row.topic,
    tenant: row.tenantSlug,
    profile: row.profileSlug,
    decision: decisionRecord(row),
    approvals: { needed: Number(row.approvalsNeeded), approved: Number(row.approved) },
    expiresAt: iso(row.expiresAt),
    createdAt: iso(row.createdAt)!,
    resolvedAt: iso(resolvedAt),
    receiptId: row.receiptId,
  };
}

/** The job as `host` may see it, or null (unknown id, or a profile the host is not bound to). */
export async function readJobForHost(database: Database, host: { id: string; profileIds: string[] }, id: string, now: Date): Promise<JobView | null> {
  if (!isJobId(id) || host.profileIds.length === 0) return null;
  const rows = await database.sql.query<JobRow>(JOB_QUERY, [id, `{${host.profileIds.join(",")}}`]);
  const row = rows[0];
  if (!row) return null;
  const status = effectiveStatus({ status: row.status, expiresAt: row.expiresAt ? new Date(row.expiresAt) : null }, now);
  if (status === "EXPIRED" && row.status === "PENDING_APPROVAL") {
    const stored = await persistExpiry(database, row, { type: "host", id: host.id }, now);
    return toView(row, stored.status, stored.resolvedAt);
  }
  return toView(row, status, row.resolvedAt);
}

/**
 * Marks a pending job past its expiry as EXPIRED (resolvedAt = its expiry
 * time) with an audit entry, unless someone else already resolved it.
 * Returns the status and resolvedAt now stored.
 */
export async function persistExpiry(
  database: Database,
  job: { id: string; tenantId: string; profileId: string; jobHash: string; traceId?: string | null },
  actor: { type: "host" | "user" | "system"; id: string },
  now: Date,
): Promise<{ status: JobStatus; resolvedAt: Date | null }> {
  return database.prisma.$transaction(async (tx) => {
    const updated = await tx.$queryRawUnsafe<Array<{ resolvedAt: Date }>>(
      `UPDATE "Job" SET "status" = 'EXPIRED', "resolvedAt" = "expiresAt"
        WHERE "id" = $1 AND "status" = 'PENDING_APPROVAL' AND "expiresAt" <= $2::timestamptz
        RETURNING "resolvedAt"`,
      job.id,
      now.toISOString(),
    );
    if (updated.length === 0) {
      const current = await tx.job.findUnique({ where: { id: job.id }, select: { status: true, resolvedAt: true } });
      return { status: (current?.status ?? "EXPIRED") as JobStatus, resolvedAt: current?.resolvedAt ?? null };
    }
    await appendAudit(tx, {
      actor,
      action: "job.expired",
      resource: `job:${job.id}`,
      tenantId: job.tenantId,
      profileId: job.profileId,
      decision: "EXPIRED",
      requestHash: job.jobHash.replace(/^sha256:/, ""),
      traceId: job.traceId ?? null,
      data: { job: job.id, jobHash: job.jobHash, noticedBy: `${actor.type}:${actor.id}` },
    });
    return { status: "EXPIRED" as const, resolvedAt: updated[0]!.resolvedAt };
  });
}
