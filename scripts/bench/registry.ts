/**
 * Registry read benchmark (npm run bench:registry): 10,000 profiles across
 * 20 tenants, on the embedded default (PGlite in a temp dir) and on
 * PostgreSQL (a throwaway cluster). Times the real server read,
 * `listProfiles(actor, query)` from lib/server/profiles.ts, for typical
 * views, next to a raw baseline: one equivalent SQL SELECT (page + total via
 * a window count) through the same driver. Prints p50/p99 and the ratio.
 * Measures only; asserts nothing.
 *
 *   BENCH_ITERATIONS=200 (default) BENCH_BACKENDS=pglite,postgresql
 */
import os from "node:os";
import type { Actor } from "../../lib/authz";
import { setDatabase, type Database } from "../../lib/db";
import { DEFAULT_QUERY, type RegistryQuery } from "../../lib/domain/registry-query";
import { applyMigrations } from "../../lib/migrate";
import { listProfiles } from "../../lib/server/profiles";
import { onEachBackend } from "./backends";

const PROFILES = 10_000;
const TENANTS = 20;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const WARMUP = 20;
const BACKENDS = (process.env.BENCH_BACKENDS ?? "pglite,postgresql").split(",");

const TIERS = ["L0", "L1", "L2", "L3", "L4", "L5"];
const HEALTH = ["healthy", "healthy", "healthy", "healthy", "healthy", "healthy", "healthy", "degraded", "degraded", "down", "unknown"];
const STAGES = ["deploy_only", "read_only", "limited", "promoted", "promoted", "rolled_back"];
const WORDS = ["ticket-triage", "build-runner", "report-writer", "code-review", "billing-sync", "log-scan", "doc-summary", "web-fetch"];
const OWNERS = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, "0")}`);

/** Small deterministic PRNG (mulberry32) so every run sees the same data. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(database: Database): Promise<{ tenantIds: string[] }> {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const tenantIds: string[] = [];
  for (let t = 0; t < TENANTS; t += 1) {
    const slug = `t${String(t).padStart(2, "0")}`;
    const [row] = await database.sql.query<{ id: string }>(
      `INSERT INTO "Tenant" (id, slug, name) VALUES (gen_random_uuid(), $1, $2) RETURNING id`,
      [slug, `Tenant ${slug}`],
    );
    tenantIds.push(row!.id);
  }
  const digest = `sha256:${"a".repeat(64)}`;
  const batch = 500;
  const now = Date.now();
  for (let start = 0; start < PROFILES; start += batch) {
    const values: string[] = [];
    const params: unknown[] = [];
    for (let i = start; i < Math.min(PROFILES, start + batch); i += 1) {
      const tenant = i % TENANTS;
      const word = pick(WORDS);
      const seen = rand() < 0.1 ? null : new Date(now - Math.floor(rand() * 7 * 86_400_000));
      const row = [tenantIds[tenant], `t${String(tenant).padStart(2, "0")}-${word}-${i}`, pick(OWNERS), Math.floor(rand() * 6), pick(TIERS), `${word}-${i}.service`, pick(HEALTH), seen, pick(STAGES)];
      const base = params.length;
      params.push(...row);
      values.push(
        `(gen_random_uuid(), $${base + 1}::uuid, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::"Tier", $${base + 6}, ` +
          `$${base + 7}::"Health", $${base + 8}::timestamptz, $${base + 9}::"CanaryStage", '${digest}', 'https://rollback.invalid/', '${digest}', 'evidence/', now())`,
      );
    }
    await database.sql.query(
      `INSERT INTO "Profile" (id, "tenantId", slug, owner, ring, tier, unit, health, "lastSeenAt", "canaryStage",
         "artifactDigest", "rollbackEndpoint", "rollbackManifestDigest", "evidencePath", "updatedAt") VALUES ${values.join(", ")}`,
      params,
    );
  }
  await database.sql.exec(`ANALYZE`);
  return { tenantIds };
}

interface Case {
  name: string;
  actor: "admin" | "viewer";
  query: RegistryQuery;
  /** The same view as one SQL statement: WHERE, ORDER BY and params. */
  raw: { where: string; order: string; params: unknown[] };
}

function cases(): Case[] {
  const q = (over: Partial<RegistryQuery>): RegistryQuery => ({ ...DEFAULT_QUERY, ...over });
  const bySlug = `p.slug ASC`;
  return [
    { name: "no filter, page 1", actor: "admin", query: q({}), raw: { where: "TRUE", order: bySlug, params: [] } },
    { name: "viewer (one tenant), page 1", actor: "viewer", query: q({}), raw: { where: `p."tenantId" = ANY($1::uuid[])`, order: bySlug, params: ["VIEWER_TENANTS"] } },
    { name: "tenant + tier", actor: "admin", query: q({ tenant: "t07", tier: "L2" }), raw: { where: `t.slug = $1 AND p.tier = 'L2'`, order: bySlug, params: ["t07"] } },
    { name: "health = down", actor: "admin", query: q({ health: "down" }), raw: { where: `p.health = 'down'`, order: bySlug, params: [] } },
    {
      name: "text search 'triage'",
      actor: "admin",
      query: q({ q: "triage" }),
      raw: { where: `(p.slug ILIKE $1 OR p.unit ILIKE $1 OR p.owner ILIKE $1)`, order: bySlug, params: ["%triage%"] },
    },
    {
      name: "sort lastSeen desc, page 40",
      actor: "admin",
      query: q({ sort: "lastSeen", dir: "desc", page: 40 }),
      raw: { where: "TRUE", order: `p."lastSeenAt" DESC NULLS LAST, p.slug ASC`, params: [], },
    },
    { name: "owner filter", actor: "admin", query: q({ owner: "team-17" }), raw: { where: `lower(p.owner) = lower($1)`, order: bySlug, params: ["team-17"] } },
  ];
}

function rawSql(c: Case): string {
  const offset = (c.query.page - 1) * c.query.size;
  return `SELECT p.slug, p.owner, p.ring, p.tier, p.unit, p.health, p."lastSeenAt", p."canaryStage", p."updatedAt",
                 t.slug AS "tenantSlug", t.name AS "tenantName", count(*) OVER () AS total
            FROM "Profile" p JOIN "Tenant" t ON t.id = p."tenantId"
           WHERE ${c.raw.where}
           ORDER BY ${c.raw.order}
           LIMIT ${c.query.size} OFFSET ${offset}`;
}

async function time(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i += 1) await fn();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => `${n.toFixed(2).padStart(8)} ms`;

async function run(backend: string, database: Database): Promise<void> {
  const t0 = Date.now();
  await applyMigrations(database.sql);
  const { tenantIds } = await seed(database);
  console.log(`\n${backend}: seeded ${PROFILES} profiles in ${TENANTS} tenants in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  setDatabase(database);
  const actors: Record<Case["actor"], Actor> = {
    admin: { userId: "bench-admin", platformAdmin: true, memberships: [] },
    viewer: { userId: "bench-viewer", platformAdmin: false, memberships: [{ tenantId: tenantIds[3]!, role: "viewer" }] },
  };
  console.log(`${"query".padEnd(30)} ${"rows/total".padStart(11)}  listProfiles p50 / p99      raw SELECT p50 / p99      ratio p50`);
  for (const c of cases()) {
    const params = c.raw.params.map((p) => (p === "VIEWER_TENANTS" ? [tenantIds[3]] : p));
    const result = await listProfiles(actors[c.actor], c.query);
    const rawRows = await database.sql.query<{ total: string | number }>(rawSql(c), params);
    if (rawRows.length !== result.rows.length || Number(rawRows[0]?.total ?? 0) !== result.total) {
      console.warn(`  warning: baseline for "${c.name}" returned ${rawRows.length}/${rawRows[0]?.total} rows, listProfiles ${result.rows.length}/${result.total}`);
    }
    const app = await time(() => listProfiles(actors[c.actor], c.query));
    const raw = await time(() => database.sql.query(rawSql(c), params));
    console.log(
      `${c.name.padEnd(30)} ${`${result.rows.length}/${result.total}`.padStart(11)}  ${ms(pct(app, 50))} / ${ms(pct(app, 99))}   ${ms(pct(raw, 50))} / ${ms(pct(raw, 99))}   ${(pct(app, 50) / pct(raw, 50)).toFixed(2).padStart(6)}×`,
    );
  }
  setDatabase(undefined);
}

async function main(): Promise<void> {
  console.log(`Registry benchmark: ${PROFILES} profiles, ${ITERATIONS} iterations per query (after ${WARMUP} warm-up), node ${process.version}, ${os.cpus().length} CPUs`);
  await onEachBackend(BACKENDS, run);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
