/**
 * Jobs API benchmark (run by `npm run bench:policy` after the in-process
 * policy benchmark, or alone:
 *   node --conditions=react-server --import tsx scripts/bench/jobs-http.ts [--quick]).
 * The BUILT console (on a free port, never 3210) on the embedded default
 * (PGlite in a temp CELLGATE_DATA_DIR) and on PostgreSQL (a throwaway
 * cluster), under the demo platform policy. Several concurrent clients (one
 * registered host each) send signed requests over loopback HTTP for a bounded
 * time: POST /api/v1/jobs (7 in 10 reads → ALLOWED, 2 writes → PENDING_APPROVAL
 * or THROTTLED by the write-burst rule, 1 exec → the default) and, after every
 * third submission, GET /api/v1/jobs/{id}. Prints requests/s and p50/p99 per
 * kind. Measures only; asserts nothing. Needs a built console (`npm run build`).
 *
 *   BENCH_CLIENTS=8 BENCH_SECONDS=15 BENCH_BACKENDS=pglite,postgresql
 */
import { randomBytes, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { openDatabase, type Database } from "../../lib/db";
import { generateEd25519Key, privateKeyFromPem, signRequest } from "../../lib/domain/http-signatures";
import { DEMO_PLATFORM_POLICY, policySourceHash } from "../../lib/domain/policy";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "../../tests/support/app-process";
import { startCluster } from "../../tests/support/postgres-cluster";
import { cleanupAll, cleanups } from "./cleanups";

const QUICK = process.argv.includes("--quick");
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 15));
const WARMUP_PER_CLIENT = QUICK ? 2 : 10;
const BACKENDS = (process.env.BENCH_BACKENDS ?? "pglite,postgresql").split(",");
const DIGEST = `sha256:${"a".repeat(64)}`;
const TOPICS = [
  ...Array.from({ length: 7 }, (_, i) => `job.mcp-bridge.read.tool_${i}`),
  "job.mcp-bridge.write.update_ticket",
  "job.mcp-bridge.write.add_comment",
  "job.sandbox.exec.run_notebook",
];

interface BenchHost {
  hostId: string;
  keyId: string;
  profile: string;
  tenant: string;
  privateKey: KeyObject;
  publicKeyBase64: string;
}

function makeHosts(): BenchHost[] {
  const run = randomBytes(3).toString("hex");
  return Array.from({ length: CLIENTS }, (_, i) => {
    const key = generateEd25519Key();
    const hostId = `bench-${run}-host-${i}`;
    return { hostId, keyId: `${hostId}-k1`, profile: `bench-${run}-p${i}`, tenant: `bench-${run}-t`, privateKey: privateKeyFromPem(key.privateKeyPem), publicKeyBase64: key.publicKeyBase64 };
  });
}

/** Migrations, the demo platform policy, one tenant, a profile and a host (high request rate) per client. */
async function prepare(database: Database, hosts: BenchHost[]): Promise<void> {
  await applyMigrations(database.sql);
  const prisma = database.prisma;
  await prisma.policyVersion.create({
    data: { level: "platform", scopeKey: "platform", version: 1, hash: policySourceHash(DEMO_PLATFORM_POLICY), source: DEMO_PLATFORM_POLICY, authorType: "cli", authorId: "bench", receiptId: "rcpt_bench" },
  });
  const tenant = await prisma.tenant.create({ data: { slug: hosts[0]!.tenant, name: "Bench" } });
  for (const h of hosts) {
    const profile = await prisma.profile.create({
      data: { tenantId: tenant.id, slug: h.profile, owner: "bench", ring: 2, tier: "L2", unit: `${h.profile}.service`, artifactDigest: DIGEST, rollbackEndpoint: "https://rollback.example/x", rollbackManifestDigest: DIGEST, evidencePath: "evidence/x" },
    });
    await prisma.host.create({ data: { id: h.hostId, ratePerMinute: 1_000_000, profiles: { create: [{ profileId: profile.id }] }, keys: { create: { id: h.keyId, publicKey: h.publicKeyBase64 } } } });
  }
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const elapsedMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function signed(method: "GET" | "POST", url: string, host: BenchHost, body?: string): Promise<{ ms: number; json: { id?: string; status?: string } }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  Object.assign(headers, signRequest({ method, url, headers, body, keyId: host.keyId, privateKey: host.privateKey }));
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  const ms = elapsedMs(t0);
  if (res.status !== (method === "POST" ? 201 : 200)) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, json: JSON.parse(text) as { id?: string; status?: string } };
}

interface Stats {
  seconds: number;
  post: number[];
  get: number[];
  statuses: Map<string, number>;
}

async function drive(app: AppProcess, hosts: BenchHost[]): Promise<Stats> {
  const base = `${app.url}/api/v1/jobs`;
  const body = (h: BenchHost, n: number) =>
    JSON.stringify({ topic: TOPICS[n % TOPICS.length], tenant: h.tenant, profile: h.profile, riskTags: n % 5 === 0 ? ["customer-visible"] : [], labels: { run: String(n) }, payload: { n, note: "benchmark job", items: [1, 2, 3] } });
  await Promise.all(hosts.map(async (h) => { for (let i = 0; i < WARMUP_PER_CLIENT; i++) await signed("POST", base, h, body(h, i)); }));
  const stats: Stats = { seconds: 0, post: [], get: [], statuses: new Map() };
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    hosts.map(async (h) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const posted = await signed("POST", base, h, body(h, n));
        stats.post.push(posted.ms);
        stats.statuses.set(posted.json.status ?? "?", (stats.statuses.get(posted.json.status ?? "?") ?? 0) + 1);
        if (n % 3 === 2) stats.get.push((await signed("GET", `${base}/${posted.json.id}`, h)).ms);
      }
    }),
  );
  stats.seconds = elapsedMs(t0) / 1000;
  stats.post.sort((a, b) => a - b);
  stats.get.sort((a, b) => a - b);
  return stats;
}

function report(label: string, s: Stats): void {
  const all = [...s.post, ...s.get].sort((a, b) => a - b);
  const row = (name: string, l: number[]) =>
    `  ${name.padEnd(26)} ${String(l.length).padStart(7)} ${(l.length / s.seconds).toFixed(0).padStart(8)} req/s ${pct(l, 50).toFixed(1).padStart(8)} ms ${pct(l, 99).toFixed(1).padStart(8)} ms`;
  console.log(`\n${label} (${s.seconds.toFixed(1)} s)`);
  console.log(`  ${"requests".padEnd(26)} ${"count".padStart(7)} ${"rate".padStart(14)} ${"p50".padStart(11)} ${"p99".padStart(11)}`);
  console.log(row("POST /api/v1/jobs", s.post));
  console.log(row("GET /api/v1/jobs/{id}", s.get));
  console.log(row("all", all));
  console.log(`  statuses: ${[...s.statuses].map(([k, v]) => `${k} ${v}`).join(", ")}`);
}

async function runPglite(): Promise<void> {
  const hosts = makeHosts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-jobs-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const prep = await openDatabase({ dataDir: dir }); // the app will hold the data dir's lock: prepare, then close
  try {
    await prepare(prep, hosts);
  } finally {
    await prep.close();
  }
  const app = await startTestApp({ dataDir: dir });
  cleanups.push(() => stopTestApp(app));
  report("pglite (embedded default, temp CELLGATE_DATA_DIR)", await drive(app, hosts));
}

async function runPostgres(): Promise<void> {
  const hosts = makeHosts();
  const cluster = startCluster();
  cleanups.push(() => cluster.stop());
  const admin = new Pool({ connectionString: cluster.url(), max: 1 });
  await admin.query(`CREATE DATABASE app`);
  await admin.end();
  const prep = await openDatabase({ url: cluster.url("app") });
  try {
    await prepare(prep, hosts);
  } finally {
    await prep.close();
  }
  const app = await startTestApp({ databaseUrl: cluster.url("app") });
  cleanups.push(() => stopTestApp(app));
  report("postgresql (throwaway cluster, DATABASE_URL)", await drive(app, hosts));
}

async function main(): Promise<void> {
  console.log(`Jobs API benchmark${QUICK ? " (--quick)" : ""}: ${CLIENTS} clients, ${SECONDS} s per backend, signed HTTP over loopback, node ${process.version}, ${os.cpus().length} CPUs`);
  try {
    if (BACKENDS.includes("pglite")) {
      await runPglite();
      await cleanupAll();
    }
    if (BACKENDS.includes("postgresql")) {
      await runPostgres();
      await cleanupAll();
    }
  } finally {
    await cleanupAll();
  }
}

main().catch(async (error) => {
  console.error(error);
  await cleanupAll();
  process.exitCode = 1;
});
