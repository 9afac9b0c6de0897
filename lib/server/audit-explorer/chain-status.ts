import "server-only";
/**
 * The chain status panel's data. A full verification (verifyAuditLog:
 * every entry re-hashed from genesis, then the head row compared) runs at
 * most every FULL_EVERY_MS per process; in between, only the entries appended
 * since the cached cursor are verified, after checking that the cursor entry
 * itself still carries the hash it had. The result says which of the two was
 * done and when, so the panel never claims more than was checked. Any
 * failure of the incremental check falls back to a full verification, which
 * names the first broken entry exactly.
 *
 * The cache is per process and per database: it only saves work; a fresh
 * replica simply starts with a full verification.
 */
import { hashAuditEntry, type ChainCursor } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";
import { chainEntriesAfter, verifyAuditLog } from "../audit-verify";
import { checkpointStatus, type CheckpointStatus } from "../checkpoints/status";

export type { CheckpointStatus };

export const FULL_EVERY_MS = 10 * 60_000;
/** A requested full re-verification is honoured at most this often (it reads the whole log). */
export const FORCED_FULL_MIN_MS = 60_000;

export type ChainStatus = ChainOnlyStatus & {
  /** The signed checkpoints, verified against the log (refreshed on every full verification). */
  checkpoint: CheckpointStatus;
};

type ChainOnlyStatus =
  | {
      ok: true;
      /** Highest seq verified (the chain head). */
      throughSeq: number;
      headHash: string;
      checkedAt: Date;
      /** The last full verification from genesis: when, and through which seq. */
      full: { at: Date; throughSeq: number };
      /** Entries verified incrementally on top of that full run, if any. */
      incremental: { fromSeq: number; throughSeq: number } | null;
    }
  | { ok: false; seq: number; reason: string; checkedAt: Date; entriesChecked: number };

interface Cached {
  cursor: ChainCursor;
  fullAt: Date;
  fullThroughSeq: number;
}

const cache = new WeakMap<RawSql, Cached>();

export async function auditChainStatus(
  sql: RawSql,
  options: { now?: Date; forceFull?: boolean; pageSize?: number } = {},
): Promise<ChainStatus> {
  const now = options.now ?? new Date();
  const chain = await chainOnlyStatus(sql, now, options);
  // Re-check the checkpoints whenever the whole chain was re-verified in this call (or failed).
  const refresh = !chain.ok || chain.full.at === now;
  return { ...chain, checkpoint: await checkpointStatus(sql, { now, refresh }) };
}

async function chainOnlyStatus(sql: RawSql, now: Date, options: { forceFull?: boolean; pageSize?: number }): Promise<ChainOnlyStatus> {
  const pageSize = options.pageSize ?? 5_000;
  const cached = cache.get(sql);
  const sinceFull = cached ? now.getTime() - cached.fullAt.getTime() : Infinity;
  const wantFull = sinceFull >= FULL_EVERY_MS || (options.forceFull === true && sinceFull >= FORCED_FULL_MIN_MS);
  if (cached && !wantFull) {
    const head = await verifySince(sql, cached.cursor, pageSize);
    if (head) {
      cache.set(sql, { ...cached, cursor: head });
      return {
        ok: true,
        throughSeq: head.seq,
        headHash: head.hash,
        checkedAt: now,
        full: { at: cached.fullAt, throughSeq: cached.fullThroughSeq },
        incremental: head.seq > cached.fullThroughSeq ? { fromSeq: cached.fullThroughSeq + 1, throughSeq: head.seq } : null,
      };
    }
  }
  const result = await verifyAuditLog(sql, { pageSize });
  if (!result.ok) {
    cache.delete(sql);
    return { ok: false, seq: result.seq, reason: result.reason, checkedAt: now, entriesChecked: result.entries };
  }
  cache.set(sql, { cursor: result.head, fullAt: now, fullThroughSeq: result.head.seq });
  return {
    ok: true,
    throughSeq: result.head.seq,
    headHash: result.head.hash,
    checkedAt: now,
    full: { at: now, throughSeq: result.head.seq },
    incremental: null,
  };
}

/** Verify the entries after `cursor` and the head row; the new cursor, or null on any doubt. */
async function verifySince(sql: RawSql, start: ChainCursor, pageSize: number): Promise<ChainCursor | null> {
  if (start.seq > 0) {
    // The entry the cursor ends on must still be exactly what was verified: stored hash AND contents.
    const anchor = (await chainEntriesAfter(sql, start.seq - 1, 1))[0];
    if (!anchor || anchor.seq !== start.seq || anchor.hash !== start.hash || hashAuditEntry(anchor) !== start.hash) return null;
  }
  const result = await verifyAuditLog(sql, { pageSize, from: start });
  return result.ok ? result.head : null;
}
