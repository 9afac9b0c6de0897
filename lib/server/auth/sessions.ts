import "server-only";
/**
 * Server-side session records. next-auth 4 keeps credentials sessions in a
 * JWT; the JWT only carries our session id, and every request checks the row
 * here, so sign-out, revocation, role or password changes (sessionVersion)
 * and the idle and absolute timeouts take effect on the very next request.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "@/lib/db";
import { env } from "@/lib/env";

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

export async function createSession(
  prisma: Db,
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

export async function revokeSession(prisma: Db, sessionId: string, reason: string, now = new Date()): Promise<boolean> {
  const result = await prisma.session.updateMany({
    where: { id: sessionId, revokedAt: null },
    data: { revokedAt: now, revokedReason: reason },
  });
  return result.count > 0;
}
