import "server-only";
/** Resolving a switch's target (tenant / profile slugs) inside the actor's readable tenants. */
import { inScope, scopeFor, type Actor, type Resource } from "@/lib/authz";
import type { Db, Tx } from "@/lib/db";
import type { KillSwitchScope } from "@/lib/domain/killswitch";
import type { KillSwitchTarget } from "@/lib/schemas/killswitches";

export interface ResolvedTarget extends Resource {
  scope: KillSwitchScope;
  /** Null only for global switches. */
  tenantId: string | null;
  tenantSlug: string | null;
  profileId: string | null;
  profileSlug: string | null;
  capability: string | null;
}

/**
 * The target with ids, or null when a tenant or profile named is not among
 * the actor's readable tenants (or does not exist, or the profile is not in
 * the tenant named): the caller reports "not found" either way.
 */
export async function resolveTarget(prisma: Db | Tx, actor: Actor, target: KillSwitchTarget): Promise<ResolvedTarget | null> {
  const base = { scope: target.scope, capability: target.capability ?? null };
  if (target.scope === "global") {
    return { ...base, tenantId: null, tenantSlug: null, profileId: null, profileSlug: null, capability: null };
  }
  const readable = scopeFor(actor, "registry.read");
  if (target.profile) {
    const profile = await prisma.profile.findUnique({
      where: { slug: target.profile },
      select: { id: true, slug: true, tenantId: true, tenant: { select: { slug: true } } },
    });
    if (!profile || !inScope(readable, profile.tenantId)) return null;
    if (target.tenant && target.tenant !== profile.tenant.slug) return null;
    return { ...base, tenantId: profile.tenantId, tenantSlug: profile.tenant.slug, profileId: profile.id, profileSlug: profile.slug };
  }
  if (!target.tenant) return null;
  const tenant = await prisma.tenant.findUnique({ where: { slug: target.tenant }, select: { id: true, slug: true } });
  if (!tenant || !inScope(readable, tenant.id)) return null;
  return { ...base, tenantId: tenant.id, tenantSlug: tenant.slug, profileId: null, profileSlug: null };
}
