/**
 * A TenantScope (from `scopeFor`) as a WHERE condition, one helper per
 * dialect: Prisma's `where` objects, Prisma's tagged SQL, and plain SQL text
 * with positional parameters (lib/sql.ts). An empty scope matches nothing;
 * NULL tenant ids (platform rows) only match the "all" scope.
 *
 * Separate from ./index.ts so client components that import the permission
 * table never pull in the Prisma runtime.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import type { TenantScope } from "./index";

/** `{}` for every tenant, else `{ [field]: { in: ids } }` (Prisma reads an empty `in` as FALSE). */
export function scopedWhere(scope: TenantScope): { tenantId?: { in: string[] } };
export function scopedWhere<const F extends string>(scope: TenantScope, field: F): { [K in F]?: { in: string[] } };
export function scopedWhere(scope: TenantScope, field = "tenantId"): Record<string, { in: string[] }> {
  if (scope.all) return {};
  return { [field]: { in: [...scope.tenantIds] } };
}

/** Tagged SQL: TRUE, FALSE, or `column = ANY(ids)`. `column` is trusted SQL such as Prisma.sql`j."tenantId"`. */
export function scopedSql(scope: TenantScope, column: Prisma.Sql): Prisma.Sql {
  if (scope.all) return Prisma.sql`TRUE`;
  if (scope.tenantIds.length === 0) return Prisma.sql`FALSE`;
  return Prisma.sql`${column} = ANY(${[...scope.tenantIds]}::uuid[])`;
}

/**
 * Plain SQL text with positional parameters: pushes the ids onto `params`
 * and returns TRUE, FALSE or `column = ANY($n::uuid[])`. `column` is trusted
 * SQL text such as `e."tenantId"`.
 */
export function scopedSqlText(scope: TenantScope, column: string, params: unknown[]): string {
  if (scope.all) return "TRUE";
  if (scope.tenantIds.length === 0) return "FALSE";
  params.push([...scope.tenantIds]);
  return `${column} = ANY($${params.length}::uuid[])`;
}
