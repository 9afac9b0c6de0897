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
import { isRole } from "@/lib/authz";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { sessionCookieName } from "./auth/cookies";
import { checkSession } from "./auth/sessions";
import { actorForUser, loadActorUser, type SessionActor } from "./actor";

export type { RequestActor, SessionActor, TenantSummary } from "./actor";

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
  const user = await loadActorUser(prisma, check.userId);
  if (!user || user.disabled || user.kind !== "person") return null;
  const viewAs =
    check.viewAsTenantId && check.viewAsRole && isRole(check.viewAsRole)
      ? { tenantId: check.viewAsTenantId, role: check.viewAsRole }
      : null;
  return { ...(await actorForUser(prisma, user, { viewAs })), sessionId };
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
