import "server-only";
/**
 * Checks signed checkpoints against the audit log in the database: each
 * stored checkpoint (signature with the platform public key, headHash =
 * hash of entry seq, treeRoot recomputed over entries 1..seq, stored frontier
 * = the recomputed one) and, optionally, a checkpoint kept outside the
 * database (an exported JSON file), which catches a tail rewritten together
 * with its stored checkpoints. The walk reads only entry hashes, in seq order,
 * once: the chain check (audit-verify) is what re-hashes entry contents.
 *
 * A failure names the first sequence number not covered by a checkpoint
 * that still verifies: when entry k changed and the chain was re-hashed to
 * hide it, the first checkpoint at or after k no longer matches, and the
 * last one that matches bounds k from below.
 */
import type { KeyObject } from "node:crypto";
import { GENESIS_HASH } from "@/lib/domain/audit/chain";
import { verifyCheckpoint, type SignedCheckpoint } from "@/lib/domain/checkpoint";
import { MerkleFrontier, type FrontierState } from "@/lib/domain/merkle";
import type { RawSql } from "@/lib/sql";
import { checkpointsAfter, publicCheckpoint, type StoredCheckpoint } from "../checkpoints";

type Query = Pick<RawSql, "query" | "kind">;

export type CheckpointsVerification =
  | { ok: true; checkpoints: number; latest: { id: number; seq: number; time: string } | null; external: { seq: number; time: string } | null }
  | { ok: false; checkpoints: number; seq: number; reason: string; /** seq of the checkpoint that failed */ checkpointSeq: number };

interface Target {
  label: string;
  checkpoint: SignedCheckpoint;
  /** Stored frontier (stored checkpoints only). */
  frontier?: StoredCheckpoint["frontier"];
}

const PAGE = 10_000;

/** Walks entry hashes in seq order, keeping the Merkle frontier and the last hash. */
class LeafWalker {
  readonly frontier = MerkleFrontier.empty();
  lastHash = GENESIS_HASH;

  constructor(private readonly sql: Query) {}

  get seq(): number {
    return this.frontier.size;
  }

  /** Advance to `seq`; returns false when the log has fewer (gapless) entries. */
  async advanceTo(seq: number): Promise<boolean> {
    while (this.seq < seq) {
      const rows = await this.sql.query<{ seq: number; hash: string }>(
        `SELECT seq, hash FROM "AuditEntry" WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [this.seq, seq, PAGE],
      );
      if (rows.length === 0) return false;
      for (const row of rows) {
        if (Number(row.seq) !== this.seq + 1) return false;
        this.frontier.appendAuditHash(row.hash);
        this.lastHash = row.hash;
      }
    }
    return true;
  }
}

function describeCheckpoint(t: Target): string {
  return `${t.label} (seq ${t.checkpoint.seq}, signed ${t.checkpoint.time})`;
}

/**
 * Verify every stored checkpoint (oldest first) and then `external`, if
 * given, against the log and `publicKey`. `headSeq` is the log's size as
 * the chain check found it.
 */
export async function verifyCheckpoints(
  sql: Query,
  publicKey: KeyObject,
  options: { headSeq: number; external?: unknown },
): Promise<CheckpointsVerification> {
  const walker = new LeafWalker(sql);
  let count = 0;
  let latest: StoredCheckpoint | null = null;
  /** Highest seq covered by a checkpoint that verified (entries ≤ it are vouched for). */
  let goodSeq = 0;

  const check = async (target: Target): Promise<{ seq: number; reason: string } | null> => {
    const cp = target.checkpoint;
    const signature = verifyCheckpoint(cp, publicKey);
    if (!signature.ok) return { seq: Math.max(1, Math.min(cp.seq, goodSeq + 1)), reason: `${target.label}: ${signature.reason}` };
    if (cp.seq > options.headSeq) {
      return {
        seq: options.headSeq + 1,
        reason: `${describeCheckpoint(target)} covers ${cp.seq} entries but the log has ${options.headSeq}: entries after ${options.headSeq} were removed`,
      };
    }
    if (cp.seq < walker.seq) return checkFromScratch(sql, target, goodSeq);
    if (!(await walker.advanceTo(cp.seq))) {
      return { seq: walker.seq + 1, reason: `entry ${walker.seq + 1} is missing, so ${describeCheckpoint(target)} cannot be recomputed` };
    }
    const from = Math.min(goodSeq, cp.seq - 1) + 1;
    const mismatch = compare(target, walker.lastHash, walker.frontier, from);
    if (mismatch) return { seq: from, reason: mismatch };
    goodSeq = Math.max(goodSeq, cp.seq);
    return null;
  };

  for (let afterId = 0; ; ) {
    const page = await checkpointsAfter(sql, afterId, 1_000);
    for (const stored of page) {
      const fault = await check({ label: `checkpoint #${stored.id}`, checkpoint: publicCheckpoint(stored), frontier: stored.frontier });
      if (fault) return { ok: false, checkpoints: count, ...fault, checkpointSeq: stored.seq };
      count += 1;
      latest = stored;
    }
    if (page.length < 1_000) break;
    afterId = page[page.length - 1]!.id;
  }

  let external: { seq: number; time: string } | null = null;
  if (options.external !== undefined) {
    const cp = options.external as SignedCheckpoint;
    const fault = await check({ label: "the checkpoint file", checkpoint: cp });
    if (fault) return { ok: false, checkpoints: count, ...fault, checkpointSeq: cp.seq };
    external = { seq: cp.seq, time: cp.time };
  }
  return { ok: true, checkpoints: count, latest: latest && { id: latest.id, seq: latest.seq, time: latest.time }, external };
}

/** What differs between a checkpoint and the log's first `seq` entries, or null. */
function compare(target: Target, lastHash: string, frontier: MerkleFrontier, from: number): string | null {
  const cp = target.checkpoint;
  const what = describeCheckpoint(target);
  // Entries before `from` match an earlier checkpoint; the change is somewhere in from..seq.
  const span = from >= cp.seq ? `entry ${cp.seq} does` : `entries ${from}–${cp.seq} do`;
  if (cp.headHash !== lastHash) return `${span} not match ${what}: entry ${cp.seq}'s hash differs from the signed head hash, so the log was rewritten after it was signed`;
  if (cp.treeRoot !== frontier.root()) return `${span} not match ${what}: the Merkle tree root differs from the signed one`;
  if (target.frontier) {
    const state = frontier.state();
    const stored = target.frontier as Partial<FrontierState> | null;
    const same = stored?.size === state.size && Array.isArray(stored.hashes) && stored.hashes.length === state.hashes.length && stored.hashes.every((h, i) => h === state.hashes[i]);
    if (!same) {
      return `${what}: its stored Merkle frontier does not match the log (it was altered; the next checkpoint would be wrong)`;
    }
  }
  return null;
}

/** A checkpoint older than the walk's position (out of order): recompute it on its own. */
async function checkFromScratch(sql: Query, target: Target, goodSeq: number): Promise<{ seq: number; reason: string } | null> {
  const walker = new LeafWalker(sql);
  if (!(await walker.advanceTo(target.checkpoint.seq))) {
    return { seq: walker.seq + 1, reason: `entry ${walker.seq + 1} is missing, so ${describeCheckpoint(target)} cannot be recomputed` };
  }
  const from = Math.min(goodSeq, target.checkpoint.seq - 1) + 1;
  const mismatch = compare(target, walker.lastHash, walker.frontier, from);
  return mismatch ? { seq: from, reason: mismatch } : null;
}
