/**
 * Audit log benchmark (npm run bench:audit), on the embedded default (PGlite
 * in a temp dir) and on PostgreSQL (a throwaway cluster):
 *
 *  - append: 100,000 entries through appendAudit (every 10th through
 *    writeReceipt, with its receipt), BENCH_BATCH per transaction;
 *  - verify: the full `audit verify` path (entries read from the database
 *    in pages + every hash recomputed + the head row), the first run in the
 *    process and the median of BENCH_VERIFY_RUNS more, and separately the
 *    database read alone and the pure chain check over rows already in
 *    memory, so it is clear which part costs what;
 *  - checkpoint: the first signed checkpoint over the whole log (frontier
 *    from empty), then an incremental one after 1,000 more entries, then
 *    verifying every stored checkpoint;
 *  - packet: exportPacket of the tenant holding all entries (fresh checkpoint,
 *    tree, proofs, build, sign, receipt) and verifyPacket of its bytes.
 * Measures only; asserts nothing.
 *
 *   BENCH_ENTRIES=100000 (default) BENCH_BATCH=500 BENCH_CLIENT=sql|prisma BENCH_BACKENDS=pglite,postgresql BENCH_VERIFY_RUNS=5
 */
import { loadActorById } from "../../lib/server/actor";
import { createPublicKey, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Database, Tx } from "../../lib/db";
import type { RawSql } from "../../lib/sql";
import { GENESIS, verifyChainSegment, type ChainEntry } from "../../lib/domain/audit/chain";
import { generateEd25519Key } from "../../lib/domain/http-signatures";
import { verifyPacket } from "../../lib/domain/packet";
import { applyMigrations } from "../../lib/migrate";
import { appendAudit, writeReceipt } from "../../lib/server/audit";
import { chainEntriesAfter, verifyAuditLog } from "../../lib/server/audit-verify";
import { defaultStretches, verifyAuditLogParallel } from "../../lib/server/audit-verify-parallel";
import { takeCheckpoint } from "../../lib/server/checkpoints";
import { verifyCheckpoints } from "../../lib/server/checkpoints/verify";
import { exportPacket } from "../../lib/server/packets";
import { getPlatformKey } from "../../lib/server/platform-key";
import { onEachBackend } from "./backends";

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "pglite,postgresql").split(",");
const PAGE = 5_000;
/** Full verifies after the first one. */
const VERIFY_RUNS = Number(process.env.BENCH_VERIFY_RUNS ?? 5);

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString("en-US")}/s`;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

/**
 * BENCH_CLIENT=sql (default): batches in raw-SQL transactions (the driver
 * directly); BENCH_CLIENT=prisma: interactive Prisma transactions, as most
 * request handlers append. Both go through appendAudit/writeReceipt.
 */
const CLIENT = process.env.BENCH_CLIENT === "prisma" ? "prisma" : "sql";

async function append(database: Database, tenantId: string, count: number, offset: number): Promise<void> {
  const actor = { type: "user" as const, id: "bench-user" };
  const batch = async (tx: Tx | Pick<RawSql, "query">, start: number, n: number) => {
    for (let i = 0; i < n; i += 1) {
      const k = offset + start + i;
      const entry = { actor, tenantId, resource: `job:${k}`, traceId: randomUUID() };
      if (k % 10 === 0) {
        await writeReceipt(tx, { ...entry, action: "bench.receipt", scope: { type: "tenant", id: tenantId }, request: { k }, result: { ok: true }, summary: { k } });
      } else {
        // appendAudit is typed for Prisma transactions; at runtime it takes a raw-SQL transaction too (lib/server/audit.ts).
        await appendAudit(tx, { ...entry, action: "bench.append", decision: k % 3 ? "ALLOW" : "DENY", data: { k, tool: "shell.exec", args: ["ls", "-la"] } });
      }
    }
  };
  for (let start = 0; start < count; start += BATCH) {
    const n = Math.min(BATCH, count - start);
    if (CLIENT === "prisma") await database.prisma.$transaction((tx) => batch(tx, start, n), { timeout: 120_000, maxWait: 60_000 });
    else await database.sql.transaction((tx) => batch(tx, start, n));
  }
}

async function readAll(database: Database): Promise<ChainEntry[]> {
  const out: ChainEntry[] = [];
  for (;;) {
    const page = await chainEntriesAfter(database.sql, out.length, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

async function run(label: string, database: Database, url?: string): Promise<void> {
  console.log(`\n== ${label}`);
  await applyMigrations(database.sql);
  const [tenant] = await database.sql.query<{ id: string }>(`INSERT INTO "Tenant" (id, slug, name) VALUES (gen_random_uuid(), 'bench', 'Bench') RETURNING id`);
  const tenantId = tenant!.id;
  const from = new Date(Date.now() - 60_000);

  const appended = await timed(() => append(database, tenantId, ENTRIES, 0));
  console.log(`append           ${ENTRIES.toLocaleString("en-US")} entries in ${(appended.ms / 1000).toFixed(1)} s = ${rate(ENTRIES, appended.ms)} (${BATCH} per ${CLIENT} transaction, every 10th with a receipt)`);

  // The first walk in a process also compiles the read and hash paths; a long
  // log is verified at the steady rate the later runs show, so both are printed.
  const walks: number[] = [];
  let walked = 0;
  for (let run = 0; run <= VERIFY_RUNS; run += 1) {
    const full = await timed(() => verifyAuditLog(database.sql));
    if (!full.value.ok) throw new Error(`verify failed: ${full.value.reason}`);
    walked = full.value.entries;
    walks.push(full.ms);
  }
  const [firstWalk, ...steady] = walks as [number, ...number[]];
  steady.sort((a, b) => a - b);
  const median = steady[Math.floor(steady.length / 2)]!;
  console.log(`verify (full)    ${walked.toLocaleString("en-US")} entries  [DB read in pages of ${PAGE} + re-hash + head check]`);
  console.log(`                 first run in this process: ${firstWalk.toFixed(0)} ms = ${rate(walked, firstWalk)}`);
  console.log(
    `                 next ${steady.length} runs: median ${median.toFixed(0)} ms = ${rate(walked, median)} (slowest ${rate(walked, steady.at(-1)!)}, fastest ${rate(walked, steady[0]!)})`,
  );
  if (url) {
    // Forced to at least two stretches so the parallel path is measured here too; `audit verify` uses defaultStretches().
    const workers = Math.max(2, defaultStretches());
    const parallel = await timed(() => verifyAuditLogParallel(database.sql, { url, workers, pageSize: PAGE }));
    if (!parallel.value.ok) throw new Error(`parallel verify failed: ${parallel.value.reason}`);
    console.log(`verify (parallel) ${parallel.value.entries.toLocaleString("en-US")} entries in ${parallel.ms.toFixed(0)} ms = ${rate(parallel.value.entries, parallel.ms)}  [${workers} stretches (this thread + worker threads, own connections), stitched + head check; \`audit verify\` uses ${defaultStretches()} on ${os.availableParallelism()} cores]`);
  }
  const read = await timed(() => readAll(database));
  console.log(`  DB read only   ${read.value.length.toLocaleString("en-US")} rows in ${read.ms.toFixed(0)} ms = ${rate(read.value.length, read.ms)}`);
  const chain = await timed(() => verifyChainSegment(read.value, GENESIS));
  if (chain.value.fault) throw new Error("chain check failed");
  console.log(`  chain only     ${chain.value.checked.toLocaleString("en-US")} entries in ${chain.ms.toFixed(0)} ms = ${rate(chain.value.checked, chain.ms)}  [pure re-hash, rows in memory]`);

  const first = await timed(() => takeCheckpoint(database));
  console.log(`checkpoint       first, over ${first.value.seq.toLocaleString("en-US")} entries: ${first.ms.toFixed(0)} ms (re-hash + frontier + sign)`);
  await append(database, tenantId, 1_000, ENTRIES);
  const second = await timed(() => takeCheckpoint(database));
  console.log(`                 incremental, +1,000 entries: ${second.ms.toFixed(0)} ms`);
  const publicKey = createPublicKey((await getPlatformKey()).privateKey);
  const cps = await timed(() => verifyCheckpoints(database.sql, publicKey, { headSeq: second.value.seq }));
  if (!cps.value.ok) throw new Error(`checkpoints failed: ${cps.value.reason}`);
  console.log(`  verify checkpoints (${cps.value.checkpoints}, hashes read + tree roots): ${cps.ms.toFixed(0)} ms`);

  const admin = await database.prisma.user.create({ data: { email: `bench-admin-${randomUUID()}@example.test`, name: "Bench admin", platformAdmin: true } });
  const actor = (await loadActorById(database.prisma, admin.id))!;
  const exported = await timed(() => exportPacket(database, actor, { tenant: "bench", from, to: new Date(Date.now() + 60_000) }));
  const mb = (exported.value.bytes.length / 1024 / 1024).toFixed(1);
  console.log(`packet export    ${exported.value.entries.toLocaleString("en-US")} entries, ${mb} MiB: ${(exported.ms / 1000).toFixed(2)} s (checkpoint + tree + proofs + build + sign + receipt)`);
  const verified = await timed(() => verifyPacket(Buffer.from(exported.value.bytes)));
  if (!verified.value.ok) throw new Error(`packet failed: ${verified.value.failures.map((f) => f.message).join("; ")}`);
  console.log(`packet verify    ${(verified.ms / 1000).toFixed(2)} s (every entry hash, inclusion proof, signature) = ${rate(exported.value.entries, verified.ms)}`);
}

async function main(): Promise<void> {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-key-"));
  fs.writeFileSync(path.join(keyDir, "key.pem"), generateEd25519Key().privateKeyPem, { mode: 0o600 });
  process.env.CELLGATE_PLATFORM_KEY = `file:${path.join(keyDir, "key.pem")}`;
  console.log(`Audit benchmark: ${ENTRIES.toLocaleString("en-US")} entries, node ${process.version}, ${os.cpus().length} CPUs`);
  try {
    await onEachBackend(BACKENDS, run);
  } finally {
    fs.rmSync(keyDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
