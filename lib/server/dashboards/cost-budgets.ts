import "server-only";
/**
 * The budgets part of the cost dashboard, always for the current calendar
 * month (UTC) whatever the chart range: each budget in scope with its spend so
 * far, percent, linear end-of-month projection and state; the burn-down of
 * one budget; and the month's alerts. A profile scope shows that profile's
 * budget and its tenant's.
 */
import { budgetState, burnDown, monthWindow, percentUsed, projectedMonthSpend, round2, type MonthWindow } from "@/lib/domain/budgets/budget-math";
import { scopedSqlText } from "@/lib/authz/where";
import { budgetsWithSpendSql } from "@/lib/server/budgets/spend";
import type { RawSql } from "@/lib/sql";
import type { DashboardScope } from "./scope";
import type { BudgetAlertRow, BudgetRow, CostDashboard } from "./cost-types";

type Sql = Pick<RawSql, "query">;

/** Budgets listed at most (the most used first); `total` says how many there are. */
export const BUDGET_ROWS_LIMIT = 50;
export const ALERTS_LIMIT = 50;

interface BudgetSqlRow {
  scope: "tenant" | "profile";
  tenantId: string;
  profileId: string | null;
  slug: string;
  tenantSlug: string;
  budget: string;
  spend: string;
  total: number | string;
}

async function budgetRows(sql: Sql, scope: DashboardScope, month: MonthWindow): Promise<{ rows: BudgetSqlRow[]; total: number }> {
  const params: unknown[] = [month.start, month.end];
  const tenants = scopedSqlText(scope.tenants, `t."id"`, params);
  let profiles = scopedSqlText(scope.tenants, `p."tenantId"`, params);
  if (scope.profileId) {
    params.push(scope.profileId);
    profiles += ` AND p."id" = $${params.length}::uuid`;
  }
  params.push(BUDGET_ROWS_LIMIT);
  const rows = await sql.query<BudgetSqlRow>(
    `SELECT b."scope", b."tenantId", b."profileId", b."slug", b."tenantSlug", b."budget"::text AS "budget", b."spend"::text AS "spend",
       COUNT(*) OVER ()::int AS "total"
     FROM (${budgetsWithSpendSql({ tenants, profiles })}) b
     ORDER BY b."spend" / b."budget" DESC, b."scope" DESC, b."slug"
     LIMIT $${params.length}`,
    params,
  );
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

function toBudgetRow(row: BudgetSqlRow, now: Date): BudgetRow {
  const budget = Number(row.budget);
  const spend = Number(row.spend);
  return {
    scope: row.scope,
    slug: row.slug,
    tenant: row.tenantSlug,
    budget: round2(budget),
    spend: round2(spend),
    percent: Math.round(percentUsed(spend, budget) * 10) / 10,
    projected: round2(projectedMonthSpend(spend, now)),
    state: budgetState(spend, budget),
  };
}

/** The burn-down's budget: the chosen profile's, else the chosen (or profile's) tenant's, else the most used. */
function focusOf(rows: readonly BudgetSqlRow[], scope: DashboardScope): BudgetSqlRow | null {
  if (scope.profileId) {
    const own = rows.find((r) => r.profileId === scope.profileId);
    if (own) return own;
  }
  if (scope.profileId || scope.tenant) {
    const tenant = rows.find((r) => r.scope === "tenant");
    if (tenant) return tenant;
  }
  return rows[0] ?? null;
}

async function dailySpend(sql: Sql, focus: BudgetSqlRow, month: MonthWindow): Promise<{ day: Date; spend: number }[]> {
  const column = focus.scope === "profile" ? `"profileId"` : `"tenantId"`;
  const rows = await sql.query<{ day: Date | string; spend: string }>(
    `SELECT date_bin('1 day'::interval, "occurredAt", TIMESTAMPTZ 'epoch') AS "day", SUM("cost")::text AS "spend"
     FROM "CostRecord" WHERE ${column} = $1::uuid AND "occurredAt" >= $2::timestamptz AND "occurredAt" < $3::timestamptz
     GROUP BY 1`,
    [focus.profileId ?? focus.tenantId, month.start, month.end],
  );
  return rows.map((r) => ({ day: new Date(r.day), spend: Number(r.spend) }));
}

async function monthAlerts(sql: Sql, scope: DashboardScope, month: MonthWindow): Promise<BudgetAlertRow[]> {
  const params: unknown[] = [month.start];
  let where = scopedSqlText(scope.tenants, `a."tenantId"`, params);
  if (scope.profileId) {
    params.push(scope.profileId);
    where += ` AND (a."profileId" = $${params.length}::uuid OR a."profileId" IS NULL)`;
  }
  params.push(ALERTS_LIMIT);
  const rows = await sql.query<{
    id: string;
    profileSlug: string | null;
    tenantSlug: string;
    threshold: number;
    spendUsd: string;
    budgetUsd: string;
    createdAt: Date | string;
  }>(
    `SELECT a."id", p."slug" AS "profileSlug", t."slug" AS "tenantSlug", a."threshold", a."spendUsd"::text AS "spendUsd",
       a."budgetUsd"::text AS "budgetUsd", a."createdAt"
     FROM "BudgetAlert" a JOIN "Tenant" t ON t."id" = a."tenantId" LEFT JOIN "Profile" p ON p."id" = a."profileId"
     WHERE a."periodStart" = $1::timestamptz AND ${where}
     ORDER BY a."createdAt" DESC, a."threshold" DESC, a."scopeKey"
     LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    scope: r.profileSlug ? "profile" : "tenant",
    slug: r.profileSlug ?? r.tenantSlug,
    tenant: r.tenantSlug,
    threshold: Number(r.threshold),
    spend: round2(Number(r.spendUsd)),
    budget: round2(Number(r.budgetUsd)),
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

export async function loadBudgets(sql: Sql, scope: DashboardScope, now: Date): Promise<CostDashboard["budgets"]> {
  const month = monthWindow(now);
  const [{ rows, total }, alerts] = await Promise.all([budgetRows(sql, scope, month), monthAlerts(sql, scope, month)]);
  const focus = focusOf(rows, scope);
  const daily = focus ? await dailySpend(sql, focus, month) : [];
  return {
    month: month.start.toISOString().slice(0, 7),
    monthStart: month.start.toISOString(),
    rows: rows.map((r) => toBudgetRow(r, now)),
    total,
    burnDown: focus
      ? { scope: focus.scope, slug: focus.slug, budget: round2(Number(focus.budget)), points: burnDown(Number(focus.budget), daily, now) }
      : null,
    alerts,
  };
}
