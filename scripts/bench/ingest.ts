/**
 * Ingest benchmark (npm run bench:ingest [-- --quick]): the BUILT console on
 * the embedded default (PGlite in a temp CELLGATE_DATA_DIR) and then on
 * PostgreSQL (a throwaway cluster, DATABASE_URL). Several concurrent clients
 * (one registered host each) POST signed batches to /api/v1/ingest over
 * loopback HTTP for a bounded time; events/s and p50/p99 batch latency are
 * printed. The same batches then go through the raw pipeline: ed25519 verify
 * (node:crypto) + one multi-row INSERT of the events through the same driver
 * (a second PGlite in its own temp dir / a second database in the same
 * cluster), no HTTP, no framework. Prints the ratio app/raw (target ≥ 0.5).
 *
 * Then overload: batches offered open-loop (not waiting for answers) at twice
 * the rate the app just sustained, for BENCH_OVERLOAD_SECONDS, round-robin over
 * the hosts (each under its own rate limit). Prints 202 / 503 counts, p50/p99
 * latency of every answer, and — after the app stopped — the batches stored
 * against those acknowledged with 202 (nothing acknowledged may be lost).
 * Measures only; asserts nothing.
 *
 *   BENCH_CLIENTS=8 BENCH_EVENTS=100 BENCH_SECONDS=20 BENCH_OVERLOAD_SECONDS=10 BENCH_BACKENDS=pglite,postgresql
 *   BENCH_CPU_PROF=DIR  CPU-profile the console (scripts/bench/app-profile.ts)
 */
import { randomBytes, randomUUID, sign as edSign, verify as edVerify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Pool } from "pg";
import { openDatabase, type Database } from "../../lib/db";
import { generateEd25519Key, privateKeyFromPem, publicKeyFromRaw, signRequest } from "../../lib/domain/http-signatures";
import { applyMigrations } from "../../lib/migrate";
import { startTestApp, stopTestApp, type AppProcess } from "../../tests/support/app-process";
import { startCluster, type Cluster } from "../../tests/support/postgres-cluster";
import { profiledAppEnv } from "./app-profile";
import { metricsEnv, reportSealLag } from "./seal-lag";
import { growHistory } from "./growth";
import { cleanupAll, cleanups } from "./cleanups";

const QUICK = process.argv.includes("--quick");
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 3 : 20));
const MAX_BATCHES = QUICK ? 200 : 20_000;
const OVERLOAD_SECONDS = Number(process.env.BENCH_OVERLOAD_SECONDS ?? (QUICK ? 3 : 10));
const WARMUP_PER_CLIENT = QUICK ? 1 : 3;
const BACKENDS = (process.env.BENCH_BACKENDS ?? "pglite,postgresql").split(",");
const DIGEST = `sha256:${"a".repeat(64)}`;
/** PostgreSQL only: grow the history by this many events (and a tenth as many audit entries), then drive the console again. */
const GROWTH_EVENTS = Number(process.env.BENCH_GROWTH_EVENTS ?? 0);

interface BenchHost {
  hostId: string;
  keyId: string;
  profile: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyBase64: string;
}

/** What the raw pipeline replays: the exact body bytes, and an ed25519 signature over them. */
interface SentBatch {
  client: number;
  body: Buffer;
  signature: Buffer;
}

interface Stats {
  /** 503s the clients met and retried (app only). */
  shed?: number;
  batches: number;
  events: number;
  seconds: number;
  latencies: number[];
}

function makeHosts(): BenchHost[] {
  const run = randomBytes(3).toString("hex");
  return Array.from({ length: CLIENTS }, (_, i) => {
    const key = generateEd25519Key();
    const privateKey = privateKeyFromPem(key.privateKeyPem);
    const hostId = `bench-${run}-host-${i}`;
    return { hostId, keyId: `${hostId}-k1`, profile: `bench-${run}-profile-${i}`, privateKey, publicKey: publicKeyFromRaw(key.publicKeyBase64), publicKeyBase64: key.publicKeyBase64 };
  });
}

/** Tenant, profile, host (rate high enough not to throttle), active key; ids → profile uuid + tenant uuid. */
async function registerHosts(database: Database, hosts: BenchHost[]): Promise<Map<string, { profileId: string; tenantId: string }>> {
  await applyMigrations(database.sql);
  const prisma = database.prisma;
  const bySlug = new Map<string, { profileId: string; tenantId: string }>();
  for (const h of hosts) {
    const tenant = await prisma.tenant.create({ data: { slug: `${h.hostId}-t`, name: `Bench ${h.hostId}` } });
    const profile = await prisma.profile.create({
      data: {
        tenantId: tenant.id, slug: h.profile, owner: "team-bench", ring: 2, tier: "L2", unit: `${h.profile}.service`,
        artifactDigest: DIGEST, rollbackEndpoint: "https://rollback.example/x", rollbackManifestDigest: DIGEST, evidencePath: "evidence/x",
      },
    });
    await prisma.host.create({
      data: {
        id: h.hostId,
        ratePerMinute: 1_000_000,
        profiles: { create: [{ profileId: profile.id }] },
        keys: { create: { id: h.keyId, publicKey: h.publicKeyBase64 } },
      },
    });
    bySlug.set(h.profile, { profileId: profile.id, tenantId: tenant.id });
  }
  return bySlug;
}

/** 100 events: one heartbeat, the rest tool decisions (as a busy agent host would send). */
function batchBody(host: BenchHost): string {
  const now = new Date().toISOString();
  const events = Array.from({ length: EVENTS }, (_, i) => {
    const id = `ev-${randomBytes(8).toString("hex")}`;
    if (i === 0) return { id, type: "health.heartbeat", profile: host.profile, occurredAt: now, attributes: { status: "healthy", intervalSec: 30 } };
    return { id, type: i % 3 === 0 ? "tool.denied" : "tool.allowed", profile: host.profile, occurredAt: now, attributes: { tool: `tool-${i % 7}`, reason: "policy rule 12" } };
  });
  return JSON.stringify({ events });
}

const pct = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
const elapsedMs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** 503s the closed-loop clients met (and retried) at the sustained rate. */
let shedInDrive = 0;

/** POST one batch body, freshly signed (so a resend is never a replayed nonce). */
function sendBatch(url: string, host: BenchHost, body: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const signed = signRequest({
    method: "POST", url, headers, body, keyId: host.keyId, privateKey: host.privateKey,
    components: ["@method", "@path", "@query", "content-digest", "content-type"],
  });
  return fetch(url, { method: "POST", headers: { ...headers, ...(signed as Record<string, string>) }, body, signal: AbortSignal.timeout(60_000) });
}

async function postBatch(url: string, host: BenchHost, body = batchBody(host)): Promise<{ ms: number; body: string }> {
  const t0 = process.hrtime.bigint();
  const res = await sendBatch(url, host, body);
  const text = await res.text();
  const ms = elapsedMs(t0);
  if (res.status === 503 && res.headers.get("retry-after")) {
    // Shed: the host waits as asked and sends the same batch again, as the agent does.
    shedInDrive += 1;
    await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after")) * 1000));
    return postBatch(url, host, body);
  }
  if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 500)}`);
  return { ms, body };
}

/** CLIENTS concurrent clients, each its own host, until SECONDS pass or MAX_BATCHES were sent. */
async function driveApp(app: AppProcess, hosts: BenchHost[]): Promise<{ stats: Stats; sent: SentBatch[] }> {
  const url = `${app.url}/api/v1/ingest`;
  shedInDrive = 0;
  await Promise.all(hosts.map(async (h) => { for (let i = 0; i < WARMUP_PER_CLIENT; i += 1) await postBatch(url, h); }));
  const sent: SentBatch[] = [];
  const latencies: number[] = [];
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    hosts.map(async (h, client) => {
      while (Date.now() < deadline && sent.length < MAX_BATCHES) {
        const { ms, body } = await postBatch(url, h);
        latencies.push(ms);
        const bytes = Buffer.from(body);
        sent.push({ client, body: bytes, signature: edSign(null, bytes, h.privateKey) });
      }
    }),
  );
  const seconds = elapsedMs(t0) / 1000;
  return { stats: { shed: shedInDrive, batches: sent.length, events: sent.length * EVENTS, seconds, latencies: latencies.sort((a, b) => a - b) }, sent };
}

interface Overload {
  offeredPerSec: number;
  seconds: number;
  accepted: number;
  shed: number;
  other: Map<string, number>;
  /** Every answer's latency, sorted. */
  latencies: number[];
  /** Batches acknowledged (202) over the whole run: warm-up, drive and overload. */
  acknowledged: number;
  /** Batches the database holds for the bench hosts after the app stopped. */
  stored: number;
}

/** Open loop: a batch every 1/rate s whatever the answers, for `seconds`; never throws on a refusal. */
async function overload(app: AppProcess, hosts: BenchHost[], ratePerSec: number, seconds: number): Promise<Omit<Overload, "acknowledged" | "stored">> {
  const url = `${app.url}/api/v1/ingest`;
  const interval = 1000 / ratePerSec;
  const latencies: number[] = [];
  const other = new Map<string, number>();
  let accepted = 0;
  let shed = 0;
  const pending: Promise<void>[] = [];
  const start = Date.now();
  for (let k = 0; k * interval < seconds * 1000; k += 1) {
    const wait = start + k * interval - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const host = hosts[k % hosts.length]!;
    const t0 = process.hrtime.bigint();
    pending.push(
      sendBatch(url, host, batchBody(host))
        .then(async (res) => {
          await res.arrayBuffer();
          latencies.push(elapsedMs(t0));
          if (res.status === 202) accepted += 1;
          else if (res.status === 503) shed += 1;
          else other.set(String(res.status), (other.get(String(res.status)) ?? 0) + 1);
        })
        .catch((error: Error) => {
          latencies.push(elapsedMs(t0));
          other.set(error.name, (other.get(error.name) ?? 0) + 1);
        }),
    );
  }
  await Promise.all(pending);
  return { offeredPerSec: ratePerSec, seconds: (Date.now() - start) / 1000, accepted, shed, other, latencies: latencies.sort((a, b) => a - b) };
}

async function storedBatches(database: Database, hosts: BenchHost[]): Promise<number> {
  const rows = await database.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM "IngestBatch" WHERE "hostId" = ANY($1::text[])`, [hosts.map((h) => h.hostId)]);
  return Number(rows[0]!.n);
}

function reportOverload(o: Overload): void {
  const others = [...o.other].map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(
    `  overload: ${o.offeredPerSec.toFixed(0)} batches/s offered (2× sustained) for ${o.seconds.toFixed(1)} s → 202 ${o.accepted}, 503 ${o.shed}${others ? `, other ${others}` : ""}; ` +
      `every answer p50 ${pct(o.latencies, 50).toFixed(1)} ms, p99 ${pct(o.latencies, 99).toFixed(1)} ms (target < 1000 ms)`,
  );
  console.log(`  acknowledged 202 over the run: ${o.acknowledged}, stored: ${o.stored}${o.stored === o.acknowledged ? " (none lost)" : "  ← MISMATCH"}`);
}

const INSERT_COLUMNS = `"id", "hostId", "eventId", "batchId", "tenantId", "profileId", "type", "occurredAt", "traceId", "attributes", "redactions"`;

/** The same batches: ed25519 verify + JSON parse + one multi-row INSERT each, CLIENTS at a time. */
async function driveRaw(database: Database, hosts: BenchHost[], bySlug: Map<string, { profileId: string; tenantId: string }>, sent: SentBatch[]): Promise<Stats> {
  // One IngestBatch row per host (the events' foreign key), made before timing.
  const batchIds = hosts.map(() => `raw_${randomBytes(12).toString("base64url")}`);
  for (const [i, h] of hosts.entries()) {
    await database.sql.query(
      `INSERT INTO "IngestBatch" ("id", "hostId", "keyId", "batchHash", "accepted", "duplicates", "receiptId") VALUES ($1, $2, $3, 'raw', 0, 0, '')`,
      [batchIds[i], h.hostId, h.keyId],
    );
  }
  const latencies: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    hosts.map(async () => {
      for (let i = next++; i < sent.length; i = next++) {
        const b = sent[i]!;
        const host = hosts[b.client]!;
        const s0 = process.hrtime.bigint();
        if (!edVerify(null, b.body, host.publicKey, b.signature)) throw new Error("raw: signature did not verify");
        const events = (JSON.parse(b.body.toString("utf8")) as { events: Array<{ id: string; type: string; profile: string; occurredAt: string; attributes: unknown }> }).events;
        const params: unknown[] = [];
        const tuples = events.map((e) => {
          const p = bySlug.get(e.profile)!;
          const base = params.length;
          params.push(randomUUID(), host.hostId, e.id, batchIds[b.client], p.tenantId, p.profileId, e.type, e.occurredAt, null, JSON.stringify(e.attributes), null);
          const n = (k: number) => `$${base + k}`;
          return `(${n(1)}::uuid, ${n(2)}, ${n(3)}, ${n(4)}, ${n(5)}::uuid, ${n(6)}::uuid, ${n(7)}, ${n(8)}::timestamptz, ${n(9)}, ${n(10)}::jsonb, ${n(11)}::jsonb)`;
        });
        await database.sql.query(`INSERT INTO "IngestEvent" (${INSERT_COLUMNS}) VALUES ${tuples.join(", ")} ON CONFLICT ("hostId", "eventId") DO NOTHING`, params);
        latencies.push(elapsedMs(s0));
      }
    }),
  );
  const seconds = elapsedMs(t0) / 1000;
  const [{ n }] = (await database.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM "IngestEvent"`)) as [{ n: string | number }];
  if (Number(n) !== sent.length * EVENTS) console.warn(`  warning: raw stored ${n} events, expected ${sent.length * EVENTS}`);
  return { batches: sent.length, events: sent.length * EVENTS, seconds, latencies: latencies.sort((a, b) => a - b) };
}

interface Row { backend: string; app: Stats; raw: Stats; overload: Overload }

function line(label: string, s: Stats): string {
  const rate = s.events / s.seconds;
  return `  ${label.padEnd(34)} ${String(s.batches).padStart(7)} ${String(s.events).padStart(9)} ${s.seconds.toFixed(1).padStart(7)} s ${rate.toFixed(0).padStart(9)} ev/s ${pct(s.latencies, 50).toFixed(1).padStart(8)} ms ${pct(s.latencies, 99).toFixed(1).padStart(8)} ms`;
}
const HEADER = `  ${"path".padEnd(34)} ${"batches".padStart(7)} ${"events".padStart(9)} ${"time".padStart(9)} ${"events/s".padStart(14)} ${"p50".padStart(11)} ${"p99".padStart(11)}`;
const ratio = (r: Row) => r.app.events / r.app.seconds / (r.raw.events / r.raw.seconds);

function report(r: Row): void {
  console.log(`\n${r.backend}`);
  console.log(HEADER);
  console.log(line("app: HTTP POST /api/v1/ingest", r.app));
  console.log(line("raw: ed25519 verify + INSERT", r.raw));
  console.log(`  ratio app/raw: ${ratio(r).toFixed(2)} (target ≥ 0.5); 503s met and retried by the clients: ${r.app.shed ?? 0}`);
  reportOverload(r.overload);
}

async function runPglite(): Promise<Row> {
  const hosts = makeHosts();
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-ingest-"));
  cleanups.push(() => fs.rmSync(appDir, { recursive: true, force: true }));
  // The app will hold the data dir's lock: prepare it first, then close it.
  const prep = await openDatabase({ dataDir: appDir });
  try {
    await registerHosts(prep, hosts);
  } finally {
    await prep.close();
  }
  const app = await startTestApp({ dataDir: appDir, env: { ...profiledAppEnv(), ...metricsEnv() } });
  cleanups.push(() => stopTestApp(app));
  const { stats, sent } = await driveApp(app, hosts);
  const over = await overload(app, hosts, (2 * stats.batches) / stats.seconds, OVERLOAD_SECONDS);
  console.log("\npglite");
  await reportSealLag(app.url);
  await stopTestApp(app);
  cleanups.pop();
  const after = await openDatabase({ dataDir: appDir });
  const stored = await storedBatches(after, hosts).finally(() => after.close());
  const overloadRow = { ...over, acknowledged: hosts.length * WARMUP_PER_CLIENT + stats.batches + over.accepted, stored };

  const rawDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-bench-raw-"));
  cleanups.push(() => fs.rmSync(rawDir, { recursive: true, force: true }));
  const raw = await openDatabase({ dataDir: rawDir });
  cleanups.push(() => raw.close());
  const bySlug = await registerHosts(raw, hosts);
  return { backend: "pglite (embedded default, temp CELLGATE_DATA_DIR)", app: stats, raw: await driveRaw(raw, hosts, bySlug, sent), overload: overloadRow };
}

async function runPostgres(): Promise<Row> {
  const hosts = makeHosts();
  const cluster: Cluster = startCluster();
  cleanups.push(() => cluster.stop());
  const admin = new Pool({ connectionString: cluster.url(), max: 1 });
  await admin.query(`CREATE DATABASE app`);
  await admin.query(`CREATE DATABASE raw`);
  await admin.end();
  const prep = await openDatabase({ url: cluster.url("app") });
  try {
    await registerHosts(prep, hosts);
  } finally {
    await prep.close();
  }
  const app = await startTestApp({ databaseUrl: cluster.url("app"), env: { ...profiledAppEnv(), ...metricsEnv() } });
  cleanups.push(() => stopTestApp(app));
  const { stats, sent } = await driveApp(app, hosts);
  const over = await overload(app, hosts, (2 * stats.batches) / stats.seconds, OVERLOAD_SECONDS);
  console.log("\npostgresql, one console process");
  await reportSealLag(app.url);
  await stopTestApp(app);
  cleanups.pop();
  // The same database, two console processes (scripts/serve.mjs, CELLGATE_WORKERS=2).
  const two = await startTestApp({ databaseUrl: cluster.url("app"), workers: 2, env: { ...profiledAppEnv(), ...metricsEnv() } });
  cleanups.push(() => stopTestApp(two));
  const { stats: twoStats } = await driveApp(two, hosts);
  console.log("\npostgresql, two console processes");
  await reportSealLag(two.url, 6);
  await stopTestApp(two);
  cleanups.pop();
  let grownBatches = 0;
  if (GROWTH_EVENTS > 0) {
    const grow = await openDatabase({ url: cluster.url("app") });
    const grown = await growHistory(grow, [...(await registeredProfiles(grow, hosts))], GROWTH_EVENTS).finally(() => grow.close());
    const [size] = await rawCount(cluster.url("app"));
    console.log(`\npostgresql, history grown by ${grown.events.toLocaleString("en-US")} events and ${grown.auditEntries.toLocaleString("en-US")} audit entries in ${grown.seconds.toFixed(0)} s (now ${size!.events.toLocaleString("en-US")} events, ${size!.entries.toLocaleString("en-US")} audit entries)`);
    const big = await startTestApp({ databaseUrl: cluster.url("app"), env: { ...profiledAppEnv(), ...metricsEnv() } });
    cleanups.push(() => stopTestApp(big));
    const { stats: bigStats } = await driveApp(big, hosts);
    await reportSealLag(big.url);
    await stopTestApp(big);
    cleanups.pop();
    grownBatches = bigStats.batches;
    console.log(HEADER);
    console.log(line("app, young database", stats));
    console.log(line("app, grown database", bigStats));
    console.log(`  grown ÷ young: ${(bigStats.events / bigStats.seconds / (stats.events / stats.seconds)).toFixed(2)} (events/s)`);
  }
  const after = await openDatabase({ url: cluster.url("app") });
  const stored = await storedBatches(after, hosts).finally(() => after.close());
  const overloadRow = {
    ...over,
    acknowledged: hosts.length * WARMUP_PER_CLIENT * (GROWTH_EVENTS > 0 ? 3 : 2) + stats.batches + over.accepted + twoStats.batches + grownBatches,
    stored,
  };
  console.log(`\npostgresql, two console processes (CELLGATE_WORKERS=2)`);
  console.log(HEADER);
  console.log(line("app ×2: HTTP POST /api/v1/ingest", twoStats));
  console.log(`  two processes ÷ one: ${(twoStats.events / twoStats.seconds / (stats.events / stats.seconds)).toFixed(2)} (events/s)`);

  const raw = await openDatabase({ url: cluster.url("raw") });
  cleanups.push(() => raw.close());
  const bySlug = await registerHosts(raw, hosts);
  return { backend: "postgresql (throwaway cluster, DATABASE_URL; same cluster for raw)", app: stats, raw: await driveRaw(raw, hosts, bySlug, sent), overload: overloadRow };
}

async function main(): Promise<void> {
  console.log(
    `Ingest benchmark${QUICK ? " (--quick)" : ""}: ${CLIENTS} clients × ${EVENTS} events/batch, ${SECONDS} s per backend ` +
      `(≤ ${MAX_BATCHES} batches, ${WARMUP_PER_CLIENT} warm-up batch(es) per client), node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const rows: Row[] = [];
  try {
    if (BACKENDS.includes("pglite")) {
      rows.push(await runPglite());
      report(rows.at(-1)!);
      await cleanupAll();
    }
    if (BACKENDS.includes("postgresql")) {
      rows.push(await runPostgres());
      report(rows.at(-1)!);
      await cleanupAll();
    }
  } finally {
    await cleanupAll();
  }
  console.log(`\nsummary`);
  for (const r of rows) {
    const appRate = r.app.events / r.app.seconds;
    console.log(
      `  ${r.backend.split(" ")[0]!.padEnd(11)} app ${appRate.toFixed(0).padStart(7)} ev/s (p50 ${pct(r.app.latencies, 50).toFixed(1)} ms, p99 ${pct(r.app.latencies, 99).toFixed(1)} ms)` +
        `  raw ${(r.raw.events / r.raw.seconds).toFixed(0).padStart(7)} ev/s  ratio ${ratio(r).toFixed(2)}` +
        `  overload 2×: p99 ${pct(r.overload.latencies, 99).toFixed(0)} ms, 503 ${r.overload.shed}, lost ${r.overload.acknowledged - r.overload.stored}`,
    );
  }
}

main().catch(async (error) => {
  console.error(error);
  await cleanupAll();
  process.exitCode = 1;
});

/** The bench hosts' profiles, as registered. */
async function registeredProfiles(database: Database, hosts: BenchHost[]): Promise<Array<{ hostId: string; tenantId: string; profileId: string }>> {
  const rows = await database.sql.query<{ hostId: string; tenantId: string; profileId: string }>(
    `SELECT hp."hostId", p."tenantId"::text AS "tenantId", p.id::text AS "profileId"
       FROM "HostProfile" hp JOIN "Profile" p ON p.id = hp."profileId" WHERE hp."hostId" = ANY($1::text[])`,
    [hosts.map((h) => h.hostId)],
  );
  return rows;
}

async function rawCount(url: string): Promise<Array<{ events: number; entries: number }>> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query<{ events: string; entries: string }>(
      `SELECT (SELECT count(*) FROM "IngestEvent") AS events, (SELECT count(*) FROM "AuditEntry") AS entries`,
    );
    return rows.map((r) => ({ events: Number(r.events), entries: Number(r.entries) }));
  } finally {
    await pool.end();
  }
}
