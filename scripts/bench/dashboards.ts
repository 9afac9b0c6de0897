/**
 * Dashboard benchmark (npm run bench:dashboards [-- --quick]), on the embedded
 * default (PGlite in a temp dir) and on PostgreSQL (a throwaway cluster):
 *
 *  1. seeds 1,000,000 ingest events and 100,000 policy decisions (+ jobs,
 *     votes, cost records, kill switches, evidence) over the last 30 days,
 *     across a few tenants and ~200 profiles, with set-based SQL
 *     (scripts/bench/dashboards-seed.ts); prints the seeding time;
 *  2. times ≥ 30 calls of each dashboard for `range=month` through
 *     loadDashboard (what the route handler runs, minus HTTP and the
 *     session): safety, cost and the readiness board, as a platform admin
 *     (all tenants) and as one tenant's viewer; plus the Prometheus metrics
 *     text; plus raw SQL baselines over the same month of events
 *     (scripts/bench/dashboards-targets.ts);
 *  3. prints p50 / p99 / max per target and a side-by-side table at the end.
 * Measures only; asserts nothing.
 *
 *   BENCH_EVENTS=1000000 BENCH_DECISIONS=100000 BENCH_PROFILES=200 BENCH_TENANTS=4
 *   BENCH_CALLS=30 BENCH_WARMUP=2 BENCH_BACKENDS=pglite,postgresql
 *   --quick: 100,000 events, 10,000 decisions, 10 calls (a smoke run).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Database } from "../../lib/db";
import { rangeWindow } from "../../lib/domain/dashboards/range";
import { applyMigrations } from "../../lib/migrate";
import { onEachBackend } from "./backends";
import { seedDashboards, seededCounts, type SeedSize } from "./dashboards-seed";
import { collectTargets, type BenchActors, type Target } from "./dashboards-targets";


const QUICK = process.argv.includes("--quick");
const num = (name: string, fallback: number, min = 1): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
};
const SIZE: SeedSize = {
  tenants: num("BENCH_TENANTS", 4),
  profiles: num("BENCH_PROFILES", 200),
  events: num("BENCH_EVENTS", QUICK ? 100_000 : 1_000_000),
  decisions: num("BENCH_DECISIONS", QUICK ? 10_000 : 100_000),
};
const CALLS = num("BENCH_CALLS", QUICK ? 10 : 30);
const WARMUP = num("BENCH_WARMUP", 2, 0);
const BACKENDS = (process.env.BENCH_BACKENDS ?? "pglite,postgresql").split(",").map((b) => b.trim());
const unknownBackend = BACKENDS.find((b) => b !== "pglite" && b !== "postgresql");
if (unknownBackend !== undefined) throw new Error(`BENCH_BACKENDS: unknown backend "${unknownBackend}" (use pglite, postgresql or both, comma-separated)`);

interface Measured {
  backend: string;
  target: string;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
}

const results: Measured[] = [];

/** Nearest-rank percentile of sorted samples. */
function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1)).padStart(8);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

async function measure(target: Target): Promise<Omit<Measured, "backend" | "target">> {
  let size = 0;
  for (let i = 0; i < WARMUP; i += 1) size = await target.run();
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i += 1) {
    const start = performance.now();
    size = await target.run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { p50: pct(samples, 50), p99: pct(samples, 99), max: samples[samples.length - 1]!, bytes: size };
}

function actorsFor(memberTenantId: string): BenchActors {
  return {
    admin: { userId: randomUUID(), platformAdmin: true, memberships: [] },
    member: { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: memberTenantId, role: "viewer" }] },
    memberTenantId,
  };
}

async function run(label: string, database: Database): Promise<void> {
  console.log(`\n== ${label}`);
  await applyMigrations(database.sql);
  const now = new Date();
  const seeded = await seedDashboards(database, SIZE, now);
  console.log(`  seeding total ${(seeded.ms / 1000).toFixed(1)} s`);
  const counts = await seededCounts(database.sql, rangeWindow("month", now).from);
  console.log(`  rows: ${Object.entries(counts).map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`).join(", ")}`);

  const member = seeded.tenants[0];
  if (!member) throw new Error("no tenant was seeded");
  const [memberEvents] = await database.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "IngestEvent" WHERE "tenantId" = $1::uuid`, [member.id]);
  console.log(`  member: viewer of ${member.slug} (${Number(memberEvents?.n ?? 0).toLocaleString("en-US")} of the events); admin: platform admin, all tenants`);

  const targets = collectTargets(database, actorsFor(member.id), now);
  console.log(`  range=month, ${WARMUP} warm-up + ${CALLS} timed calls each, one at a time (ms):`);
  console.log(`  ${"target".padEnd(44)}      p50      p99      max  result`);
  const backend = database.kind;
  for (const target of targets) {
    const m = await measure(target);
    results.push({ backend, target: target.name, ...m });
    console.log(`  ${target.name.padEnd(44)} ${ms(m.p50)} ${ms(m.p99)} ${ms(m.max)}  ${kb(m.bytes)}`);
  }
}

function summary(): void {
  const backends = [...new Set(results.map((r) => r.backend))];
  if (backends.length === 0) return;
  const names = [...new Set(results.map((r) => r.target))];
  console.log(`\n== Summary: p50 / p99 in ms, range=month, ${CALLS} calls (nearest rank: with fewer than 100 calls p99 is the slowest call)`);
  console.log(`  ${"target".padEnd(44)} ${backends.map((b) => b.padStart(20)).join(" ")}`);
  for (const name of names) {
    const cells = backends.map((b) => {
      const r = results.find((x) => x.backend === b && x.target === name);
      return (r ? `${r.p50.toFixed(1)} / ${r.p99.toFixed(1)}` : "–").padStart(20);
    });
    console.log(`  ${name.padEnd(44)} ${cells.join(" ")}`);
  }
}

async function main(): Promise<void> {
  console.log(
    `Dashboard benchmark: ${SIZE.events.toLocaleString("en-US")} events, ${SIZE.decisions.toLocaleString("en-US")} decisions, ` +
      `${SIZE.profiles} profiles in ${SIZE.tenants} tenants; node ${process.version}, ${os.cpus().length} CPUs`,
  );
  const started = performance.now();
  await onEachBackend(BACKENDS, run);
  summary();
  console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
