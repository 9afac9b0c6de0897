import "server-only";
/**
 * Monthly budgets with their month-to-date spend, as SQL shared by the
 * checker and the cost dashboard: one row per tenant or profile that has a
 * positive budget, the spend summed through the CostRecord
 * (tenantId|profileId, occurredAt) indexes. `$1` is the month's first
 * instant, `$2` the next month's; the caller's extra conditions (on `t` for
 * tenants, `p` for profiles) narrow the budgets, with their own parameters.
 */
export interface BudgetSpendFilter {
  /** Condition on tenant `t` (tenant budgets). */
  tenants?: string;
  /** Condition on profile `p` (profile budgets); "FALSE" leaves them out. */
  profiles?: string;
}

/** Columns: scope ('tenant'|'profile'), tenantId, profileId, scopeKey, slug, tenantSlug, budget, spend. */
export function budgetsWithSpendSql(filter: BudgetSpendFilter = {}): string {
  return `
  SELECT 'tenant' AS "scope", t."id" AS "tenantId", NULL::uuid AS "profileId", 'tenant:' || t."id" AS "scopeKey",
    t."slug" AS "slug", t."slug" AS "tenantSlug", t."monthlyBudgetUsd" AS "budget",
    COALESCE((SELECT SUM(c."cost") FROM "CostRecord" c
      WHERE c."tenantId" = t."id" AND c."occurredAt" >= $1::timestamptz AND c."occurredAt" < $2::timestamptz), 0) AS "spend"
  FROM "Tenant" t WHERE t."monthlyBudgetUsd" > 0 AND (${filter.tenants ?? "TRUE"})
  UNION ALL
  SELECT 'profile', p."tenantId", p."id", 'profile:' || p."id", p."slug", pt."slug", p."monthlyBudgetUsd",
    COALESCE((SELECT SUM(c."cost") FROM "CostRecord" c
      WHERE c."profileId" = p."id" AND c."occurredAt" >= $1::timestamptz AND c."occurredAt" < $2::timestamptz), 0)
  FROM "Profile" p JOIN "Tenant" pt ON pt."id" = p."tenantId" WHERE p."monthlyBudgetUsd" > 0 AND (${filter.profiles ?? "TRUE"})`;
}
