import "server-only";
/**
 * SIEM export delivery: each sink reads the audit chain on from its durable
 * cursor (SiemCursor: the last entry it acknowledged, by seq and hash), in
 * seq order, one batch at a time, and moves the cursor only after the sink
 * acknowledged the batch. So delivery is at least once, with no gap; an entry
 * is sent again only when its batch was not acknowledged (a failure, a
 * timeout, a replica that stopped mid-batch), and every event carries its
 * entry's seq and hash as a stable id.
 *
 * One deliverer per sink at a time, on any replica: a batch is sent only
 * under the cursor row's lease, claimed in ONE UPDATE (the row must be due
 * and its lease free or run out) and released by the UPDATE that records the
 * outcome — which names the lease owner and the seq it started from, so a
 * replica whose lease ran out cannot move the cursor. No transaction stays
 * open while a sink is called, and nothing here takes a lock a writer takes
 * (entries and the head are read with plain SELECTs; the only row locked is
 * the sink's own cursor, for the length of one UPDATE): a sink that is down
 * never holds up a decision, on PostgreSQL or on PGlite.
 *
 * A failed batch backs off exponentially (BACKOFF_BASE_MS doubling, at most
 * BACKOFF_MAX_MS) before the next attempt; the entries wait in the chain.
 */
import { randomBytes } from "node:crypto";
import { GENESIS_HASH } from "@/lib/domain/audit/chain";
import { toOcsf } from "@/lib/domain/siem/ocsf";
import type { RawSql } from "@/lib/sql";
import { chainEntriesAfter } from "../audit-verify";
import type { Sink } from "./sinks";

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 300_000;
/** A claimed cursor is not claimed by another deliverer for this long (a send's timeout plus margin). */
export const LEASE_MS = 60_000;
export const DEFAULT_BATCH = 100;

type Sql = Pick<RawSql, "query" | "kind">;

export function backoffMs(consecutiveFailures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, consecutiveFailures - 1));
}

/** Creates the sink's cursor at the start of the chain if it has none; keeps `target` current. */
export async function ensureCursor(sql: Pick<RawSql, "query">, sink: Pick<Sink, "name" | "target">): Promise<void> {
  await sql.query(
    `INSERT INTO "SiemCursor" ("sink", "target", "hash") VALUES ($1, $2, $3)
     ON CONFLICT ("sink") DO UPDATE SET "target" = EXCLUDED."target" WHERE "SiemCursor"."target" <> EXCLUDED."target"`,
    [sink.name, sink.target, GENESIS_HASH],
  );
}

export type DeliveryOutcome =
  | { status: "idle" } // nothing after the cursor
  | { status: "waiting"; until: Date } // backing off after a failure
  | { status: "busy" } // another deliverer holds the lease
  | { status: "delivered"; first: number; last: number; count: number }
  | { status: "failed"; error: string; retryAt: Date }
  | { status: "lease-lost"; first: number; last: number };

export interface DeliverOptions {
  now?: Date;
  batch?: number;
  /** Who holds the lease (default: a fresh id per call). */
  owner?: string;
  productVersion?: string;
}

interface CursorRow {
  seq: number;
  hash: string;
  consecutiveFailures: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
}

/** One batch for one sink: claim, read, send, record. Never throws for a sink's failure. */
export async function deliverBatch(sql: Sql, sink: Sink, options: DeliverOptions = {}): Promise<DeliveryOutcome> {
  const now = options.now ?? new Date();
  const owner = options.owner ?? `siem_${randomBytes(9).toString("base64url")}`;
  const batch = options.batch ?? DEFAULT_BATCH;
  // Cheap look first (no write while there is nothing to do).
  const [peek] = await sql.query<CursorRow & { head: number | null }>(
    `SELECT c.seq, c."nextAttemptAt", c."leaseUntil", (SELECT seq FROM "AuditHead" WHERE id = 1) AS head
       FROM "SiemCursor" c WHERE c.sink = $1`,
    [sink.name],
  );
  if (!peek) throw new Error(`no SiemCursor row for sink ${sink.name}: call ensureCursor first`);
  if (Number(peek.head ?? 0) <= Number(peek.seq)) return { status: "idle" };
  if (new Date(peek.nextAttemptAt) > now) return { status: "waiting", until: new Date(peek.nextAttemptAt) };
  const [claimed] = await sql.query<CursorRow>(
    `UPDATE "SiemCursor" SET "leaseOwner" = $2, "leaseUntil" = $4
      WHERE sink = $1 AND "nextAttemptAt" <= $3 AND ("leaseUntil" IS NULL OR "leaseUntil" <= $3)
      RETURNING seq, hash, "consecutiveFailures"`,
    [sink.name, owner, now, new Date(now.getTime() + LEASE_MS)],
  );
  if (!claimed) return { status: "busy" };
  const from = Number(claimed.seq);
  const entries = await chainEntriesAfter(sql, from, batch);
  if (entries.length === 0) {
    await release(sql, sink.name, owner);
    return { status: "idle" };
  }
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  let error: string | null = null;
  // The batch must continue the chain from the cursor: a gap or a different
  // prevHash means the log is not the one delivered so far (restored, rewritten).
  if (first.seq !== from + 1) error = `the chain does not continue from the cursor: expected entry ${from + 1}, found ${first.seq}`;
  else if (first.prevHash !== claimed.hash) error = `entry ${first.seq} does not link to the last entry delivered (seq ${from}): prevHash differs`;
  else {
    try {
      await sink.send(entries.map((e) => toOcsf(e, options.productVersion ?? "0.1.0")));
    } catch (e) {
      error = (e as Error).message || String(e);
    }
  }
  if (error === null) {
    const advanced = await sql.query(
      `UPDATE "SiemCursor" SET seq = $3, hash = $4, delivered = delivered + $5, "lastDeliveredAt" = $6,
              "consecutiveFailures" = 0, "nextAttemptAt" = $8, "leaseOwner" = NULL, "leaseUntil" = NULL
        WHERE sink = $1 AND "leaseOwner" = $2 AND seq = $7
        RETURNING 1`,
      [sink.name, owner, last.seq, last.hash, entries.length, new Date(), from, now],
    );
    if (advanced.length === 0) return { status: "lease-lost", first: first.seq, last: last.seq };
    return { status: "delivered", first: first.seq, last: last.seq, count: entries.length };
  }
  const failures = Number(claimed.consecutiveFailures) + 1;
  const retryAt = new Date(now.getTime() + backoffMs(failures));
  await sql.query(
    `UPDATE "SiemCursor" SET failures = failures + 1, "consecutiveFailures" = $3, "nextAttemptAt" = $4,
            "lastError" = $5, "lastErrorAt" = $6, "leaseOwner" = NULL, "leaseUntil" = NULL
      WHERE sink = $1 AND "leaseOwner" = $2`,
    [sink.name, owner, failures, retryAt, error.slice(0, 500), new Date()],
  );
  return { status: "failed", error, retryAt };
}

async function release(sql: Pick<RawSql, "query">, sinkName: string, owner: string): Promise<void> {
  await sql.query(`UPDATE "SiemCursor" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE sink = $1 AND "leaseOwner" = $2`, [sinkName, owner]);
}

/** Delivers batches for one sink until it is caught up, fails, or `maxBatches` were sent. */
export async function drainSink(sql: Sql, sink: Sink, options: DeliverOptions & { maxBatches?: number } = {}): Promise<DeliveryOutcome[]> {
  const outcomes: DeliveryOutcome[] = [];
  const owner = options.owner ?? `siem_${randomBytes(9).toString("base64url")}`;
  for (let i = 0; i < (options.maxBatches ?? 50); i++) {
    const outcome = await deliverBatch(sql, sink, { ...options, owner });
    outcomes.push(outcome);
    if (outcome.status !== "delivered") break;
  }
  return outcomes;
}

export interface SiemCursorView {
  sink: string;
  target: string;
  seq: number;
  hash: string;
  delivered: number;
  failures: number;
  consecutiveFailures: number;
  nextAttemptAt: Date;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** Entries in the chain after the cursor. */
  behind: number;
  /** Age of the oldest entry not yet delivered (0 when caught up). */
  secondsBehind: number;
  head: number;
}

/**
 * Every sink's cursor with its lag: the head and, per sink, the time of the
 * first entry it has not delivered (one primary-key lookup each), never a
 * count over history.
 */
export async function readSiemCursors(sql: Pick<RawSql, "query">, now = new Date()): Promise<SiemCursorView[]> {
  const rows = await sql.query<Omit<SiemCursorView, "behind" | "secondsBehind"> & { next_time: Date | string | null }>(
    `SELECT c.sink, c.target, c.seq, c.hash, c.delivered, c.failures, c."consecutiveFailures", c."nextAttemptAt",
            c."lastDeliveredAt", c."lastError", c."lastErrorAt",
            COALESCE((SELECT seq FROM "AuditHead" WHERE id = 1), 0) AS head,
            (SELECT e.time FROM "AuditEntry" e WHERE e.seq = c.seq + 1) AS next_time
       FROM "SiemCursor" c ORDER BY c.sink`,
  );
  return rows.map(({ next_time, ...r }) => {
    const head = Number(r.head);
    const seq = Number(r.seq);
    const next = next_time === null ? null : new Date(next_time);
    return {
      ...r,
      seq,
      head,
      delivered: Number(r.delivered),
      failures: Number(r.failures),
      consecutiveFailures: Number(r.consecutiveFailures),
      behind: Math.max(0, head - seq),
      secondsBehind: next && head > seq ? Math.max(0, (now.getTime() - next.getTime()) / 1000) : 0,
    };
  });
}
