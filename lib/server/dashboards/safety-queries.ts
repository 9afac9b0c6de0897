import "server-only";
/**
 * The safety dashboard's aggregations, one grouped SQL statement each (never
 * rows into JavaScript): decisions per bucket, top deny rules, denied tool and
 * egress events by profile, approvals and their latency, secret redactions,
 * kill-switch activity. Every statement carries the dashboard scope (the
 * actor's tenants, narrowed by tenant and profile) and the window.
 *
 * Decisions per bucket and the figures over ingest events (denied events by
 * profile, redactions) read the hourly or daily rollups ("DecisionRollup",
 * "EventRollup", "RedactionKindRollup", kept by triggers in the writing
 * transaction) when the window's buckets are whole
 * hours or days, and the raw rows otherwise; both give the same figures
 * (tests/integration/dashboards-rollups.test.ts).
 */
import { rollupScopeCondition, rollupSource, scopeCondition, widthCondition, windowCondition, type DashboardScope, type RollupSource } from "./scope";
import { scopedSqlText } from "@/lib/authz/where";
import type { RawSql } from "@/lib/sql";

/** Top rows kept for the "by rule" and "by profile" charts. */
export const SAFETY_TOP_N = 10;
/** Kill switches listed at most (engaged or released in the window). */
export const KILL_SWITCH_LIMIT = 100;

export interface BucketRow {
  bucket: Date;
  key: string;
  value: number;
}

type Query = Pick<RawSql, "query">;

/** `date_bin` of `column` into the window's buckets; the interval goes into `params`. */
function bin(scope: DashboardScope, params: unknown[], column: string): string {
  params.push(scope.window.bucketInterval);
  return `date_bin($${params.length}::interval, ${column}, TIMESTAMPTZ 'epoch')`;
}

function toBucketRows(rows: { bucket: Date | string; key: string; value: number | string }[]): BucketRow[] {
  return rows.map((r) => ({ bucket: new Date(r.bucket), key: r.key, value: Number(r.value) }));
}

/** PolicyDecision rows per bucket and decision type (from DecisionRollup when a width serves the window). */
export async function decisionBuckets(sql: Query, scope: DashboardScope, source: RollupSource = rollupSource(scope)): Promise<BucketRow[]> {
  const p: unknown[] = [];
  const column = source === "raw" ? `"createdAt"` : "bucket";
  const bucket = bin(scope, p, column);
  const rows = await sql.query<{ bucket: Date; key: string; value: number }>(
    source === "raw"
      ? `SELECT ${bucket} AS bucket, decision AS key, count(*)::int AS value
           FROM "PolicyDecision"
          WHERE ${scopeCondition(scope, p, { tenant: `"tenantId"`, profile: `"profileId"` })} AND ${windowCondition(scope, p, column)}
          GROUP BY 1, 2`
      : `SELECT ${bucket} AS bucket, decision AS key, sum(count)::int AS value
           FROM "DecisionRollup"
          WHERE ${widthCondition(p, source, "width")} AND ${rollupScopeCondition(scope, p, `"DecisionRollup"`, false)} AND ${windowCondition(scope, p, column)}
          GROUP BY 1, 2 HAVING sum(count) <> 0`,
    p,
  );
  return toBucketRows(rows);
}

export interface DenyRuleRow {
  rule: string;
  reason: string;
  count: number;
}

/** DENY decisions by deciding rule (the first rule id) and reason: the top N, and the total of all denies. */
export async function topDenyRules(sql: Query, scope: DashboardScope): Promise<{ rows: DenyRuleRow[]; total: number }> {
  const p: unknown[] = [];
  const where = `decision = 'DENY' AND ${scopeCondition(scope, p, { tenant: `"tenantId"`, profile: `"profileId"` })} AND ${windowCondition(scope, p, `"createdAt"`)}`;
  p.push(SAFETY_TOP_N);
  const rows = await sql.query<{ rule: string; reason: string; count: number; total: number | string }>(
    `WITH g AS (
       SELECT COALESCE("ruleIds"[1], '(no rule)') AS rule, reason, count(*)::int AS count
         FROM "PolicyDecision" WHERE ${where} GROUP BY 1, 2)
     SELECT rule, reason, count, sum(count) OVER () AS total FROM g ORDER BY count DESC, rule, reason LIMIT $${p.length}`,
    p,
  );
  return { rows: rows.map((r) => ({ rule: r.rule, reason: r.reason, count: Number(r.count) })), total: Number(rows[0]?.total ?? 0) };
}

export interface DeniedByProfileRow {
  profile: string;
  tenant: string;
  tool: number;
  egress: number;
}

/** `tool.denied` and `egress.denied` events by profile: the top N profiles, and the totals over all of them. */
export async function deniedEventsByProfile(
  sql: Query,
  scope: DashboardScope,
  source: RollupSource = rollupSource(scope),
): Promise<{ rows: DeniedByProfileRow[]; totals: { tool: number; egress: number; profiles: number } }> {
  const p: unknown[] = [];
  const scoped = (alias: string) => scopeCondition(scope, p, { tenant: `${alias}."tenantId"`, profile: `${alias}."profileId"` });
  const types = `IN ('tool.denied', 'egress.denied')`;
  const grouped =
    source === "raw"
      ? `SELECT e."profileId",
              count(*) FILTER (WHERE e.type = 'tool.denied')::int AS tool,
              count(*) FILTER (WHERE e.type = 'egress.denied')::int AS egress
         FROM "IngestEvent" e WHERE e.type ${types} AND ${scoped("e")} AND ${windowCondition(scope, p, `e."occurredAt"`)} GROUP BY 1`
      : `SELECT r."profileId",
              COALESCE(sum(r.events) FILTER (WHERE r.type = 'tool.denied'), 0)::int AS tool,
              COALESCE(sum(r.events) FILTER (WHERE r.type = 'egress.denied'), 0)::int AS egress
         FROM "EventRollup" r
        WHERE ${widthCondition(p, source, "r.width")} AND r.type ${types} AND ${rollupScopeCondition(scope, p, "r", true)} AND ${windowCondition(scope, p, "r.bucket")}
        GROUP BY 1 HAVING sum(r.events) > 0`;
  p.push(SAFETY_TOP_N);
  const rows = await sql.query<{ profile: string; tenant: string; tool: number; egress: number; toolTotal: string | number; egressTotal: string | number; profiles: string | number }>(
    `WITH g AS (${grouped})
     SELECT p.slug AS profile, t.slug AS tenant, g.tool, g.egress,
            sum(g.tool) OVER () AS "toolTotal", sum(g.egress) OVER () AS "egressTotal", count(*) OVER () AS profiles
       FROM g JOIN "Profile" p ON p.id = g."profileId" JOIN "Tenant" t ON t.id = p."tenantId"
      ORDER BY g.tool + g.egress DESC, p.slug LIMIT $${p.length}`,
    p,
  );
  const first = rows[0];
  return {
    rows: rows.map((r) => ({ profile: r.profile, tenant: r.tenant, tool: Number(r.tool), egress: Number(r.egress) })),
    totals: { tool: Number(first?.toolTotal ?? 0), egress: Number(first?.egressTotal ?? 0), profiles: Number(first?.profiles ?? 0) },
  };
}

const APPROVAL_STATUSES = `('PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'EXPIRED')`;

/**
 * Approval activity per bucket: `requested` (jobs sent to approval, by
 * creation), `approved` / `rejected` (by resolution), `expired` (by expiry
 * time, swept or not: a pending job past its expiry counts).
 */
export async function approvalBuckets(sql: Query, scope: DashboardScope, now: Date): Promise<BucketRow[]> {
  const p: unknown[] = [];
  const part = (key: string, column: string, condition: string) => {
    const bucket = bin(scope, p, column);
    const scoped = scopeCondition(scope, p, { tenant: `"tenantId"`, profile: `"profileId"` });
    return `SELECT ${bucket} AS bucket, '${key}' AS key, count(*)::int AS value FROM "Job"
             WHERE ${condition} AND ${scoped} AND ${windowCondition(scope, p, column)} GROUP BY 1`;
  };
  const requested = part("requested", `"createdAt"`, `status IN ${APPROVAL_STATUSES}`);
  const approved = part("approved", `"resolvedAt"`, `status = 'APPROVED'`);
  const rejected = part("rejected", `"resolvedAt"`, `status = 'REJECTED'`);
  p.push(now);
  const nowParam = `$${p.length}::timestamptz`;
  const expired = part("expired", `"expiresAt"`, `(status = 'EXPIRED' OR (status = 'PENDING_APPROVAL' AND "expiresAt" <= ${nowParam}))`);
  const rows = await sql.query<{ bucket: Date; key: string; value: number }>(
    [requested, approved, rejected, expired].join(" UNION ALL "),
    p,
  );
  return toBucketRows(rows);
}

export interface ApprovalLatency {
  /** Approved or rejected in the window (expired ones have no human latency). */
  decided: number;
  p50Sec: number | null;
  p95Sec: number | null;
  /** Waiting for a vote right now (not expired), in scope, whenever requested. */
  pending: number;
}

/**
 * p50 / p95 of resolvedAt − createdAt over jobs approved or rejected in the
 * window (percentile_cont in SQL), and the jobs pending now. Each part reads
 * only its own jobs by index (status and resolvedAt; status and expiresAt),
 * never the whole approval history.
 */
export async function approvalLatency(sql: Query, scope: DashboardScope, now: Date): Promise<ApprovalLatency> {
  const p: unknown[] = [];
  const decidedWhere = `status IN ('APPROVED', 'REJECTED') AND ${scopeCondition(scope, p, { tenant: `"tenantId"`, profile: `"profileId"` })} AND ${windowCondition(scope, p, `"resolvedAt"`)}`;
  const pendingScope = scopeCondition(scope, p, { tenant: `"tenantId"`, profile: `"profileId"` });
  p.push(now);
  const rows = await sql.query<{ decided: number; p50: number | string | null; p95: number | string | null; pending: number }>(
    `SELECT count(*)::int AS decided,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY d.sec) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY d.sec) AS p95,
            (SELECT count(*)::int FROM "Job" WHERE status = 'PENDING_APPROVAL' AND "expiresAt" > $${p.length}::timestamptz AND ${pendingScope}) AS pending
       FROM (SELECT EXTRACT(EPOCH FROM "resolvedAt" - "createdAt")::float8 AS sec FROM "Job" WHERE ${decidedWhere}) d`,
    p,
  );
  const r = rows[0];
  const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return { decided: Number(r?.decided ?? 0), p50Sec: num(r?.p50), p95Sec: num(r?.p95), pending: Number(r?.pending ?? 0) };
}

/**
 * Secret redactions, in one pass over the redacted events of the window
 * (a JSON object summary, not SQL or JSON null): per bucket `events` and
 * `redactions` (the sum of their counts), and redacted values by kind (top N,
 * kinds with a positive count).
 */
export async function redactionFigures(
  sql: Query,
  scope: DashboardScope,
  source: RollupSource = rollupSource(scope),
): Promise<{ buckets: BucketRow[]; kinds: { kind: string; count: number }[] }> {
  const p: unknown[] = [];
  let text: string;
  if (source === "raw") {
    const where = `e.redactions IS NOT NULL AND jsonb_typeof(e.redactions) = 'object'
      AND ${scopeCondition(scope, p, { tenant: `e."tenantId"`, profile: `e."profileId"` })} AND ${windowCondition(scope, p, `e."occurredAt"`)}`;
    const bucket = bin(scope, p, `r."occurredAt"`);
    p.push(SAFETY_TOP_N);
    text = `WITH r AS MATERIALIZED (SELECT e."occurredAt", e.redactions FROM "IngestEvent" e WHERE ${where})
     SELECT 'bucket' AS part, ${bucket} AS bucket, NULL::text AS kind, count(*)::int AS events,
            COALESCE(sum(CASE WHEN jsonb_typeof(r.redactions -> 'count') = 'number' THEN (r.redactions ->> 'count')::numeric ELSE 0 END), 0)::bigint AS redactions
       FROM r GROUP BY 2
     UNION ALL
     (SELECT 'kind', NULL, k.key, NULL, sum(k.value::numeric)::bigint
        FROM r CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(r.redactions -> 'kinds') = 'object' THEN r.redactions -> 'kinds' ELSE '{}'::jsonb END) AS k
       WHERE k.value ~ '^[0-9]{1,9}$'
       GROUP BY 3 HAVING sum(k.value::numeric) > 0 ORDER BY 5 DESC, 3 LIMIT $${p.length})`;
  } else {
    const where = (alias: string) =>
      `${widthCondition(p, source, `${alias}.width`)} AND ${rollupScopeCondition(scope, p, alias, false)} AND ${windowCondition(scope, p, `${alias}.bucket`)}`;
    const bucket = bin(scope, p, "r.bucket");
    const rollupWhere = where("r");
    const kindWhere = where("k");
    p.push(SAFETY_TOP_N);
    text = `SELECT 'bucket' AS part, ${bucket} AS bucket, NULL::text AS kind, sum(r."redactedEvents")::int AS events, sum(r.redactions)::bigint AS redactions
       FROM "EventRollup" r WHERE ${rollupWhere} AND r."redactedEvents" <> 0 GROUP BY 2 HAVING sum(r."redactedEvents") > 0
     UNION ALL
     (SELECT 'kind', NULL, k.kind, NULL, sum(k.count)::bigint
        FROM "RedactionKindRollup" k WHERE ${kindWhere}
       GROUP BY 3 HAVING sum(k.count) > 0 ORDER BY 5 DESC, 3 LIMIT $${p.length})`;
  }
  const rows = await sql.query<{ part: "bucket" | "kind"; bucket: Date | string | null; kind: string | null; events: number | null; redactions: number | string }>(text, p);
  const buckets: BucketRow[] = [];
  const kinds: { kind: string; count: number }[] = [];
  for (const r of rows) {
    if (r.part === "kind") kinds.push({ kind: r.kind ?? "?", count: Number(r.redactions) });
    else if (r.bucket !== null) {
      buckets.push({ bucket: new Date(r.bucket), key: "events", value: Number(r.events) }, { bucket: new Date(r.bucket), key: "redactions", value: Number(r.redactions) });
    }
  }
  kinds.sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind));
  return { buckets, kinds };
}

export interface KillSwitchRow {
  id: string;
  scope: string;
  tenant: string | null;
  profile: string | null;
  capability: string | null;
  reason: string;
  releaseReason: string | null;
  engagedAt: Date;
  /** Released by a person, or automatically at its release time (already past). */
  releasedAt: Date | null;
}

/**
 * Kill switches covering the scope (global ones, the scope's tenants', and
 * for a profile only those of that profile or the whole tenant) that were
 * engaged or released in the window, newest first.
 */
export async function killSwitchActivity(sql: Query, scope: DashboardScope, now: Date): Promise<KillSwitchRow[]> {
  const p: unknown[] = [];
  const covers: string[] = [];
  if (!scope.tenants.all) covers.push(`(k.scope = 'global' OR ${scopedSqlText(scope.tenants, `k."tenantId"`, p)})`);
  if (scope.profileId) {
    p.push(scope.profileId);
    covers.push(`(k."profileId" IS NULL OR k."profileId" = $${p.length}::uuid)`);
  }
  p.push(now);
  const released = `COALESCE(k."releasedAt", CASE WHEN k."autoReleaseAt" <= $${p.length}::timestamptz THEN k."autoReleaseAt" END)`;
  const engagedIn = windowCondition(scope, p, `k."engagedAt"`);
  const releasedIn = windowCondition(scope, p, released);
  p.push(KILL_SWITCH_LIMIT);
  const rows = await sql.query<{
    id: string; scope: string; tenant: string | null; profile: string | null; capability: string | null;
    reason: string; releaseReason: string | null; engagedAt: Date | string; releasedAt: Date | string | null;
  }>(
    `SELECT k.id, k.scope::text AS scope, t.slug AS tenant, pr.slug AS profile, k.capability, k.reason, k."releaseReason",
            k."engagedAt", ${released} AS "releasedAt"
       FROM "KillSwitch" k
       LEFT JOIN "Tenant" t ON t.id = k."tenantId"
       LEFT JOIN "Profile" pr ON pr.id = k."profileId"
      WHERE ${covers.length ? `${covers.join(" AND ")} AND ` : ""}((${engagedIn}) OR (${releasedIn}))
      ORDER BY GREATEST(k."engagedAt", COALESCE(${released}, k."engagedAt")) DESC, k.id
      LIMIT $${p.length}`,
    p,
  );
  return rows.map((r) => ({
    ...r,
    engagedAt: new Date(r.engagedAt),
    releasedAt: r.releasedAt === null ? null : new Date(r.releasedAt),
  }));
}

/** Refused attempts listed at most on the dashboard (the newest; the total counts them all). */
export const REFUSALS_LISTED = 10;

export interface RefusalRow {
  seq: number;
  time: Date;
  actor: string;
  attempted: string;
  target: string;
  decision: string;
  reason: string;
  suppressed: boolean;
}

/**
 * Refused privileged attempts (access.denied audit entries, lib/server/refusals.ts)
 * in the window: the newest REFUSALS_LISTED and the total. Entries for targets
 * outside every tenant (a probe that found nothing) carry no tenant and are
 * seen only with every tenant in scope.
 */
export async function refusedAttempts(sql: Query, scope: DashboardScope): Promise<{ rows: RefusalRow[]; total: number }> {
  const p: unknown[] = [];
  const where = `a.action IN ('access.denied', 'access.denied.suppressed') AND ${scopeCondition(scope, p, { tenant: `a."tenantId"` })} AND ${windowCondition(scope, p, `a."time"`)}`;
  p.push(REFUSALS_LISTED);
  const rows = await sql.query<{
    seq: number; time: Date | string; actor: string | null; actorId: string; action: string; attempted: string | null; target: string;
    decision: string | null; reason: string | null; total: number | string;
  }>(
    `SELECT a.seq, a.time, u.email AS actor, a."actorId", a.action, a.data->>'attempted' AS attempted, a.resource AS target,
            a.decision, a.data->>'reason' AS reason, count(*) OVER () AS total
       FROM "AuditEntry" a LEFT JOIN "User" u ON u.id::text = a."actorId"
      WHERE ${where}
      ORDER BY a.seq DESC
      LIMIT $${p.length}`,
    p,
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.map((r) => ({
      seq: Number(r.seq),
      time: new Date(r.time),
      actor: r.actor ?? r.actorId,
      attempted: r.attempted ?? "?",
      target: r.target,
      decision: r.decision ?? "FORBIDDEN",
      reason: r.reason ?? "",
      suppressed: r.action === "access.denied.suppressed",
    })),
  };
}
