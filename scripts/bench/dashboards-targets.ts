/**
 * What `npm run bench:dashboards` times: the dashboard loaders through
 * loadDashboard (what the route handlers run, minus HTTP and the session
 * cookie), the Prometheus metrics text, and raw SQL baselines over the same
 * month of rows, so the figures are comparable on either backend.
 * Import this module only after the next/navigation hook of ./dashboards.ts
 * is registered (route.ts imports the session, which imports next/navigation).
 */
import type { Actor } from "../../lib/authz";
import type { Database } from "../../lib/db";
import { rangeWindow } from "../../lib/domain/dashboards/range";
import type { DashboardQuery } from "../../lib/schemas/dashboards";
import { loadDashboard, type DashboardLoader } from "../../lib/server/dashboards/load";
import { costDashboard } from "../../lib/server/dashboards/cost";
import { readinessDashboard } from "../../lib/server/dashboards/readiness";
import { safetyDashboard } from "../../lib/server/dashboards/safety";
import { metricsText } from "../../lib/server/metrics/collect";
import * as safetyQueries from "../../lib/server/dashboards/safety-queries";
import type { DashboardScope } from "../../lib/server/dashboards/scope";

export interface Target {
  name: string;
  /** Runs once; returns the size of what it produced (bytes of JSON/text), for the report. */
  run: () => Promise<number>;
}

export interface BenchActors {
  admin: Actor;
  member: Actor;
  /** The tenant the member belongs to. */
  memberTenantId: string;
}

/** The dashboards of issue 6, as their route handlers serve them for `?range=month`. */
const LOADERS: ReadonlyArray<{ label: string; loader: DashboardLoader<unknown> }> = [
  { label: "safety (safetyDashboard)", loader: safetyDashboard },
  { label: "cost (costDashboard)", loader: costDashboard },
  { label: "readiness board (readinessDashboard)", loader: readinessDashboard },
];

function bytes(value: unknown): number {
  return typeof value === "string" ? Buffer.byteLength(value) : Buffer.byteLength(JSON.stringify(value) ?? "");
}

/** Baselines: the cheapest honest SQL over the same rows, whole fleet and one tenant. */
function baselines(database: Database, actors: BenchActors, now: Date): Target[] {
  const { from, to, bucketInterval } = rangeWindow("month", now);
  const sql = database.sql;
  const count = (tenant: string | null) => async () => {
    const params: unknown[] = [from, to];
    if (tenant) params.push(tenant);
    const rows = await sql.query(
      `SELECT count(*) AS n FROM "IngestEvent" WHERE "occurredAt" >= $1 AND "occurredAt" < $2${tenant ? ` AND "tenantId" = $3::uuid` : ""}`,
      params,
    );
    return bytes(rows);
  };
  const grouped = (tenant: string | null) => async () => {
    const params: unknown[] = [from, to, bucketInterval];
    if (tenant) params.push(tenant);
    const rows = await sql.query(
      `SELECT date_bin($3::interval, "occurredAt", TIMESTAMPTZ 'epoch') AS bucket, type, count(*) AS n
       FROM "IngestEvent" WHERE "occurredAt" >= $1 AND "occurredAt" < $2${tenant ? ` AND "tenantId" = $4::uuid` : ""}
       GROUP BY 1, 2`,
      params,
    );
    return bytes(rows);
  };
  return [
    { name: "baseline count(*) events, admin", run: count(null) },
    { name: "baseline count(*) events, member", run: count(actors.memberTenantId) },
    { name: "baseline events by day+type, admin", run: grouped(null) },
    { name: "baseline events by day+type, member", run: grouped(actors.memberTenantId) },
  ];
}

/** Every target: baselines, each dashboard as admin and as member, the metrics text. */
export function collectTargets(
  database: Database,
  actors: BenchActors,
  now: Date,
): Target[] {
  const targets = baselines(database, actors, now);
  const query: DashboardQuery = { range: "month" };
  for (const { label, loader } of LOADERS) {
    for (const [who, actor] of [["admin", actors.admin], ["member", actors.member]] as const) {
      targets.push({
        name: `${label}, ${who}`,
        run: async () => {
          const result = await loadDashboard(database, actor, query, loader, now);
          if (!result) throw new Error(`${label}: scope did not resolve for the ${who}`);
          return bytes(result.data);
        },
      });
    }
  }
  targets.push({ name: "metrics text (metricsText), platform", run: async () => bytes(await metricsText(database, now)) });
  if (process.env.BENCH_BREAKDOWN) targets.push(...safetyBreakdown(database, now));
  return targets;
}

/** BENCH_BREAKDOWN=1: each of the safety dashboard's statements alone, for the platform admin (where its time goes). */
function safetyBreakdown(database: Database, now: Date): Target[] {
  const scope: DashboardScope = { tenants: { all: true }, profileId: null, tenant: null, profile: null, window: rangeWindow("month", now) };
  const sql = database.sql;
  const parts: Array<[string, () => Promise<unknown>]> = [
    ["decisionBuckets", () => safetyQueries.decisionBuckets(sql, scope)],
    ["topDenyRules", () => safetyQueries.topDenyRules(sql, scope)],
    ["deniedEventsByProfile", () => safetyQueries.deniedEventsByProfile(sql, scope)],
    ["approvalBuckets", () => safetyQueries.approvalBuckets(sql, scope, now)],
    ["approvalLatency", () => safetyQueries.approvalLatency(sql, scope, now)],
    ["redactionFigures", () => safetyQueries.redactionFigures(sql, scope)],
    ["killSwitchActivity", () => safetyQueries.killSwitchActivity(sql, scope, now)],
    ["refusedAttempts", () => safetyQueries.refusedAttempts(sql, scope)],
  ];
  return parts.map(([name, run]) => ({ name: `  safety · ${name}, admin`, run: async () => bytes(await run()) }));
}
