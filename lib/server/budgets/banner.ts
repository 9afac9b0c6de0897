import "server-only";
/**
 * For the console banner: the budgets of the actor's tenants that reached
 * 100 % this calendar month (UTC), from the alerts the checker recorded.
 */
import { isEmptyScope, scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import { monthWindow } from "@/lib/domain/budgets/budget-math";

export interface ExceededBudgets {
  count: number;
  /** The first few, newest first, for the banner text. */
  names: string[];
}

export async function exceededBudgets(prisma: Db, actor: Actor, now = new Date()): Promise<ExceededBudgets> {
  const readable = scopeFor(actor, "registry.read");
  if (isEmptyScope(readable)) return { count: 0, names: [] };
  const where = {
    periodStart: monthWindow(now).start,
    threshold: 100,
    ...scopedWhere(readable),
  };
  const [count, rows] = await Promise.all([
    prisma.budgetAlert.count({ where }),
    prisma.budgetAlert.findMany({ where, orderBy: { createdAt: "desc" }, take: 3, select: { tenantId: true, profileId: true } }),
  ]);
  if (count === 0) return { count, names: [] };
  const [tenants, profiles] = await Promise.all([
    prisma.tenant.findMany({ where: { id: { in: rows.map((r) => r.tenantId) } }, select: { id: true, slug: true } }),
    prisma.profile.findMany({ where: { id: { in: rows.flatMap((r) => (r.profileId ? [r.profileId] : [])) } }, select: { id: true, slug: true } }),
  ]);
  const slug = new Map([...tenants, ...profiles].map((x) => [x.id, x.slug]));
  return { count, names: rows.map((r) => slug.get(r.profileId ?? r.tenantId) ?? "unknown") };
}
