/**
 * API tokens for tests, minted through the same pipeline definition the
 * Tokens page uses (as the user with this e-mail), so their rows, hashes,
 * receipts and limits are the real ones.
 */
import type { Permission } from "../../lib/authz";
import type { Database, Db } from "../../lib/db";
import { mintToken } from "../../lib/domain/tokens/format";
import { createTokenAction } from "../../lib/server/tokens/actions";
import { actorByEmail, runAs } from "./actors";

export async function mintTokenFor(
  database: Pick<Database, "prisma"> | { prisma: Db },
  email: string,
  options: { scope: string; permissions: Permission[]; days?: number; name?: string },
): Promise<{ token: string; id: string }> {
  const actor = await actorByEmail(database.prisma, email);
  const { data } = await runAs(
    createTokenAction.definition,
    { actor, prisma: database.prisma },
    { name: options.name ?? "test token", scope: options.scope, expiresInDays: options.days ?? 30, permissions: options.permissions },
  );
  return { token: data.token, id: data.id };
}

/**
 * A working token for a user, inserted as a row without its creation receipt:
 * only for tests that need the audit log to hold exactly the entries they
 * append (the tamper scenarios). Everything else mints through the pipeline.
 */
export async function insertTokenRow(prisma: Db, userId: string, permissions: Permission[]): Promise<{ token: string; id: string }> {
  const minted = mintToken();
  await prisma.apiToken.create({
    data: { id: minted.id, ownerId: userId, name: "fixture", hash: minted.hash, tenantId: null, permissions, createdBy: userId, expiresAt: new Date(Date.now() + 86_400_000), receiptId: "fixture" },
  });
  return { token: minted.token, id: minted.id };
}
