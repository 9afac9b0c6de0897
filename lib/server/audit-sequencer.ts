/**
 * The audit sequencer: integrates committed audit leaves into the hash chain.
 *
 * Business transactions append leaves (lib/server/audit.ts) without any global
 * lock, committing with the change they record. The sequencer — any replica,
 * one at a time under a transaction-scoped advisory lock; on PGlite the one
 * process — takes the pending leaves in write order (`ord`, a sequence) in batches and, in
 * one transaction per batch: re-hashes each leaf (an altered leaf is refused
 * and stays pending, where `audit verify` reports it), links them after the
 * chain head, inserts their AuditEntry rows (the content copied by the
 * database from the leaf), advances the head, fills in the sequence number
 * and hash of the receipts written with them, and deletes the leaves.
 *
 * In one process, rounds are coalesced: whoever asks while a round runs is
 * served by the next one, which seals everything committed by then — one
 * transaction for many writers instead of one head lock per writer.
 *
 * Writers wait (boundedly) for their leaf's seal after commit through
 * lib/db's after-commit hooks, so a receipt normally names its place in the
 * chain when the request answers; a background tick seals whatever was left
 * (a writer that timed out, a replica that stopped).
 */
import { hashAuditEntry, hashAuditLeaf, type LeafFields } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";
import { TIME_TEXT } from "./audit-time";

/** Advisory lock key for sealing ("cellgate-audit-sequencer", fixed). */
export const SEQUENCER_LOCK = 7_301_240_520;
/** Leaves per sealing transaction. */
const BATCH = 2_000;
/** Batches per round: a round under sustained load still ends, and its waiters with it. */
const BATCHES_PER_ROUND = 10;
/** How long a sealing transaction waits for the sequencer lock before giving up (the round fails; the tick tries again). */
const LOCK_TIMEOUT_MS = 5_000;
/** Pause before asking again when a round did not seal a caller's leaf. */
const RETRY_MS = 25;

export interface SealedLeaf {
  seq: number;
  hash: string;
}

interface LeafRow extends LeafFields {
  leafHash: string;
  /** Write order, as text (a bigint). */
  ord: string;
}

/**
 * Pending leaves in write order (`ord`) — after `after`, when given — in the
 * form they were hashed. `unsealedOnly` skips a leaf whose entry already
 * exists (a sealed leaf inserted again: never sealed twice; verification
 * reports it).
 */
export async function pendingLeaves(
  sql: Pick<RawSql, "query" | "kind">,
  limit: number,
  after: string | null = null,
  unsealedOnly = false,
): Promise<LeafRow[]> {
  const time = TIME_TEXT[sql.kind];
  const params: unknown[] = [limit];
  if (after !== null) params.push(after);
  const rows = await sql.query<LeafRow & { time: string; ord: string }>(
    `SELECT id, ${time.sql} AS time, "actorType", "actorId", action, resource, "tenantId"::text AS "tenantId",
            "profileId"::text AS "profileId", decision, "requestHash", "resultHash", "traceId", data, "leafHash", ord::text AS ord
       FROM "AuditLeaf" l
      WHERE ${after !== null ? `l.ord > $2::bigint` : "TRUE"}
        ${unsealedOnly ? `AND NOT EXISTS (SELECT 1 FROM "AuditEntry" e WHERE e."leafId" = l.id)` : ""}
      ORDER BY l.ord LIMIT $1`,
    params,
  );
  for (const row of rows) row.time = time.iso(row.time);
  return rows;
}

export interface SealStats {
  /** Leaves integrated by this process since start. */
  sealed: number;
  /** Seal lag (commit-time of the leaf → integration) of recent leaves, seconds, newest last. */
  recentLagSeconds: number[];
  /** Altered leaves refused (left pending) by this process. */
  refused: number;
}

const LAG_SAMPLES = 4_096;

export class AuditSequencer {
  private current: Promise<Map<string, SealedLeaf>> | null = null;
  private queued: Promise<Map<string, SealedLeaf>> | null = null;
  readonly stats: SealStats = { sealed: 0, recentLagSeconds: [], refused: 0 };

  constructor(private readonly sql: RawSql) {}

  /**
   * Seal every leaf committed before this call. Resolves with what the round
   * serving the call sealed (leaves another replica sealed are not in it).
   */
  sealPending(): Promise<Map<string, SealedLeaf>> {
    if (!this.current) {
      const round = this.round().finally(() => {
        if (this.current === round) this.current = null;
      });
      this.current = round;
      return round;
    }
    // A round is running: it may have read the leaves before the caller's
    // committed. Serve the caller (and everyone else who asks meanwhile) with
    // the next one.
    if (!this.queued) {
      const running = this.current;
      this.queued = running.catch(() => undefined).then(() => {
        this.queued = null;
        return this.sealPending();
      });
    }
    return this.queued;
  }

  /**
   * The sequence number and hash of each leaf, sealing as needed, waiting at
   * most `timeoutMs`; leaves still pending then are absent from the result.
   */
  async sealed(leafIds: readonly string[], timeoutMs: number): Promise<Map<string, SealedLeaf>> {
    const found = new Map<string, SealedLeaf>();
    const deadline = Date.now() + timeoutMs;
    const missing = () => leafIds.filter((id) => !found.has(id));
    while (missing().length > 0) {
      const round = await withDeadline(this.sealPending(), deadline);
      if (round) for (const id of missing()) { const s = round.get(id); if (s) found.set(id, s); }
      if (missing().length === 0 || !round) break;
      // Sealed by another replica, or not by this round (refused, or behind a backlog): ask the chain.
      const rows = await withDeadline(
        this.sql.query<{ leafId: string; seq: number; hash: string }>(`SELECT "leafId", seq, hash FROM "AuditEntry" WHERE "leafId" = ANY($1::text[])`, [missing()]),
        deadline,
      );
      for (const row of rows ?? []) found.set(row.leafId, { seq: Number(row.seq), hash: row.hash });
      if (missing().length === 0 || !rows) break;
      // Not sealed yet: give the sequencer (here or on another replica) a moment instead of spinning.
      if (Date.now() + RETRY_MS >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    return found;
  }

  private async round(): Promise<Map<string, SealedLeaf>> {
    const sealed = new Map<string, SealedLeaf>();
    // Within a round, each batch reads on from the last leaf the previous one
    // read, so leaves it refused (altered) never fill every batch.
    let after: string | null = null;
    for (let i = 0; i < BATCHES_PER_ROUND; i++) {
      const { full, last } = await this.batch(sealed, after);
      if (!full) break;
      after = last;
    }
    return sealed;
  }

  /** One sealing transaction: up to BATCH pending leaves into the chain. */
  private async batch(into: Map<string, SealedLeaf>, after: string | null): Promise<{ full: boolean; last: string | null }> {
    const result = await this.sql.transaction(async (tx) => {
      // Each statement must see what committed before it (read committed,
      // whatever the database's default), and a replica stuck holding the
      // lock must not stall every other replica's writers for ever.
      await tx.exec(`SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
      await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [SEQUENCER_LOCK]);
      const leaves = await pendingLeaves(tx, BATCH, after, true);
      const last = leaves.length ? leaves[leaves.length - 1]!.ord : after;
      if (leaves.length === 0) return { sealed: [] as Array<{ id: string; time: string } & SealedLeaf>, read: 0, last };
      const [head] = await tx.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM "AuditHead" WHERE id = 1 FOR UPDATE`);
      if (!head) throw new Error("audit head row is missing: migrations not applied?");
      let seq = Number(head.seq);
      let prevHash = head.hash;
      const ids: string[] = [];
      const seqs: number[] = [];
      const prevs: string[] = [];
      const hashes: string[] = [];
      const sealedHere: Array<{ id: string; time: string } & SealedLeaf> = [];
      for (const leaf of leaves) {
        if (hashAuditLeaf(leaf) !== leaf.leafHash) {
          this.stats.refused += 1;
          console.error(`[audit] leaf ${leaf.id} does not match its hash: left pending, not sealed (audit verify reports it)`);
          continue;
        }
        seq += 1;
        const hash = hashAuditEntry({ ...leaf, seq, prevHash });
        ids.push(leaf.id);
        seqs.push(seq);
        prevs.push(prevHash);
        hashes.push(hash);
        sealedHere.push({ id: leaf.id, time: leaf.time as string, seq, hash });
        prevHash = hash;
      }
      if (ids.length === 0) return { sealed: sealedHere, read: leaves.length, last };
      const params = [ids, seqs, prevs, hashes];
      // The database copies each leaf's content into its entry; the leaf cannot
      // have changed since it was read (updates are refused by trigger).
      const advanced = await tx.query(
        `WITH sealed AS (SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS s(id, seq, prev, hash)),
         entries AS (
           INSERT INTO "AuditEntry" (seq, time, "actorType", "actorId", action, resource, "tenantId", "profileId",
             decision, "requestHash", "resultHash", "traceId", data, "prevHash", hash, "leafId")
           SELECT s.seq, l.time, l."actorType", l."actorId", l.action, l.resource, l."tenantId", l."profileId",
             l.decision, l."requestHash", l."resultHash", l."traceId", l.data, s.prev, s.hash, l.id
             FROM sealed s JOIN "AuditLeaf" l ON l.id = s.id
           RETURNING 1)
         UPDATE "AuditHead" SET seq = $5::int, hash = $6 WHERE id = 1 AND (SELECT count(*) FROM entries) = $7
         RETURNING seq`,
        [...params, seq, prevHash, ids.length],
      );
      // Every leaf read must have become an entry, or the head would name entries that do not exist.
      if (advanced.length !== 1) throw new Error("audit sequencer: the entries inserted do not match the leaves read; nothing sealed");
      await tx.query(
        `UPDATE "Receipt" r SET "auditSeq" = s.seq, "auditHash" = s.hash
           FROM unnest($1::text[], $2::int[], $3::text[]) AS s(id, seq, hash)
          WHERE r."leafId" = s.id`,
        [ids, seqs, hashes],
      );
      await tx.query(`DELETE FROM "AuditLeaf" WHERE id = ANY($1::text[])`, [ids]);
      return { sealed: sealedHere, read: leaves.length, last };
    });
    const committed = Date.now();
    for (const s of result.sealed) {
      into.set(s.id, { seq: s.seq, hash: s.hash });
      this.recordLag((committed - Date.parse(s.time)) / 1000);
    }
    this.stats.sealed += result.sealed.length;
    return { full: result.read === BATCH, last: result.last };
  }

  private recordLag(seconds: number): void {
    const lags = this.stats.recentLagSeconds;
    lags.push(Math.max(0, seconds));
    if (lags.length > LAG_SAMPLES) lags.splice(0, lags.length - LAG_SAMPLES);
  }
}

async function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T | null> {
  const ms = deadline - Date.now();
  if (ms <= 0) {
    promise.catch(() => undefined);
    return null;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

// One per connection per process, on globalThis: Next.js may load this module
// more than once in a process, and rounds must coalesce across the copies.
const globalForSequencers = globalThis as unknown as { __cellgateSequencers?: WeakMap<RawSql, AuditSequencer> };
const sequencers = (globalForSequencers.__cellgateSequencers ??= new WeakMap<RawSql, AuditSequencer>());

/** The process's sequencer for a database (one per RawSql connection). */
export function auditSequencer(sql: RawSql): AuditSequencer {
  let sequencer = sequencers.get(sql);
  if (!sequencer) {
    sequencer = new AuditSequencer(sql);
    sequencers.set(sql, sequencer);
  }
  return sequencer;
}

// ---------------------------------------------------------------------------
// The background tick: every replica seals what writers left pending (a seal
// wait that ran out, a replica that stopped between commit and seal).

const ticker = globalThis as unknown as { __cellgateSealTimer?: ReturnType<typeof setInterval>; __cellgateSealing?: boolean };
const SEAL_TICK_MS = 500;

/** One tick: seal if any leaf is pending. Never throws. */
export async function sealTick(sql: RawSql): Promise<void> {
  if (ticker.__cellgateSealing) return;
  ticker.__cellgateSealing = true;
  try {
    const [pending] = await sql.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM "AuditLeaf") AS any`);
    if (pending?.any) await auditSequencer(sql).sealPending();
  } catch (error) {
    console.warn(`[audit] sealing failed: ${(error as Error).message}`);
  } finally {
    ticker.__cellgateSealing = false;
  }
}

/** Starts the background sealer in this process (idempotent). Every replica may run it. */
export function startAuditSequencer(open: () => Promise<{ sql: RawSql }>): void {
  if (ticker.__cellgateSealTimer) return;
  ticker.__cellgateSealTimer = setInterval(() => {
    void open().then((database) => sealTick(database.sql), () => undefined);
  }, SEAL_TICK_MS);
  ticker.__cellgateSealTimer.unref?.();
}
