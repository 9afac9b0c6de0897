/**
 * A database that already holds a history when the counter and rollup
 * migrations (20261207100000 onwards) arrive: they count what is there (in
 * chunks, more rows than one chunk holds) and the figures equal the raw
 * group-by on both databases; TRUNCATE of a counted table is refused after.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import type { Database } from "@/lib/db";
import { applyMigrations, readMigrations } from "@/lib/migrate";
import { costSeries, costTotals } from "@/lib/server/dashboards/cost";
import { decisionBuckets, deniedEventsByProfile, redactionFigures } from "@/lib/server/dashboards/safety-queries";
import { resolveDashboardScope } from "@/lib/server/dashboards/scope";
import { collectMetrics } from "@/lib/server/metrics/collect";
import { BACKENDS, createEmptyDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { sortedRedactions } from "../support/dashboards";

const FIRST_COUNTED = "20261207100000";
const EVENTS = 25_000;
const ADMIN: Actor = { userId: "00000000-0000-4000-8000-000000000002", platformAdmin: true, memberships: [] };

describe.each(BACKENDS)("counters and rollups over an existing history on %s", (backend) => {
  let database: Database;
  const now = new Date();

  beforeAll(async () => {
    database = await createEmptyDatabase(backend);
    const before = readMigrations().filter((m) => m.name < FIRST_COUNTED);
    expect(before.length).toBeLessThan(readMigrations().length);
    await applyMigrations(database.sql, before);
    const tenant = await createTenant(database.prisma, "acme");
    const profiles = [await createProfile(database.prisma, tenant.id), await createProfile(database.prisma, tenant.id)];
    const sql = database.sql;
    await sql.query(`INSERT INTO "IngestBatch" (id, "hostId", "keyId", "batchHash", accepted, duplicates, "receiptId") VALUES ('b1', 'h', 'k', 'x', 1, 3, 'r'), ('b2', 'h', 'k', 'x', 1, 4, 'r')`);
    await sql.query(
      `INSERT INTO "IngestEvent" (id, "hostId", "eventId", "batchId", "tenantId", "profileId", type, "occurredAt", attributes, redactions)
       SELECT gen_random_uuid(), 'h', 'e' || i, 'b' || (1 + i % 2), $1::uuid, (ARRAY[$2, $3]::uuid[])[1 + i % 2],
              (ARRAY['tool.denied', 'egress.denied', 'tool.allowed'])[1 + i % 3], $4::timestamptz - (i % 700) * interval '1 hour', '{}'::jsonb,
              CASE WHEN i % 10 = 0 THEN jsonb_build_object('count', 1 + i % 3, 'kinds', jsonb_build_object('api_key', 1 + i % 3)) END
         FROM generate_series(1, $5::int) i`,
      [tenant.id, profiles[0]!.id, profiles[1]!.id, now, EVENTS],
    );
    await sql.query(
      `INSERT INTO "PolicyDecision" (id, "tenantId", "profileId", decision, "ruleIds", reason, "policyHash", "inputHash", "createdAt")
       SELECT gen_random_uuid(), CASE WHEN i % 9 = 0 THEN NULL ELSE $1::uuid END, CASE WHEN i % 4 = 0 THEN NULL ELSE $2::uuid END,
              (ARRAY['ALLOW', 'DENY', 'REQUIRE_APPROVAL'])[1 + i % 3], ARRAY['platform:r'], 'test', 'p', 'i' || i, $3::timestamptz - (i % 600) * interval '1 hour'
         FROM generate_series(1, 3000) i`,
      [tenant.id, profiles[0]!.id, now],
    );
    await sql.query(
      `INSERT INTO "CostRecord" (id, "tenantId", "profileId", "eventId", "occurredAt", model, "tokensIn", "tokensOut", cost)
       SELECT gen_random_uuid(), $1::uuid, (ARRAY[$2, $3]::uuid[])[1 + i % 2], gen_random_uuid(), $4::timestamptz - (i % 500) * interval '1 hour',
              'm-' || (i % 4), i, i % 7, (i % 13) * 0.000123
         FROM generate_series(1, 2000) i`,
      [tenant.id, profiles[0]!.id, profiles[1]!.id, now],
    );
    expect((await applyMigrations(database.sql)).length).toBeGreaterThan(0);
  }, 240_000);
  afterAll(() => database?.close());

  it("count the history that was there: metric totals equal the raw counts", async () => {
    const families = await collectMetrics(database, now);
    const value = (name: string, label?: string) =>
      families.find((f) => f.name === name)!.samples.find((s) => label === undefined || Object.values(s.labels ?? {})[0] === label)?.value;
    const [raw] = await database.sql.query<{ denied: string }>(`SELECT count(*) AS denied FROM "IngestEvent" WHERE type = 'tool.denied'`);
    expect(Number(raw!.denied)).toBeGreaterThan(8_000);
    expect(value("cellgate_ingest_events_total", "tool.denied")).toBe(Number(raw!.denied));
    expect(value("cellgate_ingest_batches_total")).toBe(2);
    expect(value("cellgate_ingest_duplicates_total")).toBe(7);
    expect(value("cellgate_policy_decisions_total", "DENY")).toBe(1000);
  });

  it("roll up the history that was there: the month's dashboard figures equal the raw group-by", async () => {
    const scope = (await resolveDashboardScope(database.prisma, ADMIN, { range: "month" }, now))!;
    const denied = await deniedEventsByProfile(database.sql, scope);
    expect(denied).toEqual(await deniedEventsByProfile(database.sql, scope, "raw"));
    expect(denied.totals.tool).toBeGreaterThan(5_000);
    expect(sortedRedactions(await redactionFigures(database.sql, scope))).toEqual(sortedRedactions(await redactionFigures(database.sql, scope, "raw")));
    const byBucket = (rows: Awaited<ReturnType<typeof decisionBuckets>>) => rows.map((r) => `${r.bucket.toISOString()} ${r.key} ${r.value}`).sort();
    expect(byBucket(await decisionBuckets(database.sql, scope))).toEqual(byBucket(await decisionBuckets(database.sql, scope, "raw")));
    expect(await costTotals(database.sql, scope)).toEqual(await costTotals(database.sql, scope, "raw"));
    expect(await costSeries(database.sql, scope, "model")).toEqual(await costSeries(database.sql, scope, "model", "raw"));
  });

  it("refuse TRUNCATE of a counted table (the totals would go stale)", async () => {
    await expect(database.sql.query(`TRUNCATE "CostRecord"`)).rejects.toThrow(/counted by running totals and rollups/);
  });
});
