import "server-only";
/**
 * Email + password sign-in: throttle check, argon2id verification, failure
 * counting, session creation and audit. next-auth's `authorize` is a thin
 * wrapper around `signInWithPassword`, which integration tests call directly.
 */
import type { Db } from "@/lib/db";
import { verifyPassword } from "@/lib/server/passwords";
import { createSession } from "./sessions";
import { auditSignInFailure, auditSignInSuccess, userActor } from "./sign-in-audit";
import { clearAccountFailures, recordFailure, throttleKeys, throttleWaitMs } from "./throttle";

export interface PasswordSignInInput {
  email: string;
  password: string;
  clientAddress: string;
  userAgent?: string | null;
}

export type PasswordSignInResult =
  | { ok: true; userId: string; email: string; name: string; sessionId: string }
  | { ok: false; reason: "bad_credentials" | "disabled" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

/** Generous limits: argon2 runs outside the transaction, but many attempts may queue on the rows. */
const TX_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

export async function signInWithPassword(
  prisma: Db,
  input: PasswordSignInInput,
  now = new Date(),
): Promise<PasswordSignInResult> {
  const email = input.email.trim().toLowerCase();
  if (!email || !input.password) return { ok: false, reason: "bad_credentials" };
  const keys = throttleKeys(email, input.clientAddress);
  const provider = "credentials";
  const clientAddress = input.clientAddress;

  // Blocked: refuse before looking at the password (and do not count the attempt).
  const user = await prisma.user.findUnique({ where: { email } });
  const actor = userActor(user?.id, email);
  const waitMs = await throttleWaitMs(prisma, keys, now);
  if (waitMs > 0) {
    await prisma.$transaction(
      (tx) => auditSignInFailure(tx, actor, { provider, reason: "throttled", clientAddress, retryAfterSeconds: seconds(waitMs) }),
      TX_OPTIONS,
    );
    return { ok: false, reason: "throttled", retryAfterMs: waitMs };
  }

  const passwordOk = await verifyPassword(user?.passwordHash, input.password);
  if (!user || !passwordOk) {
    const blockedMs = await prisma.$transaction(async (tx) => {
      const wait = await recordFailure(tx, keys, now);
      await auditSignInFailure(tx, actor, { provider, reason: "bad_credentials", clientAddress });
      return wait;
    }, TX_OPTIONS);
    // The failure that trips the limit already says so, instead of one more "wrong password".
    return blockedMs > 0 ? { ok: false, reason: "throttled", retryAfterMs: blockedMs } : { ok: false, reason: "bad_credentials" };
  }

  if (user.disabled) {
    await prisma.$transaction((tx) => auditSignInFailure(tx, actor, { provider, reason: "disabled", clientAddress }), TX_OPTIONS);
    return { ok: false, reason: "disabled" };
  }

  return prisma.$transaction(async (tx): Promise<PasswordSignInResult> => {
    // Re-check under the row locks: failures that landed while we were hashing may have blocked us.
    const wait = await throttleWaitMs(tx, keys, now, true);
    if (wait > 0) {
      await auditSignInFailure(tx, actor, { provider, reason: "throttled", clientAddress, retryAfterSeconds: seconds(wait) });
      return { ok: false, reason: "throttled", retryAfterMs: wait };
    }
    await clearAccountFailures(tx, keys);
    const sessionId = await createSession(
      tx,
      { userId: user.id, provider, clientAddress, userAgent: input.userAgent },
      now,
    );
    await auditSignInSuccess(tx, user.id, { provider, sessionId, clientAddress });
    return { ok: true, userId: user.id, email: user.email, name: user.name, sessionId };
  }, TX_OPTIONS);
}

function seconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
