/**
 * Worker thread of the parallel audit verify (audit-verify-parallel.ts): walks
 * one stretch of seq numbers over its own PostgreSQL connection, so reading
 * rows and re-hashing them run on as many cores as there are workers, and
 * posts what it found. Runs under the CLI's loader (tsx, react-server).
 */
import { parentPort, workerData } from "node:worker_threads";
import { Pool } from "pg";
import { postgresSql } from "@/lib/sql";
import { walkChain } from "./audit-verify";

export interface StretchTask {
  url: string;
  /** Walk seq in (after, upTo]. */
  after: number;
  upTo: number;
  pageSize: number;
}

const task = workerData as StretchTask;
const pool = new Pool({ connectionString: task.url, max: 2 });
try {
  const walk = await walkChain(postgresSql(pool), { seq: task.after, hash: "" }, { upTo: task.upTo, pageSize: task.pageSize, anchored: true });
  parentPort?.postMessage({ ok: true, walk });
} catch (error) {
  parentPort?.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
} finally {
  await pool.end();
}
