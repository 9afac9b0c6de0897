import "server-only";
/**
 * The approval queue and its history. Every query carries the tenants in
 * which the actor holds `job.read`, so another tenant's jobs are never listed
 * (not even counted). Expiry is applied at read time: a pending job past its
 * expiresAt leaves the queue and shows in history as EXPIRED, swept or not.
 * Each pending row carries the kill switches in force covering it
 * (switchesCoveringEach: the same coverage the vote and the jobs API apply).
 */
import { holdsAnywhere, scopeFor, withinScope, type Actor, type TenantScope } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import { db, type Db } from "@/lib/db";
import { effectiveRiskTags, effectiveStatus, type JobStatus } from "@/lib/domain/jobs";
import type { TierName } from "@/lib/domain/tiers";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ApprovalsQuery } from "@/lib/schemas/approvals";
import { HIDDEN_CHARS_TAG } from "@/lib/domain/text/hidden-chars";
import { describeSwitch } from "@/lib/domain/killswitch";
import { switchesCoveringEach } from "../killswitches/effects";

/** Tenants whose jobs the actor may read (every tenant for platform admins). */
export function jobTenants(actor: Actor): TenantScope {
  return scopeFor(actor, "job.read");
}

export function mayReadJobs(actor: Actor): boolean {
  return holdsAnywhere(actor, "job.read");
}

export interface QueueRow {
  id: string;
  topic: string;
  riskTags: string[];
  tenant: { slug: string; name: string };
  profile: { slug: string; tier: TierName };
  /** Effective status (a pending job past its expiry reads EXPIRED). */
  status: JobStatus;
  approvals: number;
  approvalsNeeded: number;
  requester: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  resolvedAt: Date | null;
  /** The request holds invisible or direction-changing characters (lib/domain/text/hidden-chars.ts). */
  hiddenChars: boolean;
  /** An integrity alarm is recorded for the job (lib/server/approvals/integrity.ts). */
  integrityAlarm: boolean;
  /** Kill switches in force covering the pending job (it cannot be approved meanwhile), oldest first; empty in history. */
  killSwitches: QueueSwitch[];
}

export interface QueueSwitch {
  id: string;
  /** What it stops, e.g. "profile acme-ticket-triage". */
  description: string;
  reason: string;
}

export interface QueuePage {
  rows: QueueRow[];
  total: number;
  page: number;
  pageCount: number;
  size: number;
}

interface RawRow {
  id: string;
  topic: string;
  riskTags: string[];
  consoleTags: string[];
  tenantId: string;
  profileId: string;
  tenantSlug: string;
  tenantName: string;
  profileSlug: string;
  tier: TierName;
  status: JobStatus;
  approvals: number;
  approvalsNeeded: number;
  requester: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  resolvedAt: Date | null;
  hiddenChars: boolean;
  integrityAlarm: boolean;
}

function conditions(actor: Actor, query: ApprovalsQuery, now: Date): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  where.push(scopedSql(jobTenants(actor), Prisma.sql`j."tenantId"`));
  if (query.view === "pending") {
    where.push(Prisma.sql`j.status = 'PENDING_APPROVAL'::"JobStatus" AND j."expiresAt" > ${now}`);
  } else {
    const expired = Prisma.sql`(j.status = 'EXPIRED'::"JobStatus" OR (j.status = 'PENDING_APPROVAL'::"JobStatus" AND j."expiresAt" <= ${now}))`;
    if (query.outcome === "EXPIRED") where.push(expired);
    else if (query.outcome) where.push(Prisma.sql`j.status = ${query.outcome}::"JobStatus"`);
    else where.push(Prisma.sql`(j.status IN ('APPROVED'::"JobStatus", 'REJECTED'::"JobStatus") OR ${expired})`);
  }
  if (query.tenant) where.push(Prisma.sql`t.slug = ${query.tenant}`);
  if (query.profile) where.push(Prisma.sql`p.slug = ${query.profile}`);
  if (query.tier) where.push(Prisma.sql`p.tier = ${query.tier}::"Tier"`);
  // A topic filter matches the topic itself and everything under it ("job.mcp-bridge" → "job.mcp-bridge.write.…").
  if (query.topic) where.push(Prisma.sql`(j.topic = ${query.topic} OR left(j.topic, ${query.topic.length + 1}) = ${`${query.topic}.`})`);
  if (query.riskTag) where.push(Prisma.sql`(${query.riskTag} = ANY(j."riskTags") OR ${query.riskTag} = ANY(j."consoleTags"))`);
  return where;
}

/** Pending (oldest first) or history (most recently resolved first), filtered and paginated. */
export async function listApprovalJobs(
  actor: Actor,
  query: ApprovalsQuery,
  options: { now?: Date; prisma?: Db } = {},
): Promise<QueuePage> {
  const prisma = options.prisma ?? (await db());
  const now = options.now ?? new Date();
  const where = Prisma.join(conditions(actor, query, now), " AND ");
  const from = Prisma.sql`FROM "Job" j JOIN "Tenant" t ON t.id = j."tenantId" JOIN "Profile" p ON p.id = j."profileId" WHERE ${where}`;
  const counted = await prisma.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n ${from}`);
  const total = counted[0]?.n ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / query.size));
  const page = Math.min(query.page, pageCount);
  const order =
    query.view === "pending"
      ? Prisma.sql`j."createdAt" ASC, j.id ASC`
      : Prisma.sql`COALESCE(j."resolvedAt", LEAST(j."expiresAt", ${now}::timestamptz), j."createdAt") DESC, j.id DESC`;
  const rows = await prisma.$queryRaw<RawRow[]>(Prisma.sql`
    SELECT j.id, j.topic, j."riskTags", j."consoleTags", j."tenantId"::text AS "tenantId", j."profileId"::text AS "profileId", t.slug AS "tenantSlug", t.name AS "tenantName", p.slug AS "profileSlug",
      p.tier::text AS tier, j.status::text AS status, j."approvalsNeeded", j.requester, j."createdAt", j."expiresAt",
      j."resolvedAt", ${HIDDEN_CHARS_TAG} = ANY(j."consoleTags") AS "hiddenChars",
      EXISTS (SELECT 1 FROM "IntegrityAlarm" a WHERE a."jobId" = j.id) AS "integrityAlarm",
      (SELECT count(*)::int FROM "JobVote" v WHERE v."jobId" = j.id AND v.vote = 'approve') AS approvals
    ${from}
    ORDER BY ${order}
    LIMIT ${query.size} OFFSET ${(page - 1) * query.size}`);
  const statuses = rows.map((r) => effective(r, now));
  const pending = rows.flatMap((r, i) => (statuses[i] === "PENDING_APPROVAL" ? [r] : []));
  const covering = await switchesCoveringEach(
    prisma,
    pending.map((r) => ({ tenantId: r.tenantId, profileId: r.profileId, topic: r.topic, riskTags: effectiveRiskTags(r) })),
    now,
  );
  const switchesOf = new Map(
    pending.map((r, i) => [
      r.id,
      covering[i]!.map((sw) => ({
        id: sw.id,
        description: describeSwitch({ scope: sw.scope, tenant: r.tenantSlug, profile: sw.profileId ? r.profileSlug : null, capability: sw.capability }),
        reason: sw.reason,
      })),
    ]),
  );
  return {
    rows: rows.map((r, i) => ({
      id: r.id,
      topic: r.topic,
      riskTags: r.riskTags,
      tenant: { slug: r.tenantSlug, name: r.tenantName },
      profile: { slug: r.profileSlug, tier: r.tier },
      status: statuses[i]!,
      approvals: r.approvals,
      approvalsNeeded: Math.max(1, r.approvalsNeeded),
      requester: r.requester,
      createdAt: new Date(r.createdAt),
      expiresAt: r.expiresAt ? new Date(r.expiresAt) : null,
      resolvedAt: r.resolvedAt ? new Date(r.resolvedAt) : null,
      hiddenChars: r.hiddenChars === true,
      integrityAlarm: r.integrityAlarm === true,
      killSwitches: switchesOf.get(r.id) ?? [],
    })),
    total,
    page,
    pageCount,
    size: query.size,
  };
}

function effective(row: RawRow, now: Date): JobStatus {
  return effectiveStatus({ status: row.status, expiresAt: row.expiresAt ? new Date(row.expiresAt) : null }, now);
}

/** Tenants the actor may filter the queue by (those where it holds job.read). */
export function queueTenants(actor: Actor & { tenants: { id: string; slug: string; name: string }[] }) {
  return withinScope(jobTenants(actor), actor.tenants);
}
