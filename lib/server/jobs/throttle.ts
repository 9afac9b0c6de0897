import "server-only";
/**
 * THROTTLE rules counted in the database (RateCounter), inside the
 * submission's transaction, so the limit holds across every replica sharing
 * the database. One fixed window per rule: key = the rule's counterKey,
 * windowStart = now rounded down to throttle.windowSec. Every matching
 * submission counts (also one that ends up throttled); the counter row stays
 * locked by the upsert until the submission commits, so concurrent
 * submissions for the same key are counted one after another.
 */
import type { MatchedThrottle } from "@/lib/domain/policy/types";
import { windowStart } from "@/lib/server/rate-limit";
import type { RawSql } from "@/lib/sql";

export interface ThrottleCount {
  throttle: MatchedThrottle;
  count: number;
  windowStart: Date;
  /** Whole seconds until this rule's window ends (≥ 1). */
  retryAfterSec: number;
  exceeded: boolean;
}

type Sql = Pick<RawSql, "query">;

/** Throttle windows that started longer ago than this are deleted now and then (longer windows are not supported). */
export const THROTTLE_RETENTION_SEC = 31 * 86_400;
/** One submission in this many purges old throttle windows. */
const CLEANUP_ONE_IN = 200;

async function purgeOldWindows(sql: Sql, now: Date): Promise<void> {
  await sql.query(`DELETE FROM "RateCounter" WHERE "key" LIKE 'throttle:%' AND "windowStart" < $1`, [new Date(now.getTime() - THROTTLE_RETENTION_SEC * 1000)]);
}

/** Counts this submission against every matched throttle; returns each count. */
export async function countThrottles(sql: Sql, throttles: MatchedThrottle[], now: Date): Promise<ThrottleCount[]> {
  const out: ThrottleCount[] = [];
  if (throttles.length > 0 && Math.random() * CLEANUP_ONE_IN < 1) await purgeOldWindows(sql, now);
  // One statement per distinct (key, window), in a fixed order (no lock-order deadlocks between submissions).
  const ordered = [...throttles].sort((a, b) => a.counterKey.localeCompare(b.counterKey) || a.windowSec - b.windowSec);
  for (const throttle of ordered) {
    const start = windowStart(now, throttle.windowSec);
    const rows = await sql.query<{ count: number }>(
      `INSERT INTO "RateCounter" ("key", "windowStart", "count") VALUES ($1, $2, 1)
       ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateCounter"."count" + 1
       RETURNING "count"`,
      [throttleKey(throttle), start],
    );
    const count = Number(rows[0]?.count ?? 1);
    const retryAfterSec = Math.max(1, Math.ceil((start.getTime() + throttle.windowSec * 1000 - now.getTime()) / 1000));
    out.push({ throttle, count, windowStart: start, retryAfterSec, exceeded: count > throttle.limit });
  }
  return out;
}

/** The RateCounter key: the rule's counter key (lib/domain/policy), e.g. "throttle:platform:burst:profile:<slug>". */
export function throttleKey(throttle: MatchedThrottle): string {
  return throttle.counterKey;
}

/** The exceeded throttle that keeps the job waiting longest, if any. */
export function deciding(counts: ThrottleCount[]): ThrottleCount | null {
  let worst: ThrottleCount | null = null;
  for (const c of counts) {
    if (c.exceeded && (!worst || c.retryAfterSec > worst.retryAfterSec)) worst = c;
  }
  return worst;
}
