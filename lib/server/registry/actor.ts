import "server-only";
/**
 * The CLI acts as a named console user (`--actor EMAIL` or CELLGATE_ACTOR):
 * the same authz Actor the console builds, loaded fresh from the database.
 */
import type { Actor } from "@/lib/authz";
import { authorize } from "@/lib/authz";
import type { Tx } from "@/lib/db";
import { planScope, type RegistryPlan } from "@/lib/domain/registry/plan-types";
import { RegistryError } from "./errors";

export interface CliActor extends Actor {
  email: string;
}

export async function loadCliActor(tx: Tx, email: string): Promise<CliActor> {
  const user = await tx.user.findFirst({
    where: { email: { equals: email.trim(), mode: "insensitive" } },
    include: { memberships: true },
  });
  if (!user || user.disabled) throw new RegistryError("unknown-actor", `no active console user ${email}`);
  return {
    userId: user.id,
    email: user.email,
    platformAdmin: user.platformAdmin,
    memberships: user.memberships.map((m) => ({ tenantId: m.tenantId, role: m.role })),
  };
}

/**
 * `registry.write` for every tenant the plan touches; creating a tenant (or a
 * host bound to no profile) is platform scope. Throws with the first refusal.
 */
export async function authorizePlan(tx: Tx, actor: CliActor, plan: RegistryPlan): Promise<void> {
  const scope = planScope(plan);
  if (scope.platform) {
    const decision = authorize(actor, "registry.write", { tenantId: null });
    if (!decision.allowed) {
      throw new RegistryError("forbidden", `${actor.email} may not make platform-wide registry changes (creating a tenant, or a host with no profiles): ${decision.reason}`);
    }
  }
  const tenants = await tx.tenant.findMany({ where: { slug: { in: scope.tenants } }, select: { id: true, slug: true } });
  const ids = new Map(tenants.map((t) => [t.slug, t.id]));
  for (const slug of scope.tenants) {
    const tenantId = ids.get(slug);
    if (!tenantId) {
      if (scope.platform) continue; // created by this plan; platform admin already checked
      throw new RegistryError("invalid-plan", `tenant ${slug} does not exist`);
    }
    const decision = authorize(actor, "registry.write", { tenantId });
    if (!decision.allowed) throw new RegistryError("forbidden", `${actor.email} may not change the registry of tenant ${slug}: ${decision.reason}`);
  }
}
