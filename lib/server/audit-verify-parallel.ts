import "server-only";
/**
 * The whole-log verify on PostgreSQL, split over worker threads: the seq
 * range up to the current head is cut into one stretch per core, the first
 * walked in this thread and each other one by a worker thread over its own
 * connection (rows decoded and re-hashed in parallel). The stretches are then stitched in order: each must start right
 * after the one before and link to its last hash. Faults are the same, and
 * reported at the same sequence number, as the sequential verify's (the first
 * one in seq order). Whatever was appended meanwhile, and the head row check,
 * are done by the sequential verify from the stitched cursor.
 *
 * CLI and benchmarks only: the console's chain panel verifies incrementally.
 * PGlite is one in-process connection, so it always verifies sequentially.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { GENESIS, describeFault, type ChainCursor, type ChainFault } from "@/lib/domain/audit/chain";
import type { RawSql } from "@/lib/sql";
import { faultSeq, verifyAuditLog, walkChain, type AuditVerification, type ChainWalk } from "./audit-verify";
import type { StretchTask } from "./audit-verify-worker";

/**
 * Each stretch keeps two cores busy: its thread decoding and hashing, and the
 * PostgreSQL backend sending its rows. The sequential walk already overlaps
 * the two (it reads the next page while hashing this one), so splitting only
 * pays with four cores or more; below that the walk stays sequential.
 */
export function defaultStretches(cores = availableParallelism()): number {
  return cores >= 4 ? Math.floor(cores / 2) : 1;
}

/** Below this many entries a worker costs more than it saves. */
export const PARALLEL_MIN_ENTRIES = 50_000;

export interface ParallelOptions {
  /** postgresql:// URL the workers connect with. */
  url: string;
  workers?: number;
  pageSize?: number;
  /** Walk sequentially below this many entries (default PARALLEL_MIN_ENTRIES). */
  minEntries?: number;
}

/**
 * The worker resolves "server-only" under the react-server condition, like
 * the CLI (its entry registers tsx itself). Heap size flags are per process
 * and a Worker refuses them.
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv.filter((a) => !/^--max-(semi|old)-space-size\b/.test(a));
  return argv.some((a) => a.includes("react-server")) ? argv : [...argv, "--conditions=react-server"];
}

function walkStretch(task: StretchTask): Promise<ChainWalk> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./audit-verify-worker.mjs", import.meta.url), { workerData: task, execArgv: workerExecArgv() });
    worker.once("message", (message: { ok: true; walk: ChainWalk } | { ok: false; error: string }) => {
      if (message.ok) resolve(message.walk);
      else reject(new Error(`audit verify worker (${task.after + 1}–${task.upTo}): ${message.error}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`audit verify worker (${task.after + 1}–${task.upTo}) exited with code ${code}`));
    });
  });
}

/** Join stretches walked apart, in seq order: the first fault wins, as in one sequential walk. */
export function stitchStretches(start: ChainCursor, walks: readonly ChainWalk[]): { cursor: ChainCursor; checked: number; fault: ChainFault | null } {
  let cursor = start;
  let checked = 0;
  for (const walk of walks) {
    if (!walk.first) continue;
    if (walk.first.seq !== cursor.seq + 1) return { cursor, checked, fault: { kind: "gap", seq: walk.first.seq, expectedSeq: cursor.seq + 1 } };
    if (walk.first.prevHash !== cursor.hash) {
      return { cursor, checked, fault: { kind: "prev-hash", seq: walk.first.seq, expected: cursor.hash, found: walk.first.prevHash } };
    }
    checked += walk.checked;
    if (walk.fault) return { cursor: walk.cursor, checked, fault: walk.fault };
    cursor = walk.cursor;
  }
  return { cursor, checked, fault: null };
}

/** The verification, plus how many entries the parallel stretches walked (0: it fell back to one walk). */
export type ParallelVerification = AuditVerification & { walkedInStretches: number };

export async function verifyAuditLogParallel(sql: Pick<RawSql, "query" | "kind">, options: ParallelOptions): Promise<ParallelVerification> {
  const heads = await sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
  const headSeq = Number(heads[0]?.seq ?? 0);
  const workers = Math.max(1, Math.min(options.workers ?? defaultStretches(), 8));
  if (headSeq < (options.minEntries ?? PARALLEL_MIN_ENTRIES) || workers < 2) {
    return { ...(await verifyAuditLog(sql, { pageSize: options.pageSize })), walkedInStretches: 0 };
  }

  const size = Math.ceil(headSeq / workers);
  const tasks: StretchTask[] = Array.from({ length: workers }, (_, k) => ({
    url: options.url,
    after: k * size,
    upTo: Math.min(headSeq, (k + 1) * size),
    pageSize: options.pageSize ?? 5_000,
  }));
  // The first stretch is walked right here (no worker to start), the others in worker threads.
  const [own, ...others] = tasks;
  const walks = await Promise.all([
    walkChain(sql, { seq: own!.after, hash: "" }, { upTo: own!.upTo, pageSize: own!.pageSize, anchored: true }),
    ...others.map(walkStretch),
  ]);
  const stitched = stitchStretches(GENESIS, walks);
  const walkedInStretches = stitched.checked;
  if (stitched.fault) return { ok: false, entries: walkedInStretches, seq: faultSeq(stitched.fault), reason: describeFault(stitched.fault), walkedInStretches };
  // Entries appended since the head was read, and the head row itself.
  const rest = await verifyAuditLog(sql, { pageSize: options.pageSize, from: stitched.cursor });
  return { ...rest, entries: walkedInStretches + rest.entries, walkedInStretches };
}
