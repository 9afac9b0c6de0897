import "server-only";
/**
 * Who a request acts for, built fresh from the database on every request, so
 * a role change, a demotion or a disabled account applies at once: a console
 * session (lib/server/session.ts) or an API token (lib/server/tokens).
 */
import type { Actor, Membership, TokenLimit, TenantRole } from "@/lib/authz";
import type { Db, Tx } from "@/lib/db";

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  roles: TenantRole[];
}

export interface RequestActor extends Actor {
  email: string;
  name: string;
  /** Set for a console session. */
  sessionId?: string;
  /** Set for a request authenticated with an API token. */
  tokenId?: string | null;
  /** Tenants this actor may see, with its roles there (all tenants for platform admins). */
  tenants: TenantSummary[];
  /** Set when a platform admin narrowed the session to one tenant role. */
  viewAs: { tenantId: string; role: TenantRole } | null;
  /** The real user's platform-admin flag, even while viewing as a tenant user. */
  isPlatformAdminUser: boolean;
}

export interface SessionActor extends RequestActor {
  sessionId: string;
}

export interface ActorUser {
  id: string;
  email: string;
  name: string;
  platformAdmin: boolean;
  personId: string | null;
  memberships: { tenantId: string; role: TenantRole; tenant: { id: string; slug: string; name: string } }[];
}

export interface ActorOptions {
  /** A platform admin viewing the console as one tenant role. */
  viewAs?: { tenantId: string; role: TenantRole } | null;
  /** An API token's bounds (its tenant and permissions). */
  limit?: TokenLimit | null;
}

/** The actor for a loaded user (memberships with their tenants), as of now. */
export async function actorForUser(prisma: Db | Tx, user: ActorUser, options: ActorOptions = {}): Promise<RequestActor> {
  const viewAs = user.platformAdmin ? (options.viewAs ?? null) : null;
  const limit = options.limit ?? null;
  const platformAdmin = user.platformAdmin && !viewAs;

  let memberships: Membership[];
  let tenants: TenantSummary[];
  if (viewAs) {
    const tenant = await prisma.tenant.findUnique({ where: { id: viewAs.tenantId } });
    memberships = tenant ? [{ tenantId: tenant.id, role: viewAs.role }] : [];
    tenants = tenant ? [{ id: tenant.id, slug: tenant.slug, name: tenant.name, roles: [viewAs.role] }] : [];
  } else {
    memberships = user.memberships.map((m) => ({ tenantId: m.tenantId, role: m.role }));
    const byTenant = new Map<string, TenantSummary>();
    const all = platformAdmin ? await prisma.tenant.findMany({ orderBy: { slug: "asc" } }) : user.memberships.map((m) => m.tenant);
    for (const t of all) {
      if (limit?.tenantId && t.id !== limit.tenantId) continue;
      byTenant.set(t.id, { id: t.id, slug: t.slug, name: t.name, roles: [] });
    }
    for (const m of user.memberships) byTenant.get(m.tenantId)?.roles.push(m.role);
    tenants = [...byTenant.values()].sort((a, b) => a.slug.localeCompare(b.slug));
  }
  // Other accounts of the same person: never an approver of each other's requests.
  const identityIds = user.personId
    ? (await prisma.user.findMany({ where: { personId: user.personId, id: { not: user.id } }, select: { id: true } })).map((u) => u.id)
    : [];

  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    identityIds,
    platformAdmin,
    // A token never acts as "the person behind a session" (view-as stays with sessions).
    isPlatformAdminUser: user.platformAdmin && !limit,
    memberships,
    tenants,
    viewAs,
    limit,
  };
}

/** The user row `actorForUser` needs, by id. */
export function loadActorUser(prisma: Db | Tx, userId: string) {
  return prisma.user.findUnique({ where: { id: userId }, include: { memberships: { include: { tenant: true } } } });
}

/** The actor of an (enabled) user by id, as a console session of theirs would see it; null when there is none. */
export async function loadActorById(prisma: Db | Tx, userId: string): Promise<RequestActor | null> {
  const user = await loadActorUser(prisma, userId);
  if (!user || user.disabled) return null;
  return actorForUser(prisma, user);
}
