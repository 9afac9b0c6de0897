import "server-only";
/**
 * `cellgate admin create EMAIL`: the first platform admin of a fresh install
 * (there is nobody yet who could create one through the console). Direct
 * database access, like `db migrate`: whoever runs it already holds the
 * database. The password is generated, shown once and stored only as an
 * argon2id hash; the creation is audited with the CLI's origin as the actor.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "@/lib/db";
import { writeReceipt, type ReceiptView } from "./audit";
import { AppError } from "./errors";
import { hashPassword } from "./passwords";

export interface CreatedAdmin {
  userId: string;
  email: string;
  /** Shown once. */
  password: string;
  receipt: ReceiptView;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function createPlatformAdmin(database: Database, input: { email: string; name?: string; origin: string }): Promise<CreatedAdmin> {
  const email = input.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 200) throw new AppError("invalid_input", `${input.email} is not an e-mail address`);
  const password = randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  return database.prisma.$transaction(async (tx) => {
    const existing = await tx.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } }, select: { id: true } });
    if (existing) throw new AppError("conflict", `a user ${email} already exists; nothing was changed`);
    const user = await tx.user.create({ data: { email, name: input.name?.trim() || email, passwordHash, platformAdmin: true } });
    const receipt = await writeReceipt(tx, {
      action: "admin.create",
      actor: { type: "cli", id: input.origin },
      scope: { type: "user", id: user.id },
      request: { email },
      result: { userId: user.id, platformAdmin: true },
      summary: { admin: email, origin: input.origin },
    });
    return { userId: user.id, email, password, receipt };
  });
}
