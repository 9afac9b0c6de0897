import "server-only";
/**
 * Which rows a dashboard may aggregate: the tenants the actor may read,
 * narrowed by the URL's tenant and profile. A tenant or profile the actor may
 * not see resolves exactly like one that does not exist (null → 404), so a
 * dashboard never reveals another tenant's existence.
 */
import { readableTenantIds, type Actor } from "@/lib/authz";
import type { Db } from "@/lib/db";
import { rangeWindow, type RangeWindow } from "@/lib/domain/dashboards/range";
import type { DashboardQuery } from "@/lib/schemas/dashboards";

export interface DashboardScope {
  /** Tenant ids to aggregate over; "all" only for a platform admin with no tenant chosen. */
  tenantIds: readonly string[] | "all";
  profileId: string | null;
  /** The chosen tenant and profile, echoed to the page. */
  tenant: { slug: string; name: string } | null;
  profile: { slug: string; tenantSlug: string } | null;
  window: RangeWindow;
}

export async function resolveDashboardScope(prisma: Db, actor: Actor, query: DashboardQuery, now: Date): Promise<DashboardScope | null> {
  const readable = readableTenantIds(actor);
  const visible = readable === "all" ? {} : { id: { in: [...readable] } };
  let tenantIds: readonly string[] | "all" = readable;
  let tenant: DashboardScope["tenant"] = null;
  if (query.tenant) {
    const row = await prisma.tenant.findFirst({ where: { slug: query.tenant, ...visible }, select: { id: true, slug: true, name: true } });
    if (!row) return null;
    tenantIds = [row.id];
    tenant = { slug: row.slug, name: row.name };
  }
  let profileId: string | null = null;
  let profile: DashboardScope["profile"] = null;
  if (query.profile) {
    const row = await prisma.profile.findFirst({
      where: { slug: query.profile, ...(tenantIds === "all" ? {} : { tenantId: { in: [...tenantIds] } }) },
      select: { id: true, slug: true, tenantId: true, tenant: { select: { slug: true } } },
    });
    if (!row) return null;
    profileId = row.id;
    profile = { slug: row.slug, tenantSlug: row.tenant.slug };
    tenantIds = [row.tenantId];
  }
  return { tenantIds, profileId, tenant, profile, window: rangeWindow(query.range, now) };
}

/**
 * The scope as a SQL condition with numbered parameters, appended to `params`:
 * `scopeCondition(scope, params, { tenant: '"tenantId"', profile: '"profileId"' })`.
 * An actor who may read no tenant gets a condition that matches nothing.
 */
export function scopeCondition(scope: DashboardScope, params: unknown[], columns: { tenant: string; profile?: string }): string {
  const parts: string[] = [];
  if (scope.tenantIds !== "all") {
    params.push([...scope.tenantIds]);
    parts.push(`${columns.tenant} = ANY($${params.length}::uuid[])`);
  }
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
