import "server-only";
/**
 * Signed checkpoints of the audit log (see lib/domain/checkpoint). Taking one
 * runs under a transaction-scoped advisory lock, so replicas never race:
 * the last checkpoint's stored Merkle frontier is extended with the entries
 * appended since (each re-hashed and linked, so a tampered log is never
 * signed), then the new head, tree root and frontier are signed with the
 * platform key and inserted. A checkpoint is taken even when nothing was
 * appended (same seq, new time): it proves the log was unchanged until then.
 */
import { GENESIS, describeFault, verifyChainSegment, type ChainCursor } from "@/lib/domain/audit/chain";
import { signCheckpoint, CHECKPOINT_FORMAT, type SignedCheckpoint } from "@/lib/domain/checkpoint";
import { MerkleFrontier, type FrontierState } from "@/lib/domain/merkle";
import { database, type Database } from "@/lib/db";
import { env } from "@/lib/env";
import type { RawSql } from "@/lib/sql";
import { auditSequencer } from "./audit-sequencer";
import { chainEntriesAfter } from "./audit-verify";
import { getPlatformKey } from "./platform-key";

type Query = Pick<RawSql, "query" | "kind">;

export interface StoredCheckpoint extends SignedCheckpoint {
  /** Row id (insertion order). */
  id: number;
  /** Merkle frontier after `seq` entries. */
  frontier: FrontierState;
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }
}

/** Advisory lock key for checkpointing ("cellgate-checkpoint", fixed). */
const CHECKPOINT_LOCK = 7_301_240_519;
const PAGE = 10_000;

interface CheckpointRow {
  id: number;
  seq: number;
  headHash: string;
  treeRoot: string;
  time: Date | string;
  keyId: string;
  signature: string;
  frontier: unknown;
}

const COLUMNS = `id, seq, "headHash", "treeRoot", time, "keyId", signature, frontier`;

function toStored(row: CheckpointRow): StoredCheckpoint {
  const time = row.time instanceof Date ? row.time : new Date(row.time);
  const frontier = (typeof row.frontier === "string" ? JSON.parse(row.frontier) : row.frontier) as FrontierState;
  return {
    id: Number(row.id),
    format: CHECKPOINT_FORMAT,
    seq: Number(row.seq),
    headHash: row.headHash,
    treeRoot: row.treeRoot,
    time: time.toISOString(),
    keyId: row.keyId,
    signature: row.signature,
    frontier,
  };
}

/** The signed checkpoint as exported (no row id, no frontier). */
export function publicCheckpoint(cp: StoredCheckpoint | SignedCheckpoint): SignedCheckpoint {
  const { format, seq, headHash, treeRoot, time, keyId, signature } = cp;
  return { format, seq, headHash, treeRoot, time, keyId, signature };
}

/** The most recently taken checkpoint, or null when none was taken yet. */
export async function latestCheckpoint(sql: Query): Promise<StoredCheckpoint | null> {
  const rows = await sql.query<CheckpointRow>(`SELECT ${COLUMNS} FROM "AuditCheckpoint" ORDER BY id DESC LIMIT 1`);
  return rows[0] ? toStored(rows[0]) : null;
}

/** Checkpoints whose time is in [from, to), oldest first. */
export async function checkpointsBetween(sql: Query, from: Date, to: Date): Promise<StoredCheckpoint[]> {
  const rows = await sql.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM "AuditCheckpoint" WHERE time >= $1::timestamptz AND time < $2::timestamptz ORDER BY id`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map(toStored);
}

/** The stored checkpoints with these ids, oldest first. */
export async function checkpointsByIds(sql: Query, ids: readonly number[]): Promise<StoredCheckpoint[]> {
  if (ids.length === 0) return [];
  const rows = await sql.query<CheckpointRow>(`SELECT ${COLUMNS} FROM "AuditCheckpoint" WHERE id = ANY($1::int[]) ORDER BY id`, [ids]);
  return rows.map(toStored);
}

/** Every stored checkpoint with id > `afterId`, oldest first, at most `limit`. */
export async function checkpointsAfter(sql: Query, afterId: number, limit: number): Promise<StoredCheckpoint[]> {
  const rows = await sql.query<CheckpointRow>(
    `SELECT ${COLUMNS} FROM "AuditCheckpoint" WHERE id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map(toStored);
}

/**
 * The entry hashes of seq 1..`seq`, in order (for MerkleTree.fromAuditHashes).
 * Throws when the log has fewer entries or a gap.
 */
export async function leafHashesUpTo(sql: Pick<RawSql, "query">, seq: number): Promise<string[]> {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new CheckpointError(`seq must be a non-negative integer, not ${seq}`);
  const out: string[] = [];
  while (out.length < seq) {
    const rows = await sql.query<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM "AuditEntry" WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
      [out.length, seq, PAGE * 5],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      if (Number(row.seq) !== out.length + 1) throw new CheckpointError(`audit entry ${out.length + 1} is missing`);
      out.push(row.hash);
    }
  }
  if (out.length !== seq) throw new CheckpointError(`the audit log has ${out.length} entries, not ${seq}`);
  return out;
}

function resumeFrontier(last: StoredCheckpoint): MerkleFrontier | null {
  try {
    const frontier = MerkleFrontier.from(last.frontier);
    return frontier.size === last.seq && frontier.root() === last.treeRoot ? frontier : null;
  } catch {
    return null;
  }
}

export interface TakeCheckpointOptions {
  now?: Date;
  /** Skip (return the latest) when one was taken less than this many ms before `now`. */
  skipIfWithinMs?: number;
}

/** Take (sign and store) a checkpoint of the log as committed now. */
export async function takeCheckpoint(database: Pick<Database, "sql">, options: TakeCheckpointOptions = {}): Promise<StoredCheckpoint> {
  const key = await getPlatformKey();
  const now = options.now ?? new Date();
  // Seal first: a checkpoint covers every leaf committed before it was asked for.
  await auditSequencer(database.sql).sealPending();
  return database.sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1::bigint)`, [CHECKPOINT_LOCK]);
    const last = await latestCheckpoint(tx);
    if (last && options.skipIfWithinMs !== undefined && now.getTime() - Date.parse(last.time) < options.skipIfWithinMs) {
      return last;
    }
    // Continue from the last checkpoint's frontier when it still yields that
    // checkpoint's signed root; otherwise (it is unsigned and could have been
    // altered) start over from genesis, re-verifying the whole chain.
    const resumed = last && resumeFrontier(last);
    const frontier = resumed ?? MerkleFrontier.empty();
    let cursor: ChainCursor = resumed && last ? { seq: last.seq, hash: last.headHash } : GENESIS;
    for (;;) {
      const records = await chainEntriesAfter(tx, cursor.seq, PAGE);
      if (records.length === 0) break;
      const result = verifyChainSegment(records, cursor);
      if (result.fault) throw new CheckpointError(`refusing to checkpoint a broken log: ${describeFault(result.fault)}`);
      for (const record of records) frontier.appendAuditHash(record.hash);
      cursor = result.cursor;
      if (records.length < PAGE) break;
    }
    if (frontier.size !== cursor.seq) throw new CheckpointError(`frontier size ${frontier.size} does not match seq ${cursor.seq}`);
    const signed = signCheckpoint(
      { seq: cursor.seq, headHash: cursor.hash, treeRoot: frontier.root(), time: now.toISOString() },
      key.privateKey,
    );
    const rows = await tx.query<CheckpointRow>(
      `INSERT INTO "AuditCheckpoint" (seq, "headHash", "treeRoot", time, "keyId", signature, frontier)
       VALUES ($1::int, $2, $3, $4::timestamptz, $5, $6, $7::jsonb) RETURNING ${COLUMNS}`,
      [signed.seq, signed.headHash, signed.treeRoot, signed.time, signed.keyId, signed.signature, JSON.stringify(frontier.state())],
    );
    return toStored(rows[0]!);
  });
}

const timers = globalThis as unknown as { __cellgateCheckpointTimer?: ReturnType<typeof setInterval>; __cellgateCheckpointing?: boolean };

/** One checkpointer tick: a no-op when any replica checkpointed within most of the interval. Never throws. */
export async function checkpointTick(intervalMs: number): Promise<void> {
  if (timers.__cellgateCheckpointing) return;
  timers.__cellgateCheckpointing = true;
  try {
    await takeCheckpoint(await database(), { skipIfWithinMs: Math.floor(intervalMs * 0.9) });
  } catch (error) {
    console.warn(`[checkpoints] checkpoint failed: ${(error as Error).message}`);
  } finally {
    timers.__cellgateCheckpointing = false;
  }
}

/** Starts the periodic checkpointer in this process (idempotent). Every replica may run it. */
export function startCheckpointer(): void {
  if (timers.__cellgateCheckpointTimer) return;
  const intervalMs = env().CELLGATE_CHECKPOINT_INTERVAL_SEC * 1000;
  timers.__cellgateCheckpointTimer = setInterval(() => void checkpointTick(intervalMs), intervalMs);
  timers.__cellgateCheckpointTimer.unref?.();
}

export function stopCheckpointer(): void {
  if (timers.__cellgateCheckpointTimer) clearInterval(timers.__cellgateCheckpointTimer);
  timers.__cellgateCheckpointTimer = undefined;
}
