import "server-only";
import { hash, verify, type Algorithm } from "@node-rs/argon2";

/** OWASP-recommended argon2id parameters (19 MiB, t=2, p=1). */
const OPTIONS = { algorithm: 2 as Algorithm /* Argon2id (a const enum; isolatedModules cannot read it) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    // Same work as a real check, so timing does not reveal unknown accounts.
    await hash(password, OPTIONS);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
