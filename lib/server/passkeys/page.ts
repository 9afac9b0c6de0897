import "server-only";
/** The Security page's data: whether the reader may hold passkeys (lib/authz), and their own. */
import { can, type Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import { relyingParty } from "./index";

export async function loadSecurityPage(actor: Actor) {
  const allowed = can(actor, "passkey.manage", { tenantId: null });
  const prisma = await db();
  const passkeys = await prisma.passkeyCredential.findMany({
    where: { userId: actor.userId, removedAt: null },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, createdAt: true, lastUsedAt: true },
  });
  return {
    allowed,
    origin: relyingParty().origin,
    passkeys: passkeys.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), lastUsedAt: p.lastUsedAt?.toISOString() ?? null })),
  };
}
