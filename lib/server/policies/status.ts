import "server-only";
/**
 * The overview's fail-closed notice: policyHealth, narrowed to what the
 * reader may see — platform problems for everyone signed in, tenant and
 * profile problems only within the reader's tenants — and named by scope.
 */
import { inScope, scopeFor, type Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import { policyHealth } from "./load";

export interface ReadableProblem {
  /** "platform", "tenant acme" or "profile acme-ticket-triage". */
  scope: string;
  message: string;
}

export async function readablePolicyProblems(actor: Actor): Promise<ReadableProblem[]> {
  const prisma = await db();
  const health = await policyHealth(prisma);
  if (health.ok) return [];
  const tenants = scopeFor(actor, "registry.read");
  const visible = health.problems.filter((p) => p.tenantId === null || inScope(tenants, p.tenantId));
  const ids = (prefix: string) => visible.filter((p) => p.scopeKey.startsWith(prefix)).map((p) => p.scopeKey.slice(prefix.length));
  const [tenantRows, profileRows] = await Promise.all([
    prisma.tenant.findMany({ where: { id: { in: ids("tenant:") } }, select: { id: true, slug: true } }),
    prisma.profile.findMany({ where: { id: { in: ids("profile:") } }, select: { id: true, slug: true } }),
  ]);
  const labels = new Map<string, string>([
    ...tenantRows.map((t) => [`tenant:${t.id}`, `tenant ${t.slug}`] as const),
    ...profileRows.map((p) => [`profile:${p.id}`, `profile ${p.slug}`] as const),
  ]);
  return visible.map((p) => ({ scope: labels.get(p.scopeKey) ?? p.scopeKey.split(":")[0]!, message: p.message }));
}
