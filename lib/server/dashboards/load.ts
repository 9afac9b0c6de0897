import "server-only";
/**
 * Running a dashboard loader for an actor and a query: the scope is resolved
 * through the actor's tenants first (null: no such tenant or profile, or not
 * theirs). No session or Next.js here, so tests, benchmarks and the CLI run
 * loaders as the route handler (route.ts) does.
 */
import type { Actor } from "@/lib/authz";
import type { Database } from "@/lib/db";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { resolveDashboardScope, type DashboardScope } from "./scope";

export interface DashboardContext {
  database: Database;
  actor: Actor;
  query: DashboardQuery;
  scope: DashboardScope;
  now: Date;
}

export type DashboardLoader<T> = (context: DashboardContext) => Promise<T>;

/** Run `load` for the actor and query, or say why not (null scope: not found). */
export async function loadDashboard<T>(
  db: Database,
  actor: Actor,
  query: DashboardQuery,
  load: DashboardLoader<T>,
  now = new Date(),
): Promise<{ scope: DashboardScope; data: T } | null> {
  const scope = await resolveDashboardScope(db.prisma, actor, query, now);
  if (!scope) return null;
  return { scope, data: await load({ database: db, actor, query, scope, now }) };
}
