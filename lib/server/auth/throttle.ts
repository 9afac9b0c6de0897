import "server-only";
/**
 * Failed sign-in counters in the LoginThrottle table (the rules are in
 * throttle-rules.ts). Cross-request state lives in the database so every
 * replica sees the same counters. Updates take the rows FOR UPDATE (always
 * in key order, so two attempts never deadlock) inside the caller's
 * transaction: concurrent failures are each counted exactly once.
 */
import { createHash } from "node:crypto";
import type { Tx } from "@/lib/db";
import {
  ACCOUNT_RULE,
  ADDRESS_RULE,
  afterFailure,
  blockedForMs,
  type ThrottleRule,
  type ThrottleState,
} from "./throttle-rules";

export interface ThrottleKeys {
  account: string;
  address: string;
}

/** Buckets for one attempt. The account key is hashed so typed text is never stored. */
export function throttleKeys(email: string, address: string): ThrottleKeys {
  const digest = createHash("sha256").update(email.trim().toLowerCase()).digest("hex").slice(0, 32);
  return { account: `account:${digest}`, address: `address:${address}` };
}

interface Row {
  key: string;
  failures: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

async function readRows(tx: Tx, keys: ThrottleKeys, lock: boolean): Promise<Map<string, ThrottleState>> {
  const rows = lock
    ? await tx.$queryRaw<Row[]>`
        SELECT key, failures, "windowStart", "blockedUntil" FROM "LoginThrottle"
        WHERE key IN (${keys.account}, ${keys.address}) ORDER BY key FOR UPDATE`
    : await tx.$queryRaw<Row[]>`
        SELECT key, failures, "windowStart", "blockedUntil" FROM "LoginThrottle"
        WHERE key IN (${keys.account}, ${keys.address})`;
  return new Map(
    rows.map((r) => [
      r.key,
      {
        failures: Number(r.failures),
        windowStart: new Date(r.windowStart),
        blockedUntil: r.blockedUntil ? new Date(r.blockedUntil) : null,
      },
    ]),
  );
}

/** Milliseconds the attempt must wait (0 = allowed). `lock` takes the rows FOR UPDATE. */
export async function throttleWaitMs(tx: Tx, keys: ThrottleKeys, now: Date, lock = false): Promise<number> {
  const rows = await readRows(tx, keys, lock);
  return Math.max(blockedForMs(rows.get(keys.account) ?? null, now), blockedForMs(rows.get(keys.address) ?? null, now));
}

/** Count one failure in both buckets; answers the wait now in force (0 = none). */
export async function recordFailure(tx: Tx, keys: ThrottleKeys, now: Date): Promise<number> {
  const ordered: [string, ThrottleRule][] = (
    [
      [keys.account, ACCOUNT_RULE],
      [keys.address, ADDRESS_RULE],
    ] as [string, ThrottleRule][]
  ).sort((a, b) => a[0].localeCompare(b[0]));
  // Make sure both rows exist, then lock them; ON CONFLICT makes racing inserts safe.
  for (const [key] of ordered) {
    await tx.$executeRaw`
      INSERT INTO "LoginThrottle" (key, failures, "windowStart", "blockedUntil", "updatedAt")
      VALUES (${key}, 0, ${now}, NULL, ${now}) ON CONFLICT (key) DO NOTHING`;
  }
  const rows = await readRows(tx, keys, true);
  let wait = 0;
  for (const [key, rule] of ordered) {
    const next = afterFailure(rows.get(key) ?? null, rule, now);
    await tx.$executeRaw`
      UPDATE "LoginThrottle"
      SET failures = ${next.failures}, "windowStart" = ${next.windowStart},
          "blockedUntil" = ${next.blockedUntil}, "updatedAt" = ${now}
      WHERE key = ${key}`;
    wait = Math.max(wait, blockedForMs(next, now));
  }
  return wait;
}

/** A successful sign-in forgets the account's failures (not the address's). */
export async function clearAccountFailures(tx: Tx, keys: ThrottleKeys): Promise<void> {
  await tx.$executeRaw`DELETE FROM "LoginThrottle" WHERE key = ${keys.account}`;
}
