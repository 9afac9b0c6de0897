import "server-only";
/**
 * The cost dashboard: cost and tokens per time bucket by tenant, profile and
 * model (the window's top spenders, the rest as "(other)"), top spending
 * profiles, cost per allowed-or-approved job, and the current month's
 * budgets (cost-budgets.ts). Every figure is a grouped SQL aggregate over the
 * actor's scope; no cost record is loaded into JavaScript. For windows of
 * whole hours or days the figures are summed from "CostRollup" (kept by
 * triggers on CostRecord in the writing transaction), else from the records;
 * both give the same figures (tests/integration/dashboards-rollups.test.ts).
 */
import { denseSeries, type RangeWindow } from "@/lib/domain/dashboards/range";
import { round2 } from "@/lib/domain/budgets/budget-math";
import type { RawSql } from "@/lib/sql";
import { rollupScopeCondition, rollupSource, scopeCondition, widthCondition, windowCondition, type DashboardScope, type RollupSource } from "./scope";
import type { DashboardContext, DashboardLoader } from "./load";
import { loadBudgets } from "./cost-budgets";
import type { CostDashboard, CostDimension, CostSeries, TopSpender } from "./cost-types";

export type { CostDashboard } from "./cost-types";

/** Series drawn per chart before the rest is folded into "(other)". */
export const SERIES_LIMIT = 6;
export const TOP_SPENDERS_LIMIT = 10;
export const OTHER_LABEL = "(other)";

type Sql = Pick<RawSql, "query">;

const KEY_EXPRESSION: Record<CostDimension, { join: string; key: string }> = {
  tenant: { join: `JOIN "Tenant" t ON t."id" = c."tenantId"`, key: `t."slug"` },
  profile: { join: `JOIN "Profile" p ON p."id" = c."profileId"`, key: `p."slug"` },
  model: { join: "", key: `c."model"` },
};

/**
 * The cost rows of the scope and window, as a subquery to alias `c`: columns
 * "tenantId", "profileId", "model", "occurredAt" (the hour or day for a rollup),
 * "cost", "tokensIn", "tokensOut" and "records" (1 per cost record, or the
 * rollup's count, one row per shard). Every grouping over them keeps only
 * groups with records (HAVING SUM("records") <> 0): a key whose records were
 * all deleted is no key, as in the raw records.
 * `perProfile`: the figure is broken down by profile (else a rollup read
 * takes the tenant-level rows when no profile is chosen). Parameters appended.
 */
function costRows(scope: DashboardScope, params: unknown[], source: RollupSource, perProfile: boolean): string {
  if (source === "raw") {
    return `SELECT r."tenantId", r."profileId", r."model", r."occurredAt", r."cost", r."tokensIn"::bigint AS "tokensIn", r."tokensOut"::bigint AS "tokensOut", 1 AS "records"
      FROM "CostRecord" r WHERE ${scopeCondition(scope, params, { tenant: `r."tenantId"`, profile: `r."profileId"` })} AND ${windowCondition(scope, params, `r."occurredAt"`)}`;
  }
  return `SELECT r."tenantId", r."profileId", r."model", r."bucket" AS "occurredAt", r."cost", r."tokensIn", r."tokensOut", r."records"
    FROM "CostRollup" r
    WHERE ${widthCondition(params, source, `r."width"`)} AND ${rollupScopeCondition(scope, params, "r", perProfile)} AND ${windowCondition(scope, params, `r."bucket"`)}`;
}

interface SeriesRow {
  bucket: Date | string;
  /** null: the spenders beyond the top ones. */
  key: string | null;
  cost: string | number;
  tokens: string | number;
}

export async function costSeries(sql: Sql, scope: DashboardScope, dimension: CostDimension, source: RollupSource = rollupSource(scope)): Promise<CostSeries> {
  const params: unknown[] = [];
  const rows = costRows(scope, params, source, dimension === "profile");
  params.push(scope.window.bucketInterval, SERIES_LIMIT);
  const [interval, limit] = [params.length - 1, params.length];
  const { join, key } = KEY_EXPRESSION[dimension];
  const series = await sql.query<SeriesRow>(
    `WITH scoped AS (
       SELECT ${key} AS "key", date_bin($${interval}::interval, c."occurredAt", TIMESTAMPTZ 'epoch') AS "bucket",
         c."cost", c."tokensIn" + c."tokensOut" AS "tokens", c."records"
       FROM (${rows}) c ${join}),
     top AS (SELECT "key" FROM scoped GROUP BY "key" HAVING SUM("records") <> 0 ORDER BY SUM("cost") DESC, "key" LIMIT $${limit})
     SELECT "bucket", CASE WHEN "key" IN (SELECT "key" FROM top) THEN "key" END AS "key",
       SUM("cost")::text AS "cost", SUM("tokens")::text AS "tokens"
     FROM scoped GROUP BY 1, 2 HAVING SUM("records") <> 0`,
    params,
  );
  return toSeries(scope.window, series);
}

/** Dense per-bucket points keyed s0…sN (labels apart, so any slug is a safe label). */
function toSeries(window: RangeWindow, rows: readonly SeriesRow[]): CostSeries {
  const totals = new Map<string | null, number>();
  for (const r of rows) totals.set(r.key, (totals.get(r.key) ?? 0) + Number(r.cost));
  const named = [...totals].filter((e): e is [string, number] => e[0] !== null).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const labels: (string | null)[] = [...named.map(([k]) => k), ...(totals.has(null) ? [null] : [])];
  const ids = new Map(labels.map((label, i) => [label, `s${i}`]));
  const keys = labels.map((label) => ({ id: ids.get(label)!, label: label ?? OTHER_LABEL }));
  const idList = keys.map((k) => k.id);
  const points = (metric: "cost" | "tokens") =>
    denseSeries(
      window,
      idList,
      rows.map((r) => ({ bucket: new Date(r.bucket), key: ids.get(r.key)!, value: Number(r[metric]) })),
    ).map((p) => (metric === "cost" ? roundValues(p) : p));
  return { keys, cost: points("cost"), tokens: points("tokens") };
}

function roundValues<T extends { bucket: string }>(point: T): T {
  const out: Record<string, unknown> = { ...point };
  for (const [k, v] of Object.entries(out)) if (typeof v === "number") out[k] = Math.round(v * 1e4) / 1e4;
  return out as T;
}

export async function costTotals(sql: Sql, scope: DashboardScope, source: RollupSource = rollupSource(scope)): Promise<CostDashboard["totals"]> {
  const params: unknown[] = [];
  const rows = costRows(scope, params, source, false);
  const [row] = await sql.query<{ cost: string | null; tokensIn: string | null; tokensOut: string | null; records: string | number | null }>(
    `SELECT SUM(c."cost")::text AS "cost", SUM(c."tokensIn")::text AS "tokensIn", SUM(c."tokensOut")::text AS "tokensOut", SUM(c."records")::int AS "records"
     FROM (${rows}) c`,
    params,
  );
  return {
    cost: round2(Number(row?.cost ?? 0)),
    tokensIn: Number(row?.tokensIn ?? 0),
    tokensOut: Number(row?.tokensOut ?? 0),
    records: Number(row?.records ?? 0),
  };
}

export async function topSpenders(sql: Sql, scope: DashboardScope, totalCost: number, source: RollupSource = rollupSource(scope)): Promise<TopSpender[]> {
  const params: unknown[] = [];
  const costs = costRows(scope, params, source, true);
  params.push(TOP_SPENDERS_LIMIT);
  const rows = await sql.query<{ profile: string; tenant: string; cost: string; tokens: string }>(
    `SELECT p."slug" AS "profile", t."slug" AS "tenant", s."cost"::text AS "cost", s."tokens"::text AS "tokens"
     FROM (SELECT c."profileId", SUM(c."cost") AS "cost", SUM(c."tokensIn" + c."tokensOut") AS "tokens"
           FROM (${costs}) c GROUP BY c."profileId" HAVING SUM(c."records") <> 0 ORDER BY 2 DESC, c."profileId" LIMIT $${params.length}) s
     JOIN "Profile" p ON p."id" = s."profileId" JOIN "Tenant" t ON t."id" = p."tenantId"
     ORDER BY s."cost" DESC, p."slug"`,
    params,
  );
  return rows.map((r) => ({
    profile: r.profile,
    tenant: r.tenant,
    cost: round2(Number(r.cost)),
    tokens: Number(r.tokens),
    share: totalCost > 0 ? Math.round((Number(r.cost) / totalCost) * 1000) / 10 : 0,
  }));
}

/** Jobs created in the window that ran: ALLOWED at once or APPROVED by people. */
async function ranJobs(sql: Sql, scope: DashboardScope): Promise<number> {
  const params: unknown[] = [];
  const where = `${scopeCondition(scope, params, { tenant: `j."tenantId"`, profile: `j."profileId"` })} AND ${windowCondition(scope, params, `j."createdAt"`)}`;
  const [row] = await sql.query<{ n: number | string }>(
    `SELECT COUNT(*)::int AS "n" FROM "Job" j WHERE ${where} AND j."status" IN ('ALLOWED', 'APPROVED')`,
    params,
  );
  return Number(row?.n ?? 0);
}

export const costDashboard: DashboardLoader<CostDashboard> = async (ctx: DashboardContext) => {
  const { sql } = ctx.database;
  const { scope } = ctx;
  const [total, byTenant, byProfile, byModel, jobs, budgets] = await Promise.all([
    costTotals(sql, scope),
    costSeries(sql, scope, "tenant"),
    costSeries(sql, scope, "profile"),
    costSeries(sql, scope, "model"),
    ranJobs(sql, scope),
    loadBudgets(sql, scope, ctx.now),
  ]);
  return {
    totals: total,
    byTenant,
    byProfile,
    byModel,
    topSpenders: await topSpenders(sql, scope, total.cost),
    costPerJob: { jobs, cost: total.cost, perJob: jobs > 0 ? Math.round((total.cost / jobs) * 1000) / 1000 : null },
    budgets,
  };
};
