import "server-only";
/**
 * Live health from heartbeats, kept in the `Profile.health` column so that
 * registry filters, sorting and overview counts stay in SQL and stay right as
 * time passes without any event arriving.
 *
 * A profile that has beaten at least once is healthy while fewer than
 * HEALTH_DEGRADED_AFTER_INTERVALS intervals have passed since its last beat,
 * degraded while fewer than HEALTH_DOWN_AFTER_INTERVALS, down after that —
 * the thresholds and interval clamping of the pure `computeHealth` in
 * lib/domain/ingest, in SQL. Before the first beat the column is left alone
 * (seeded or "unknown").
 *
 * The refresh only ever ESCALATES (healthy → degraded → down, or replaces
 * "unknown"): ingest writes the state a fresh heartbeat reports (a beat may
 * itself say "degraded"), and time can only make that worse until the next
 * beat. The statement is idempotent, so several replicas running it
 * concurrently agree.
 */
import type { Db, Tx } from "@/lib/db";
import {
  HEALTH_DEGRADED_AFTER_INTERVALS,
  HEALTH_DOWN_AFTER_INTERVALS,
  MAX_HEARTBEAT_INTERVAL_SEC,
  MIN_HEARTBEAT_INTERVAL_SEC,
} from "@/lib/domain/ingest/health";
/** Reads refresh at most this often per process and database. */
export const REFRESH_EVERY_MS = 10_000;

// effectiveIntervalSec() in SQL: the stored interval clamped to the same bounds.
const INTERVAL = `LEAST(${MAX_HEARTBEAT_INTERVAL_SEC}, GREATEST(${MIN_HEARTBEAT_INTERVAL_SEC}, "heartbeatIntervalSec"))`;
// Severity of the time-based state: 0 healthy, 1 degraded, 2 down.
const AGE_RANK = `(CASE
  WHEN $1::timestamptz - "lastHeartbeatAt" < make_interval(secs => ${INTERVAL} * ${HEALTH_DEGRADED_AFTER_INTERVALS}) THEN 0
  WHEN $1::timestamptz - "lastHeartbeatAt" < make_interval(secs => ${INTERVAL} * ${HEALTH_DOWN_AFTER_INTERVALS}) THEN 1
  ELSE 2 END)`;
const CURRENT_RANK = `(CASE health WHEN 'healthy' THEN 0 WHEN 'degraded' THEN 1 WHEN 'down' THEN 2 ELSE -1 END)`;

const REFRESH_SQL = `UPDATE "Profile"
  SET health = (CASE ${AGE_RANK} WHEN 0 THEN 'healthy' WHEN 1 THEN 'degraded' ELSE 'down' END)::"Health"
  WHERE "lastHeartbeatAt" IS NOT NULL AND ${AGE_RANK} > ${CURRENT_RANK}`;

/** Bring every heartbeating profile's health up to date as of `now`; returns how many changed. */
export async function refreshHealth(prisma: Db | Tx, now: Date): Promise<number> {
  return prisma.$executeRawUnsafe(REFRESH_SQL, now);
}

const lastRun = new WeakMap<object, { at: number; running: Promise<void> | null }>();

/**
 * `refreshHealth` at most once every REFRESH_EVERY_MS per process and
 * database client; concurrent callers share one run. A failure (a read-only
 * replica, a lock timeout) is logged and the read goes on with the stored
 * state: health is then at most one refresh period stale, never wrong about
 * anything a heartbeat has said.
 */
export async function refreshHealthThrottled(prisma: Db, now = new Date()): Promise<void> {
  const state = lastRun.get(prisma) ?? { at: -Infinity, running: null };
  if (state.running) return state.running;
  if (now.getTime() - state.at < REFRESH_EVERY_MS) return;
  state.at = now.getTime();
  state.running = refreshHealth(prisma, now)
    .then(() => undefined)
    .catch((error: unknown) => {
      console.warn(`health refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    })
    .finally(() => {
      state.running = null;
    });
  lastRun.set(prisma, state);
  return state.running;
}
