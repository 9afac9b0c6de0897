import "server-only";
/**
 * Everything recorded under one trace id, as one timeline: the job request
 * (job.submit), its policy decision record, the approval votes and the
 * expiry (entries on the same job, which carry their own request ids as
 * trace ids), other audit entries with the trace id, and ingest events the
 * hosts reported with it. All of it scoped to the actor's audit.read
 * tenants; null when nothing is visible, so a foreign trace reads like an
 * unknown one.
 */
import type { Actor } from "@/lib/authz";
import { db, type Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { auditScope } from "./scope";

export type TraceItemKind = "request" | "decision" | "vote" | "resolution" | "ingest" | "entry";

export interface TraceItem {
  kind: TraceItemKind;
  time: Date;
  title: string;
  /** Audit sequence number, for items that are audit entries. */
  seq: number | null;
  jobId: string | null;
  actor: string | null;
  tenant: string | null;
  profile: string | null;
  decision: string | null;
  /** Short facts shown beside the title. */
  facts: Record<string, string>;
  /** Data shown expanded (already redacted at write time). */
  data: unknown;
}

export interface TraceJob {
  id: string;
  topic: string;
  status: string;
  profile: string;
  tenant: string;
}

export interface TraceTimeline {
  traceId: string;
  jobs: TraceJob[];
  items: TraceItem[];
}

interface EntryRow {
  seq: number;
  time: Date | string;
  actorType: string;
  actorId: string;
  actorEmail: string | null;
  action: string;
  resource: string;
  decision: string | null;
  tenantSlug: string | null;
  profileSlug: string | null;
  data: unknown;
}

const RANK: Record<TraceItemKind, number> = { request: 0, decision: 1, vote: 2, entry: 2, ingest: 2, resolution: 3 };
const INGEST_LIMIT = 500;

const ENTRY_SELECT = Prisma.sql`
  SELECT e.seq, e.time, e."actorType", e."actorId", u.email AS "actorEmail", e.action, e.resource, e.decision,
    t.slug AS "tenantSlug", p.slug AS "profileSlug", e.data
  FROM "AuditEntry" e
  LEFT JOIN "Tenant" t ON t.id = e."tenantId"
  LEFT JOIN "Profile" p ON p.id = e."profileId"
  LEFT JOIN "User" u ON e."actorType" = 'user' AND u.id::text = e."actorId"`;

export async function getTraceTimeline(actor: Actor, traceId: string, options: { prisma?: Db } = {}): Promise<TraceTimeline | null> {
  const trace = traceId.trim();
  if (!trace || trace.length > 200) return null;
  const prisma = options.prisma ?? (await db());
  const entryScope = auditScope(actor, Prisma.sql`e."tenantId"`);

  const [entries, jobs, events] = await Promise.all([
    prisma.$queryRaw<EntryRow[]>(Prisma.sql`${ENTRY_SELECT} WHERE e."traceId" = ${trace} AND ${entryScope} ORDER BY e.seq`),
    prisma.$queryRaw<(TraceJob & { decisionId: string })[]>(Prisma.sql`
      SELECT j.id, j.topic, j.status::text AS status, p.slug AS profile, t.slug AS tenant, j."decisionId"::text AS "decisionId"
      FROM "Job" j JOIN "Profile" p ON p.id = j."profileId" JOIN "Tenant" t ON t.id = j."tenantId"
      WHERE j."traceId" = ${trace} AND ${auditScope(actor, Prisma.sql`j."tenantId"`)}
      ORDER BY j."createdAt", j.id`),
    prisma.$queryRaw<
      { eventId: string; hostId: string; type: string; occurredAt: Date | string; profile: string; tenant: string; attributes: unknown; redactions: unknown }[]
    >(Prisma.sql`
      SELECT i."eventId", i."hostId", i.type, i."occurredAt", p.slug AS profile, t.slug AS tenant, i.attributes, i.redactions
      FROM "IngestEvent" i JOIN "Profile" p ON p.id = i."profileId" JOIN "Tenant" t ON t.id = i."tenantId"
      WHERE i."traceId" = ${trace} AND ${auditScope(actor, Prisma.sql`i."tenantId"`)}
      ORDER BY i."occurredAt", i.id LIMIT ${INGEST_LIMIT}`),
  ]);

  // Votes and expiry carry their job's trace id, so the entries above hold them too.
  const decisions = jobs.length
    ? await prisma.$queryRaw<{ id: string; jobId: string; decision: string; ruleIds: string[]; reason: string; policyHash: string; inputHash: string; createdAt: Date | string; constraints: unknown }[]>(Prisma.sql`
        SELECT d.id::text AS id, d."jobId", d.decision, d."ruleIds", d.reason, d."policyHash", d."inputHash", d."createdAt", d.constraints
        FROM "PolicyDecision" d WHERE d.id = ANY(${jobs.map((j) => j.decisionId)}::uuid[])`)
    : [];

  const items: (TraceItem & { sortTime: number })[] = [];
  const requestTime = new Map<string, number>();
  for (const row of entries) {
    const item = entryItem(row);
    if (item.kind === "request" && item.jobId) requestTime.set(item.jobId, item.time.getTime());
    items.push({ ...item, sortTime: item.time.getTime() });
  }
  const jobById = new Map(jobs.map((j) => [j.id, j]));
  for (const d of decisions) {
    const job = jobById.get(d.jobId);
    const time = new Date(d.createdAt);
    items.push({
      kind: "decision",
      time,
      // The decision is taken before the request's entry is appended: keep it right after the request.
      sortTime: Math.max(time.getTime(), requestTime.get(d.jobId) ?? 0),
      title: `Policy decision: ${d.decision}`,
      seq: null,
      jobId: d.jobId,
      actor: "policy",
      tenant: job?.tenant ?? null,
      profile: job?.profile ?? null,
      decision: d.decision,
      facts: { rules: d.ruleIds.join(", ") || "none", reason: d.reason, "policy hash": d.policyHash, "input hash": d.inputHash },
      data: d.constraints ?? null,
    });
  }
  for (const ev of events) {
    const time = new Date(ev.occurredAt);
    items.push({
      kind: "ingest",
      time,
      sortTime: time.getTime(),
      title: `Host event: ${ev.type}`,
      seq: null,
      jobId: null,
      actor: `host:${ev.hostId}`,
      tenant: ev.tenant,
      profile: ev.profile,
      decision: null,
      facts: { event: ev.eventId, ...(ev.redactions ? { redacted: "yes (values removed before storage)" } : {}) },
      data: ev.attributes,
    });
  }
  if (items.length === 0) return null;
  items.sort((a, b) => a.sortTime - b.sortTime || RANK[a.kind] - RANK[b.kind] || (a.seq ?? 0) - (b.seq ?? 0));
  return {
    traceId: trace,
    jobs: jobs.map(({ decisionId: _decisionId, ...job }) => job),
    items: items.map(({ sortTime: _sortTime, ...item }) => item),
  };
}

function entryItem(row: EntryRow): TraceItem {
  const data = (row.data && typeof row.data === "object" && !Array.isArray(row.data) ? row.data : {}) as Record<string, unknown>;
  const jobId = row.resource.startsWith("job:") ? row.resource.slice(4) : null;
  const base = {
    time: new Date(row.time),
    seq: Number(row.seq),
    jobId,
    actor: row.actorEmail ?? `${row.actorType}:${row.actorId}`,
    tenant: row.tenantSlug,
    profile: row.profileSlug,
    decision: row.decision,
    data: row.data,
  };
  const text = (key: string) => (typeof data[key] === "string" ? (data[key] as string) : undefined);
  switch (row.action) {
    case "job.submit":
      return { ...base, kind: "request", title: `Job requested: ${text("topic") ?? jobId ?? row.resource}`, facts: compact({ job: jobId, status: text("status") }) };
    case "job.vote": {
      const vote = text("vote") ?? "vote";
      const status = text("status");
      const settled = status && status !== "PENDING_APPROVAL" ? ` (job ${status})` : "";
      return { ...base, kind: "vote", title: `${vote === "deny" ? "Deny" : vote === "approve" ? "Approve" : vote} vote by ${base.actor}${settled}`, facts: compact({ approvals: text("approvals"), "job hash": text("jobHash") }) };
    }
    case "job.expired":
      return { ...base, kind: "resolution", title: "Approval window expired", facts: compact({ job: jobId, noticed: text("noticedBy") }) };
    default:
      return { ...base, kind: "entry", title: row.action, facts: compact({ resource: row.resource }) };
  }
}

function compact(facts: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(facts).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}
