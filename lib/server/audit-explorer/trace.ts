import "server-only";
/**
 * Everything recorded under one trace id, as one timeline: the job request
 * (job.submit), its policy decision record, the approval votes and the
 * expiry (entries on the same job, which carry their own request ids as
 * trace ids), other audit entries with the trace id, and ingest events the
 * hosts reported with it. All of it scoped to the actor's audit.read
 * tenants; null when nothing is visible, so a foreign trace reads like an
 * unknown one.
 *
 * Each item has the time it happened (the job's submission, the decision,
 * the end of the approval window, the host's occurredAt) and the time the
 * audit log (or ingest) recorded it; the timeline is ordered by the first
 * (lib/domain/audit/timeline.ts) and shows both where they differ.
 */
import type { Actor } from "@/lib/authz";
import { db, type Db } from "@/lib/db";
import { orderTimeline, type TimelineKind } from "@/lib/domain/audit/timeline";
import { effectiveStatus, type JobStatus } from "@/lib/domain/jobs";
import { Prisma } from "@/lib/generated/prisma/client";
import { auditScope } from "./scope";

export type TraceItemKind = TimelineKind;

export interface TraceItem {
  kind: TraceItemKind;
  /** When it happened. */
  time: Date;
  /** When the audit log recorded it (its entry's time; for a host event, when the console received it); null when the same record holds it. */
  recordedAt: Date | null;
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

const INGEST_LIMIT = 500;

const ENTRY_SELECT = Prisma.sql`
  SELECT e.seq, e.time, e."actorType", e."actorId", u.email AS "actorEmail", e.action, e.resource, e.decision,
    t.slug AS "tenantSlug", p.slug AS "profileSlug", e.data
  FROM "AuditEntry" e
  LEFT JOIN "Tenant" t ON t.id = e."tenantId"
  LEFT JOIN "Profile" p ON p.id = e."profileId"
  LEFT JOIN "User" u ON e."actorType" = 'user' AND u.id::text = e."actorId"`;

export async function getTraceTimeline(actor: Actor, traceId: string, options: { prisma?: Db; now?: Date } = {}): Promise<TraceTimeline | null> {
  const trace = traceId.trim();
  if (!trace || trace.length > 200) return null;
  const prisma = options.prisma ?? (await db());
  const entryScope = auditScope(actor, Prisma.sql`e."tenantId"`);

  const [entries, jobs, events] = await Promise.all([
    prisma.$queryRaw<EntryRow[]>(Prisma.sql`${ENTRY_SELECT} WHERE e."traceId" = ${trace} AND ${entryScope} ORDER BY e.seq`),
    prisma.$queryRaw<(TraceJob & { decisionId: string; createdAt: Date | string; expiresAt: Date | string | null })[]>(Prisma.sql`
      SELECT j.id, j.topic, j.status::text AS status, p.slug AS profile, t.slug AS tenant, j."decisionId"::text AS "decisionId",
        j."createdAt", j."expiresAt"
      FROM "Job" j JOIN "Profile" p ON p.id = j."profileId" JOIN "Tenant" t ON t.id = j."tenantId"
      WHERE j."traceId" = ${trace} AND ${auditScope(actor, Prisma.sql`j."tenantId"`)}
      ORDER BY j."createdAt", j.id`),
    prisma.$queryRaw<
      { eventId: string; hostId: string; type: string; occurredAt: Date | string; receivedAt: Date | string; profile: string; tenant: string; attributes: unknown; redactions: unknown }[]
    >(Prisma.sql`
      SELECT i."eventId", i."hostId", i.type, i."occurredAt", i."receivedAt", p.slug AS profile, t.slug AS tenant, i.attributes, i.redactions
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

  const jobById = new Map(jobs.map((j) => [j.id, j]));
  const items: TraceItem[] = [];
  const requestEntry = new Map<string, { seq: number; time: Date }>();
  for (const row of entries) {
    const item = entryItem(row, jobById);
    if (item.kind === "request" && item.jobId && item.seq !== null) requestEntry.set(item.jobId, { seq: item.seq, time: item.recordedAt ?? item.time });
    items.push(item);
  }
  for (const d of decisions) {
    const job = jobById.get(d.jobId);
    // Decided as the job was submitted; recorded in the job's request entry.
    const recorded = requestEntry.get(d.jobId);
    items.push({
      kind: "decision",
      time: new Date(d.createdAt),
      recordedAt: recorded?.time ?? null,
      title: `Policy decision: ${d.decision}`,
      seq: null,
      jobId: d.jobId,
      actor: "policy",
      tenant: job?.tenant ?? null,
      profile: job?.profile ?? null,
      decision: d.decision,
      facts: compact({
        rules: d.ruleIds.join(", ") || "none",
        reason: d.reason,
        "policy hash": d.policyHash,
        "input hash": d.inputHash,
        "recorded in": recorded ? `entry #${recorded.seq}` : undefined,
      }),
      data: d.constraints ?? null,
    });
  }
  for (const ev of events) {
    items.push({
      kind: "ingest",
      time: new Date(ev.occurredAt),
      recordedAt: new Date(ev.receivedAt),
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
  // A window that closed while nobody read the job is not in the log until someone does: show it, saying so.
  const now = options.now ?? new Date();
  for (const job of jobs) {
    const expiresAt = job.expiresAt ? new Date(job.expiresAt) : null;
    if (effectiveStatus({ status: job.status as JobStatus, expiresAt }, now) !== "EXPIRED" || job.status === "EXPIRED") continue;
    if (items.some((i) => i.kind === "resolution" && i.jobId === job.id)) continue;
    items.push({
      kind: "resolution",
      time: expiresAt!,
      recordedAt: null,
      title: "Approval window expired (recorded in the audit log when the job is next read)",
      seq: null,
      jobId: job.id,
      actor: null,
      tenant: job.tenant,
      profile: job.profile,
      decision: "EXPIRED",
      facts: { job: job.id },
      data: null,
    });
  }
  if (items.length === 0) return null;
  return {
    traceId: trace,
    jobs: jobs.map(({ decisionId: _decisionId, createdAt: _createdAt, expiresAt, ...job }) => ({
      ...job,
      status: effectiveStatus({ status: job.status as JobStatus, expiresAt: expiresAt ? new Date(expiresAt) : null }, now),
    })),
    items: orderTimeline(items),
  };
}

type JobTimes = { createdAt: Date | string; expiresAt: Date | string | null };

function entryItem(row: EntryRow, jobs: Map<string, JobTimes>): TraceItem {
  const data = (row.data && typeof row.data === "object" && !Array.isArray(row.data) ? row.data : {}) as Record<string, unknown>;
  const jobId = row.resource.startsWith("job:") ? row.resource.slice(4) : null;
  const job = jobId ? jobs.get(jobId) : undefined;
  const recorded = new Date(row.time);
  const base = {
    time: recorded,
    recordedAt: recorded,
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
      // The job's own submission time; its entry may be written later (a back-dated demo job).
      return { ...base, time: job ? new Date(job.createdAt) : recorded, kind: "request", title: `Job requested: ${text("topic") ?? jobId ?? row.resource}`, facts: compact({ job: jobId, status: text("status") }) };
    case "job.vote": {
      const vote = text("vote") ?? "vote";
      const status = text("status");
      const settled = status && status !== "PENDING_APPROVAL" ? ` (job ${status})` : "";
      return {
        ...base,
        kind: "vote",
        title: `${vote === "deny" ? "Deny" : vote === "approve" ? "Approve" : vote} vote by ${base.actor}${settled}`,
        facts: compact({ note: text("note"), approvals: text("approvals"), "job hash": text("jobHash") }),
      };
    }
    case "job.expired":
      // The window closed at expiresAt; the entry is written when someone next reads the job.
      return { ...base, time: job?.expiresAt ? new Date(job.expiresAt) : recorded, kind: "resolution", title: "Approval window expired", facts: compact({ job: jobId, noticed: text("noticedBy") }) };
    default:
      return { ...base, kind: "entry", title: row.action, facts: compact({ resource: row.resource }) };
  }
}

function compact(facts: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(facts).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}
