#!/usr/bin/env node
/**
 * Serves the built console (what `npm start` ends with, after migrate and
 * seed): on PostgreSQL, one console process per core (CELLGATE_WORKERS, or
 * os.availableParallelism()), sharing one listening port through node:cluster
 * and nothing else but the database — each is a replica like those on other
 * machines (nonces, rate counters, checkpoints, budget checks and the audit
 * chain are coordinated in PostgreSQL). On PGlite one process must own the
 * data directory, so there is always exactly one.
 *
 *   node scripts/serve.mjs -p PORT [-H HOST]
 *
 * A worker that dies is replaced (at most once per second); SIGTERM/SIGINT
 * stop every worker gracefully and then the primary.
 */
import cluster from "node:cluster";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(ROOT, "package.json"));

function option(flag, fallback) {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const port = Number(option("-p", process.env.PORT ?? "3000"));
const hostname = option("-H", undefined);

/** How many console processes: 1 on PGlite, else CELLGATE_WORKERS or one per core. */
function workerCount(env = process.env, cores = os.availableParallelism()) {
  const asked = env.CELLGATE_WORKERS?.trim();
  if (!env.DATABASE_URL) {
    if (asked && asked !== "1") console.warn(`[cellgate] CELLGATE_WORKERS=${asked} ignored: the embedded PGlite database is owned by one process`);
    return 1;
  }
  if (!asked) return Math.max(1, cores);
  if (!/^\d+$/.test(asked) || Number(asked) < 1 || Number(asked) > 64) {
    console.error(`[cellgate] CELLGATE_WORKERS must be a whole number from 1 to 64, not "${asked}"`);
    process.exit(2);
  }
  return Number(asked);
}

async function serve() {
  if (process.env.NEXT_CPU_PROF) {
    // As `next start` does: profile this process, saved on exit or on a stop signal.
    const { saveCpuProfile } = require("next/dist/server/lib/cpu-profile");
    process.on("SIGTERM", () => saveCpuProfile());
    process.on("SIGINT", () => saveCpuProfile());
  }
  const { startServer } = require("next/dist/server/lib/start-server");
  await startServer({ dir: ROOT, isDev: false, hostname, port });
}

const count = workerCount();
if (count === 1 || !cluster.isPrimary) {
  await serve();
} else {
  let stopping = false;
  let lastFork = 0;
  const fork = () => {
    lastFork = Date.now();
    cluster.fork({ CELLGATE_WORKER: "1" });
  };
  console.log(`[cellgate] ${count} console processes on port ${port} (CELLGATE_WORKERS; PostgreSQL)`);
  for (let i = 0; i < count; i += 1) fork();
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`[cellgate] console process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, Math.max(0, 1000 - (Date.now() - lastFork)));
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {});
    if (live.length === 0) process.exit(0);
    for (const w of live) w?.process.kill("SIGTERM");
    setTimeout(() => process.exit(0), 20_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
