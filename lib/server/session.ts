import "server-only";
/**
 * Who is asking. `getActor()` is the single entry point every page, action
 * and route uses: it decodes the next-auth JWT, checks the server-side
 * session row (revocation, timeouts, sessionVersion) and loads the user's
 * memberships fresh from the database, so a role change applies on the very
 * next request. A platform admin "viewing as" a tenant role gets exactly that
 * narrowed actor.
 */
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import type { Actor, Membership, TenantRole } from "@/lib/authz";
import { isRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { sessionCookieName } from "./auth/cookies";
import { checkSession } from "./auth/sessions";

export interface TenantSummary {
  id: string;
  slug: string;
  name: string;
  roles: TenantRole[];
}

export interface SessionActor extends Actor {
  email: string;
  name: string;
  sessionId: string;
  /** Tenants this actor may see, with its roles there (all tenants for platform admins). */
  tenants: TenantSummary[];
  /** Set when a platform admin narrowed the session to one tenant role. */
  viewAs: { tenantId: string; role: TenantRole } | null;
  /** The real user's platform-admin flag, even while viewing as a tenant user. */
  isPlatformAdminUser: boolean;
}

export const getActor = cache(async (): Promise<SessionActor | null> => {
  const sessionId = await sessionIdFromCookie();
  if (!sessionId) return null;
  return loadActor(sessionId);
});

/** The `sid` inside next-auth's encrypted session cookie, or null. */
async function sessionIdFromCookie(): Promise<string | null> {
  const e = env();
  const secret = e.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  const token = (await cookies()).get(sessionCookieName(e.NEXTAUTH_URL))?.value;
  if (!token || !secret) return null;
  try {
    const payload = await decode({ token, secret });
    return typeof payload?.sid === "string" ? payload.sid : null;
  } catch {
    return null; // tampered, or sealed with another secret
  }
}

export async function loadActor(sessionId: string): Promise<SessionActor | null> {
  const prisma = await db();
  const check = await checkSession(prisma, sessionId);
  if (!check.valid) return null;
  const user = await prisma.user.findUnique({
    where: { id: check.userId },
    include: { memberships: { include: { tenant: true } } },
  });
  if (!user || user.disabled) return null;

  let viewAs: SessionActor["viewAs"] = null;
  if (user.platformAdmin && check.viewAsTenantId && check.viewAsRole && isRole(check.viewAsRole)) {
    viewAs = { tenantId: check.viewAsTenantId, role: check.viewAsRole };
  }
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
    const all = platformAdmin
      ? await prisma.tenant.findMany({ orderBy: { slug: "asc" } })
      : user.memberships.map((m) => m.tenant);
    for (const t of all) byTenant.set(t.id, { id: t.id, slug: t.slug, name: t.name, roles: [] });
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
    sessionId,
    identityIds,
    platformAdmin,
    isPlatformAdminUser: user.platformAdmin,
    memberships,
    tenants,
    viewAs,
  };
}

/** For pages: the actor, or a redirect to the sign-in page (back to this page afterwards). */
export async function requireActor(): Promise<SessionActor> {
  const actor = await getActor();
  if (!actor) redirect(await signInPath());
  return actor;
}

/** /signin, with a callbackUrl when proxy.ts told us which page was asked for. */
async function signInPath(): Promise<string> {
  const path = (await headers()).get("x-cellgate-path");
  if (!path || path === "/" || !path.startsWith("/") || path.startsWith("//")) return "/signin";
  return `/signin?callbackUrl=${encodeURIComponent(path)}`;
}
