import "server-only";
/**
 * Server-side session records. next-auth 4 keeps credentials sessions in a
 * JWT; the JWT only carries our session id, and every request checks the row
 * here, so sign-out, revocation, role or password changes (sessionVersion)
 * and the idle and absolute timeouts take effect on the very next request.
 */
import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import { env } from "@/lib/env";
import { appendAudit, type AuditActor } from "@/lib/server/audit";

/** lastSeenAt is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export function sessionLimits(): SessionLimits {
  const e = env();
  return {
    idleMs: e.CELLGATE_SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: e.CELLGATE_SESSION_MAX_HOURS * 3_600_000,
  };
}

/** Create the session row (inside the caller's transaction when given one). */
export async function createSession(
  prisma: Tx,
  input: { userId: string; provider: string; clientAddress?: string | null; userAgent?: string | null },
  now = new Date(),
): Promise<string> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: input.userId }, select: { sessionVersion: true } });
  const id = randomBytes(24).toString("base64url");
  await prisma.session.create({
    data: {
      id,
      userId: input.userId,
      sessionVersion: user.sessionVersion,
      provider: input.provider,
      clientAddress: input.clientAddress ?? null,
      userAgent: input.userAgent?.slice(0, 400) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + sessionLimits().absoluteMs),
    },
  });
  return id;
}

export type SessionCheck =
  | { valid: true; userId: string; viewAsTenantId: string | null; viewAsRole: string | null }
  | { valid: false; reason: "missing" | "revoked" | "expired" | "idle" | "stale" | "disabled" };

/** Is this session still good? Touches lastSeenAt when it is. */
export async function checkSession(prisma: Db, sessionId: string, now = new Date()): Promise<SessionCheck> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    include: { user: { select: { sessionVersion: true, disabled: true } } },
  });
  if (!session) return { valid: false, reason: "missing" };
  if (session.revokedAt) return { valid: false, reason: "revoked" };
  if (session.user.disabled) return { valid: false, reason: "disabled" };
  if (session.sessionVersion !== session.user.sessionVersion) return { valid: false, reason: "stale" };
  if (now >= session.expiresAt) return { valid: false, reason: "expired" };
  if (now.getTime() - session.lastSeenAt.getTime() > sessionLimits().idleMs) return { valid: false, reason: "idle" };
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await prisma.session.update({ where: { id: sessionId }, data: { lastSeenAt: now } });
  }
  return {
    valid: true,
    userId: session.userId,
    viewAsTenantId: session.viewAsTenantId,
    viewAsRole: session.viewAsRole,
  };
}

/** Mark the row revoked (no audit: use signOutSession / revokeSessionAudited). */
export async function revokeSession(prisma: Tx, sessionId: string, reason: string, now = new Date()): Promise<boolean> {
  const result = await prisma.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return result.count > 0;
}

/**
 * Sign-out: revoke the row and audit it in one transaction, so a copied
 * cookie is dead on its next request. Answers false when there was nothing
 * live to revoke (already revoked or unknown: nothing is audited then).
 */
export async function signOutSession(prisma: Db, sessionId: string, now = new Date()): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, select: { userId: true, provider: true } });
    if (!session || !(await revokeSession(tx, sessionId, "signed out", now))) return false;
    await appendAudit(tx, {
      actor: { type: "user", id: session.userId },
      action: "auth.sign_out",
      resource: `user:${session.userId}`,
      data: { provider: session.provider, sessionId: sessionId.slice(0, 8) },
    });
    return true;
  });
}

/** Revoke someone's session (an admin, the CLI, the system) and audit it. */
export async function revokeSessionAudited(
  prisma: Db,
  sessionId: string,
  by: { actor: AuditActor; reason: string },
  now = new Date(),
): Promise<boolean> {
  const reason = by.reason.trim();
  if (!reason) throw new Error("a reason is required to revoke a session");
  return prisma.$transaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, select: { userId: true } });
    if (!session || !(await revokeSession(tx, sessionId, reason, now))) return false;
    await appendAudit(tx, {
      actor: by.actor,
      action: "auth.session.revoked",
      resource: `user:${session.userId}`,
      data: { sessionId: sessionId.slice(0, 8), reason },
    });
    return true;
  });
}

/** Revoke every live session of a user (e.g. after disabling them) and audit it. */
export async function revokeUserSessions(
  prisma: Db,
  userId: string,
  by: { actor: AuditActor; reason: string },
  now = new Date(),
): Promise<number> {
  const reason = by.reason.trim();
  if (!reason) throw new Error("a reason is required to revoke sessions");
  return prisma.$transaction(async (tx) => {
    const result = await tx.session.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
    if (result.count > 0) {
      await appendAudit(tx, {
        actor: by.actor,
        action: "auth.session.revoked",
        resource: `user:${userId}`,
        data: { sessions: result.count, reason },
      });
    }
    return result.count;
  });
}
