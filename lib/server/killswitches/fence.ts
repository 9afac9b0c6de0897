import "server-only";
/**
 * The fence between engaging a switch and deciding a job, so that no job
 * decided without a switch commits after that switch's engage committed.
 * An engage takes an exclusive transaction-scoped advisory lock; a job's
 * insert transaction takes it shared (decisions never wait for each other)
 * and counts the switches ever engaged (rows are never deleted, so the count
 * only grows). If the count moved since the job's kill-switch check, the job
 * is decided again.
 */
import type { Tx } from "@/lib/db";
import type { RawSql } from "@/lib/sql";

/** Arbitrary, constant: "cellgate kill switch fence". */
export const KILL_SWITCH_FENCE = 72_290_419;

/** In an engage's transaction, before the switch row is written. */
export async function fenceEngage(tx: Tx): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock($1)::text AS locked`, KILL_SWITCH_FENCE);
}

/** The fence's count: switches ever engaged (read with a job's kill-switch check, and again in its transaction). */
export const ENGAGED_COUNT_SQL = `SELECT count(*) AS n FROM "KillSwitch"`;

export async function engagedCount(sql: Pick<RawSql, "query">): Promise<number> {
  const rows = await sql.query<{ n: number | string }>(ENGAGED_COUNT_SQL);
  return Number(rows[0]?.n ?? 0);
}

/** In a job's insert transaction: wait out any engage in flight, then count again. */
export async function fencedEngagedCount(sql: Pick<RawSql, "query">): Promise<number> {
  await sql.query(`SELECT pg_advisory_xact_lock_shared($1)::text AS locked`, [KILL_SWITCH_FENCE]);
  return engagedCount(sql);
}
