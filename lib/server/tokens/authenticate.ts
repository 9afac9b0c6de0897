import "server-only";
/**
 * `Authorization: Bearer cgt_…` → the token owner's actor, bounded by the
 * token (its tenant and permissions), built fresh on every request: a token
 * whose owner was disabled or demoted loses those powers at once, a revoked
 * or expired one is refused at once. Failures name the reason, never which
 * part of a secret matched: an id that does not exist and a secret that does
 * not match are the same "unknown".
 */
import { isPermission, type Permission } from "@/lib/authz";
import type { Db } from "@/lib/db";
import { parseToken, tokenMatchesHash } from "@/lib/domain/tokens/format";
import { actorForUser, loadActorUser, type RequestActor } from "../actor";

export type TokenRefusal = "missing" | "malformed" | "unknown" | "expired" | "revoked" | "owner-disabled";

export type TokenAuthentication =
  | { ok: true; actor: RequestActor; tokenId: string }
  | { ok: false; reason: TokenRefusal; detail: string };

/** Last use is recorded at most this often per token (a busy CI job need not write on every request). */
const LAST_USED_EVERY_MS = 60_000;

export function bearerOf(authorization: string | null): string | null {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1]! : "";
}

export async function authenticateToken(prisma: Db, authorization: string | null, now = new Date()): Promise<TokenAuthentication> {
  const presented = bearerOf(authorization);
  if (presented === null) {
    return { ok: false, reason: "missing", detail: "Send Authorization: Bearer <API token> (create one on the console's Tokens page)." };
  }
  const parsed = parseToken(presented);
  if (!parsed.ok) {
    return {
      ok: false,
      reason: "malformed",
      detail:
        parsed.reason === "checksum"
          ? "The token's check characters do not match: it was mistyped or cut short."
          : "That is not a Cellgate API token (they start with cgt_ and are 52 characters long).",
    };
  }
  const row = await prisma.apiToken.findUnique({ where: { id: parsed.id } });
  if (!row || !tokenMatchesHash(presented, row.hash)) {
    return { ok: false, reason: "unknown", detail: "This console did not issue that token." };
  }
  if (row.revokedAt) return { ok: false, reason: "revoked", detail: `Token ${row.id} was revoked at ${row.revokedAt.toISOString()}.` };
  if (row.expiresAt.getTime() <= now.getTime()) {
    return { ok: false, reason: "expired", detail: `Token ${row.id} expired at ${row.expiresAt.toISOString()}.` };
  }
  const user = await loadActorUser(prisma, row.ownerId);
  if (!user || user.disabled) {
    return { ok: false, reason: "owner-disabled", detail: `The account that owns token ${row.id} is disabled.` };
  }
  const permissions = row.permissions.filter(isPermission) as Permission[];
  const actor = await actorForUser(prisma, user, { limit: { tenantId: row.tenantId, permissions } });
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await prisma.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_EVERY_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { ok: true, actor: { ...actor, tokenId: row.id }, tokenId: row.id };
}
