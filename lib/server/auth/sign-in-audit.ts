import "server-only";
/** Audit entries for sign-in events (never a password or a token). */
import { createHash } from "node:crypto";
import type { Tx } from "@/lib/db";
import { appendAudit, type AuditActor } from "@/lib/server/audit";

export type SignInFailureReason =
  | "bad_credentials"
  | "throttled"
  | "disabled"
  | "no_access"
  | "email_conflict"
  | "no_email";

/** The actor for an attempt on an account that does not exist: a short hash of what was typed. */
export function unknownActorId(identifier: string): string {
  const digest = createHash("sha256").update(identifier.trim().toLowerCase()).digest("hex").slice(0, 16);
  return `unknown:${digest}`;
}

export function userActor(userId: string | null | undefined, identifier: string): AuditActor {
  return { type: "user", id: userId ?? unknownActorId(identifier) };
}

export async function auditSignInFailure(
  tx: Tx,
  actor: AuditActor,
  detail: { provider: string; reason: SignInFailureReason; clientAddress: string; retryAfterSeconds?: number },
): Promise<void> {
  await appendAudit(tx, {
    actor,
    action: "auth.sign_in.failed",
    resource: `user:${actor.id}`,
    decision: "DENY",
    data: detail,
  });
}

export async function auditSignInSuccess(
  tx: Tx,
  userId: string,
  detail: { provider: string; sessionId: string; clientAddress: string; [key: string]: unknown },
): Promise<void> {
  await appendAudit(tx, {
    actor: { type: "user", id: userId },
    action: "auth.sign_in.succeeded",
    resource: `user:${userId}`,
    decision: "ALLOW",
    // The session id is a server-side handle, not a credential (the signed cookie is); log a prefix anyway.
    data: { ...detail, sessionId: detail.sessionId.slice(0, 8) },
  });
}
