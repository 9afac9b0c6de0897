import "server-only";
/**
 * Fixed-window request counters in the database (RateCounter), so every
 * replica sees the same count. The upsert that creates the (key, window) row
 * at 1 or increments it runs with the nonce claim (lib/server/nonces.ts).
 */
import type { RawSql } from "@/lib/sql";

export const RATE_WINDOW_SEC = 60;
/** One request in this many deletes windows older than an hour. */
const CLEANUP_ONE_IN = 100;

export interface RateDecision {
  allowed: boolean;
  count: number;
  limit: number;
  /** Whole seconds until the next window starts (≥ 1). */
  retryAfterSec: number;
}

export function windowStart(now: Date, windowSec = RATE_WINDOW_SEC): Date {
  const ms = windowSec * 1000;
  return new Date(Math.floor(now.getTime() / ms) * ms);
}

/** The decision for a request that made the window's count `count` (also purges old windows now and then). */
export async function rateDecision(sql: RawSql, count: number, limit: number, now: Date): Promise<RateDecision> {
  const start = windowStart(now);
  if (Math.random() * CLEANUP_ONE_IN < 1) {
    await sql
      // Policy throttle counters (key "throttle:…") may have long windows; lib/server/jobs/throttle.ts purges those.
      .query(`DELETE FROM "RateCounter" WHERE "windowStart" < $1 AND "key" NOT LIKE 'throttle:%'`, [new Date(start.getTime() - 3600_000)])
      .catch(() => undefined);
  }
  const retryAfterSec = Math.max(1, Math.ceil((start.getTime() + RATE_WINDOW_SEC * 1000 - now.getTime()) / 1000));
  return { allowed: count <= limit, count, limit, retryAfterSec };
}
