import "server-only";
/**
 * Who reads which audit entries. `audit.read` is granted per tenant (auditor,
 * tenant admin) or everywhere (platform admin). Entries with no tenant are
 * platform entries (sign-ins, platform policy, global switches): only platform
 * admins see them. Every explorer query ANDs `auditScope` into its WHERE, so
 * a missing check elsewhere still cannot leak another tenant's entries.
 */
import { holdsAnywhere, scopeFor, withinScope, type Actor, type TenantScope } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import type { Prisma } from "@/lib/generated/prisma/client";

export function auditTenants(actor: Actor): TenantScope {
  return scopeFor(actor, "audit.read");
}

/** Holds audit.read in at least one tenant (or everywhere): may open /audit at all. */
export function mayReadAudit(actor: Actor): boolean {
  return holdsAnywhere(actor, "audit.read");
}

/** True for actors who may see platform entries (tenantId null). */
export function seesPlatformEntries(actor: Actor): boolean {
  return auditTenants(actor).all;
}

/**
 * The scope condition on a tenant id column (`column` is trusted SQL, e.g.
 * `e."tenantId"`). An empty tenant list matches nothing; NULL never matches
 * `= ANY(…)`, so platform rows stay hidden from tenant-scoped actors.
 */
export function auditScope(actor: Actor, column: Prisma.Sql): Prisma.Sql {
  return scopedSql(auditTenants(actor), column);
}

/** Tenants the actor may pick in the tenant filter. */
export function auditTenantChoices(actor: Actor & { tenants: { id: string; slug: string; name: string }[] }) {
  return withinScope(auditTenants(actor), actor.tenants);
}
