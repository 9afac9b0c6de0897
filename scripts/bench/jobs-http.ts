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
 * The raw baseline, measured in the same run on the same database through
 * the same driver (lib/sql) before the console starts: as many concurrent
 * loops as clients, each op signing and verifying a request like a job's
 * (RFC 9421, Ed25519), then one transaction with the job's own inserts
 * (PolicyDecision, Job) and the audit append with its receipt. The console's
 * POST rate is printed as a ratio of it.
 *
 * On PostgreSQL, pg_stat_activity is sampled every 5 ms while the console is
 * driven: what the console's backends were doing (running, idle in a
 * transaction, waiting on a lock, on the client …), to see where a request's
 * time goes on the database side.
 *
 *   BENCH_CLIENTS=8 BENCH_SECONDS=15 BENCH_BACKENDS=pglite,postgresql
 *   BENCH_CPU_PROF=DIR  the console is CPU-profiled into DIR (NEXT_CPU_PROF; open the .cpuprofile in Chrome DevTools)
 */
import { randomBytes, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { openDatabase, type Database } from "../../lib/db";
import { generateEd25519Key, privateKeyFromPem, publicKeyFromRaw, signRequest, verifyRequest } from "../../lib/domain/http-signatures";
import { writeReceipt } from "../../lib/server/audit";
import { DEMO_PLATFORM_POLICY, policySourceHash } from "../../lib/domain/policy";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "../../tests/support/app-process";
import { startCluster } from "../../tests/support/postgres-cluster";
import { profiledAppEnv } from "./app-profile";
import { metricsEnv, reportSealLag } from "./seal-lag";
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

/** 503s met (and retried after Retry-After) since the last report. */
let shed = 0;

async function signed(method: "GET" | "POST", url: string, host: BenchHost, body?: string): Promise<{ ms: number; json: { id?: string; status?: string; receipt?: { auditSeq: number | null } } }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  Object.assign(headers, signRequest({ method, url, headers, body, keyId: host.keyId, privateKey: host.privateKey }));
  const t0 = process.hrtime.bigint();
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  const ms = elapsedMs(t0);
  if (res.status === 503 && res.headers.get("retry-after")) {
    // Shed: wait as asked and send it again (new signature), as the agent does.
    shed += 1;
    await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after")) * 1000));
    return signed(method, url, host, body);
  }
  if (res.status !== (method === "POST" ? 201 : 200)) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, json: JSON.parse(text) as { id?: string; status?: string; receipt?: { auditSeq: number | null } } };
}

/**
 * The raw pipeline (see the header): `CLIENTS` loops for SECONDS, each op a
 * signed request verified, then the job's inserts and the audit append in
 * one transaction. Returns ops per second.
 */
interface RawResult {
  rate: number;
  p50: number;
  p99: number;
}

async function rawPipeline(database: Database, hosts: BenchHost[]): Promise<RawResult> {
  const rows = await database.sql.query<{ id: string; tenantId: string; slug: string }>(`SELECT id::text AS id, "tenantId"::text AS "tenantId", slug FROM "Profile"`);
  const profiles = new Map(rows.map((r) => [r.slug, r]));
  const keys = new Map(hosts.map((h) => [h.keyId, publicKeyFromRaw(Buffer.from(h.publicKeyBase64, "base64"))]));
  const url = "http://127.0.0.1/api/v1/jobs";
  const latencies: number[] = [];
  const op = async (h: BenchHost, n: number) => {
    const t0 = process.hrtime.bigint();
    const body = JSON.stringify({ topic: TOPICS[n % TOPICS.length], tenant: h.tenant, profile: h.profile, riskTags: [], labels: { run: String(n) }, payload: { n, note: "benchmark job", items: [1, 2, 3] } });
    const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json" };
    Object.assign(headers, signRequest({ method: "POST", url, headers, body, keyId: h.keyId, privateKey: h.privateKey }));
    const verified = await verifyRequest({
      method: "POST", url, headers: new Headers(headers), body: Buffer.from(body), now: new Date(),
      lookupKey: async (id) => ({ publicKey: keys.get(id)!, status: "active", alg: "ed25519" }),
    });
    if (!verified.ok) throw new Error(`raw baseline: signature did not verify: ${verified.detail}`);
    const profile = profiles.get(h.profile)!;
    const jobId = `job_raw_${randomBytes(12).toString("base64url")}`;
    const decisionId = crypto.randomUUID();
    const now = new Date();
    await database.sql.transaction(async (sql) => {
      await sql.query(
        `INSERT INTO "PolicyDecision" ("id", "tenantId", "profileId", "jobId", "decision", "ruleIds", "reason", "policyHash", "inputHash", "createdAt")
         VALUES ($1::uuid, $2::uuid, $3::uuid, $4, 'ALLOW', ARRAY['bench'], 'raw', 'sha256:raw', 'sha256:raw', $5)`,
        [decisionId, profile.tenantId, profile.id, jobId, now],
      );
      await sql.query(
        `INSERT INTO "Job" ("id", "tenantId", "profileId", "hostId", "keyId", "topic", "riskTags", "labels", "payload", "canonical", "jobHash", "status", "decisionId",
           "approvalsNeeded", "resolvedAt", "requesterIds", "traceId", "receiptId", "createdAt", "consoleTags")
         VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6, '{}', '{}'::jsonb, $7::jsonb, $7, 'sha256:raw', 'ALLOWED', $8::uuid, 0, $9, '{}', $10, $11, $9, '{}')`,
        [jobId, profile.tenantId, profile.id, h.hostId, h.keyId, TOPICS[n % TOPICS.length], body, decisionId, now, randomBytes(16).toString("hex"), `rcpt_raw_${jobId}`],
      );
      await writeReceipt(sql, {
        id: `rcpt_raw_${jobId}`, action: "job.submit", actor: { type: "host", id: h.hostId }, scope: { type: "job", id: jobId },
        tenantId: profile.tenantId, profileId: profile.id, decision: "ALLOW", request: { jobId }, result: { status: "ALLOWED" }, summary: { job: jobId },
      });
    });
    latencies.push(elapsedMs(t0));
  };
  await Promise.all(hosts.map(async (h) => { for (let i = 0; i < WARMUP_PER_CLIENT; i++) await op(h, i); }));
  latencies.length = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(hosts.map(async (h) => { for (let n = 0; Date.now() < deadline; n++) await op(h, n); }));
  const seconds = elapsedMs(t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99) };
}

/** Samples what the app database's other backends are doing, every 5 ms, until stopped. */
function sampleWaits(url: string): { stop: () => Promise<Map<string, number>> } {
  const pool = new Pool({ connectionString: url, max: 1 });
  const counts = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query<{ what: string; n: number }>(
        `SELECT CASE WHEN state = 'active' AND wait_event IS NULL THEN 'running'
                     WHEN state = 'active' THEN 'waiting: ' || wait_event_type || '/' || wait_event
                     ELSE coalesce(state, 'no state') || coalesce(' (' || wait_event || ')', '') END AS what, count(*)::int AS n
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
           GROUP BY 1`,
      );
      for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + r.n);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      await pool.end();
      return counts;
    },
  };
}

function reportWaits(counts: Map<string, number>): void {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`  database backends over the run (pg_stat_activity samples, share of backend-samples):`);
  for (const [what, n] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
    console.log(`    ${what.padEnd(48)} ${((100 * n) / total).toFixed(1).padStart(5)} %`);
  }
}

function reportRatio(raw: RawResult, s: Stats): void {
  const rate = s.post.length / s.seconds;
  console.log(`  raw pipeline (verify + inserts + audit append, ${CLIENTS} loops): ${raw.rate.toFixed(0)} ops/s, p50 ${raw.p50.toFixed(1)} ms, p99 ${raw.p99.toFixed(1)} ms`);
  console.log(`  console POST /api/v1/jobs ÷ raw: ${(rate / raw.rate).toFixed(2)} (target ≥ 0.5), p99 ${pct(s.post, 99).toFixed(1)} ms (target ≤ 50 ms)`);
}


interface Stats {
  seconds: number;
  post: number[];
  get: number[];
  statuses: Map<string, number>;
  /** POST answers whose receipt already named its audit sequence number (sealed), and those still pending seal. */
  sealedOnAnswer: number;
  pendingOnAnswer: number;
}

async function drive(app: AppProcess, hosts: BenchHost[]): Promise<Stats> {
  const base = `${app.url}/api/v1/jobs`;
  const body = (h: BenchHost, n: number) =>
    JSON.stringify({ topic: TOPICS[n % TOPICS.length], tenant: h.tenant, profile: h.profile, riskTags: n % 5 === 0 ? ["customer-visible"] : [], labels: { run: String(n) }, payload: { n, note: "benchmark job", items: [1, 2, 3] } });
  await Promise.all(hosts.map(async (h) => { for (let i = 0; i < WARMUP_PER_CLIENT; i++) await signed("POST", base, h, body(h, i)); }));
  const stats: Stats = { seconds: 0, post: [], get: [], statuses: new Map(), sealedOnAnswer: 0, pendingOnAnswer: 0 };
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    hosts.map(async (h) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const posted = await signed("POST", base, h, body(h, n));
        stats.post.push(posted.ms);
        stats.statuses.set(posted.json.status ?? "?", (stats.statuses.get(posted.json.status ?? "?") ?? 0) + 1);
        if (typeof posted.json.receipt?.auditSeq === "number") stats.sealedOnAnswer += 1;
        else stats.pendingOnAnswer += 1;
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
  console.log(`  statuses: ${[...s.statuses].map(([k, v]) => `${k} ${v}`).join(", ")}; 503s met and retried: ${shed}`);
  console.log(`  receipts sealed when answered: ${s.sealedOnAnswer}, pending seal: ${s.pendingOnAnswer}`);
  shed = 0;
}

/** Migrations, policy, hosts; then the raw baseline on the same database; closes it. */
async function prepareAndMeasureRaw(database: Database, hosts: BenchHost[]): Promise<RawResult> {
  try {
    await prepare(database, hosts);
    return await rawPipeline(database, hosts);
  } finally {
    await database.close();
  }
}

async function runPglite(): Promise<void> {
  const hosts = makeHosts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-jobs-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  // The app will hold the data dir's lock: prepare and measure the raw pipeline first, then close.
  const raw = await prepareAndMeasureRaw(await openDatabase({ dataDir: dir }), hosts);
  const app = await startTestApp({ dataDir: dir, env: { ...profiledAppEnv(), ...metricsEnv() } });
  cleanups.push(() => stopTestApp(app));
  const stats = await drive(app, hosts);
  report("pglite (embedded default, temp CELLGATE_DATA_DIR)", stats);
  reportRatio(raw, stats);
  await reportSealLag(app.url);
}

async function runPostgres(): Promise<void> {
  const hosts = makeHosts();
  const cluster = startCluster();
  cleanups.push(() => cluster.stop());
  const admin = new Pool({ connectionString: cluster.url(), max: 1 });
  await admin.query(`CREATE DATABASE app`);
  await admin.end();
  const raw = await prepareAndMeasureRaw(await openDatabase({ url: cluster.url("app"), poolSize: CLIENTS }), hosts);
  const one = await drivePostgres(cluster.url("app"), hosts, raw, 1);
  // The same database, two console processes (scripts/serve.mjs, CELLGATE_WORKERS=2).
  const two = await drivePostgres(cluster.url("app"), hosts, raw, 2);
  console.log(`  two processes ÷ one: ${(two.post.length / two.seconds / (one.post.length / one.seconds)).toFixed(2)} (POST req/s)`);
}

/** The console on `url` with `workers` processes (1: plain `next start`), driven, reported with its wait events, stopped. */
async function drivePostgres(url: string, hosts: BenchHost[], raw: RawResult, workers: number): Promise<Stats> {
  const app = await startTestApp({ databaseUrl: url, env: { ...profiledAppEnv(), ...metricsEnv() }, workers: workers > 1 ? workers : undefined });
  cleanups.push(() => stopTestApp(app));
  const sampler = sampleWaits(url);
  const stats = await drive(app, hosts);
  const waits = await sampler.stop();
  report(workers > 1 ? `postgresql, ${workers} console processes (CELLGATE_WORKERS=${workers})` : "postgresql (throwaway cluster, DATABASE_URL), one console process", stats);
  reportRatio(raw, stats);
  await reportSealLag(app.url, workers * 3);
  reportWaits(waits);
  await stopTestApp(app);
  cleanups.pop();
  return stats;
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
