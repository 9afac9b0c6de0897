/**
 * The metrics token check: `Authorization: Bearer <token>` compared in
 * constant time (both sides hashed first, so neither the length nor a common
 * prefix shows in the timing). Pure apart from hashing.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive), or null. */
export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match ? match[1]! : null;
}

/** True when `presented` equals `expected`; false when either is missing or empty. */
export function tokenMatches(presented: string | null | undefined, expected: string | null | undefined): boolean {
  if (!presented || !expected) return false;
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}
