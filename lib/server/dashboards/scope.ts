import "server-only";
/**
 * Which rows a dashboard may aggregate: the tenants the actor may read,
 * narrowed by the URL's tenant and profile. A tenant or profile the actor may
 * not see resolves exactly like one that does not exist (null → 404), so a
 * dashboard never reveals another tenant's existence.
 */
import { scopeFor, type Actor, type TenantScope } from "@/lib/authz";
import { scopedSqlText, scopedWhere } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import { rangeWindow, rollupWidth, type RangeWindow, type RollupWidth } from "@/lib/domain/dashboards/range";
import type { DashboardQuery } from "@/lib/schemas/dashboards";

export interface DashboardScope {
  /** Tenants to aggregate over; every tenant only for a platform admin with no tenant chosen. */
  tenants: TenantScope;
  profileId: string | null;
  /** The chosen tenant and profile, echoed to the page. */
  tenant: { slug: string; name: string } | null;
  profile: { slug: string; tenantSlug: string } | null;
  window: RangeWindow;
}

export async function resolveDashboardScope(prisma: Db, actor: Actor, query: DashboardQuery, now: Date): Promise<DashboardScope | null> {
  let tenants = scopeFor(actor, "registry.read");
  let tenant: DashboardScope["tenant"] = null;
  if (query.tenant) {
    const row = await prisma.tenant.findFirst({ where: { slug: query.tenant, ...scopedWhere(tenants, "id") }, select: { id: true, slug: true, name: true } });
    if (!row) return null;
    tenants = { all: false, tenantIds: [row.id] };
    tenant = { slug: row.slug, name: row.name };
  }
  let profileId: string | null = null;
  let profile: DashboardScope["profile"] = null;
  if (query.profile) {
    const row = await prisma.profile.findFirst({
      where: { slug: query.profile, ...scopedWhere(tenants) },
      select: { id: true, slug: true, tenantId: true, tenant: { select: { slug: true } } },
    });
    if (!row) return null;
    profileId = row.id;
    profile = { slug: row.slug, tenantSlug: row.tenant.slug };
    tenants = { all: false, tenantIds: [row.tenantId] };
  }
  return { tenants, profileId, tenant, profile, window: rangeWindow(query.range, now) };
}

/**
 * The scope as a SQL condition with numbered parameters, appended to `params`:
 * `scopeCondition(scope, params, { tenant: '"tenantId"', profile: '"profileId"' })`.
 * An actor who may read no tenant gets a condition that matches nothing.
 */
export function scopeCondition(scope: DashboardScope, params: unknown[], columns: { tenant: string; profile?: string }): string {
  const parts: string[] = [];
  if (!scope.tenants.all) parts.push(scopedSqlText(scope.tenants, columns.tenant, params));
  if (scope.profileId && columns.profile) {
    params.push(scope.profileId);
    parts.push(`${columns.profile} = $${params.length}::uuid`);
  }
  return parts.length ? parts.join(" AND ") : "TRUE";
}

/** `<column> >= from AND <column> < to` of the scope's window, parameters appended. */
export function windowCondition(scope: DashboardScope, params: unknown[], column: string): string {
  params.push(scope.window.from, scope.window.to);
  return `${column} >= $${params.length - 1}::timestamptz AND ${column} < $${params.length}::timestamptz`;
}

/** Where a dashboard figure is counted: the raw rows, or the rollup of a width (hour, day). */
export type RollupSource = "raw" | RollupWidth;

/** The widest rollup that serves the scope's window exactly (range.ts `rollupWidth`), else the raw rows. */
export function rollupSource(scope: DashboardScope): RollupSource {
  return rollupWidth(scope.window) ?? "raw";
}

/** `<column> = width` of a rollup read, the parameter appended. */
export function widthCondition(params: unknown[], width: RollupWidth, column: string): string {
  params.push(width);
  return `${column} = $${params.length}`;
}

/** profileId of the rollup rows that count all of a tenant's profiles (SQL `cellgate_all_profiles()`). */
export const ALL_PROFILES = "ffffffff-ffff-ffff-ffff-ffffffffffff";

/**
 * The scope of rollup rows under `alias`: the scope's tenants and profile;
 * with no profile chosen, the tenant-level rows (a few per bucket), or with
 * `perProfile` (a figure broken down by profile) the per-profile rows.
 */
export function rollupScopeCondition(scope: DashboardScope, params: unknown[], alias: string, perProfile: boolean): string {
  const scoped = scopeCondition(scope, params, { tenant: `${alias}."tenantId"`, profile: `${alias}."profileId"` });
  if (scope.profileId) return scoped;
  params.push(ALL_PROFILES);
  return `${scoped} AND ${alias}."profileId" ${perProfile ? "<>" : "="} $${params.length}::uuid`;
}
