/**
 * The safety and cost dashboards' figures read from the rollups
 * ("EventRollup", "RedactionKindRollup", "DecisionRollup", "CostRollup", kept
 * by triggers) are exactly the raw group-by's, on both databases: cost
 * records from `cost.usage` events and from the ORM, one changed; decisions about a tenant's profiles and
 * about none, back-dated, one changed and one deleted; events through the signed ingest route
 * (redacted secrets, a re-sent batch, late events weeks back, events in the
 * current hour), events written with the ORM with every shape of redaction
 * summary (numeric and non-numeric counts and kinds, JSON null, SQL null), an
 * UPDATE that moves events to another hour and type, and a profile deleted
 * with its events; for the day, week and month windows, as the platform
 * admin, one tenant and one profile, from every rollup width that tiles the
 * window.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase } from "@/lib/db";
import { ROLLUP_WIDTHS, type RangeName } from "@/lib/domain/dashboards/range";
import { costSeries, costTotals, topSpenders } from "@/lib/server/dashboards/cost";
import { decisionBuckets, deniedEventsByProfile, redactionFigures } from "@/lib/server/dashboards/safety-queries";
import { resolveDashboardScope, rollupSource, type DashboardScope, type RollupSource } from "@/lib/server/dashboards/scope";
import { sortedRedactions } from "../support/dashboards";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { ingestAccepted } from "../support/ingest-route";
import { createTestHost, eventId, type TestHost } from "../support/signed-client";

const HOUR = 3_600_000;
const ADMIN: Actor = { userId: "00000000-0000-4000-8000-000000000001", platformAdmin: true, memberships: [] };
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

describe.each(BACKENDS)("dashboard rollups on %s", (backend) => {
  let database: TestDatabase;
  let hosts: TestHost[];
  const now = new Date();

  beforeAll(async () => {
    database = await createTestDatabase(backend, { poolSize: 6 });
    setDatabase(database);
    hosts = [await createTestHost(database.prisma, { profiles: 2 }), await createTestHost(database.prisma, { profiles: 2 })];
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  /** A varied history for each host: every hour back `hoursBack`, denied tools and egress, secrets to redact. */
  async function seed() {
    for (const host of hosts) {
      const events: Array<Record<string, unknown>> = [];
      for (const [i, hoursBack] of [0, 0, 1, 5, 23, 25, 6 * 24 + 3, 7 * 24 + 1, 20 * 24, 29 * 24 + 7].entries()) {
        const profile = host.profiles[i % 2];
        const occurredAt = new Date(now.getTime() - hoursBack * HOUR - (i % 3) * 60_000).toISOString();
        events.push(
          { id: eventId(), type: "tool.denied", profile, occurredAt, attributes: { tool: "shell", reason: i % 2 ? `Authorization: Bearer ${JWT}` : "not allowed" } },
          { id: eventId(), type: "egress.denied", profile, occurredAt, attributes: { destination: "x.example:443", reason: "not allowed" } },
          { id: eventId(), type: "tool.allowed", profile, occurredAt, attributes: { tool: "read", note: i % 3 ? `token ${JWT}` : "fine" } },
          { id: eventId(), type: "cost.usage", profile, occurredAt, attributes: { model: ["m-a", "m-b", "m-c"][i % 3], tokensIn: 100 + i, tokensOut: 10 + i, cost: 0.000125 * (i + 1) } },
        );
      }
      const first = await ingestAccepted(host, events);
      expect(first.accepted).toBe(events.length);
      expect(await ingestAccepted(host, events.slice(0, 4))).toMatchObject({ accepted: 0, duplicates: 4 });
    }
    // The ORM, with summaries ingest itself would never write.
    const [p] = await database.prisma.profile.findMany({ where: { slug: hosts[0]!.profiles[0] } });
    const batchRow = await database.prisma.ingestBatch.create({
      data: { id: randomSlug("batch"), hostId: hosts[0]!.hostId, keyId: hosts[0]!.keyId, batchHash: "sha256:x", accepted: 6, duplicates: 0, receiptId: randomSlug("rcpt") },
    });
    const summaries: unknown[] = [
      { count: 3, kinds: { api_key: 2, password: 1 } },
      { count: "7", kinds: { api_key: "x", jwt: 4 } },
      { count: 2.5, kinds: "not an object" },
      { kinds: { zero: 0, big: 123456789 } },
      [1, 2],
      null,
    ];
    await database.prisma.ingestEvent.createMany({
      data: summaries.map((redactions, i) => ({
        hostId: hosts[0]!.hostId, eventId: `orm-${i}`, batchId: batchRow.id, tenantId: p!.tenantId, profileId: p!.id,
        type: i % 2 ? "egress.denied" : "tool.denied", occurredAt: new Date(now.getTime() - i * 26 * HOUR), attributes: {},
        ...(redactions === null ? {} : { redactions: redactions as object }),
      })),
    });
    // Decisions about the hosts' profiles and about none, back-dated; one changed, one deleted.
    const profiles = await database.prisma.profile.findMany({ where: { slug: { in: hosts.flatMap((h) => h.profiles) } } });
    const decisions = ["ALLOW", "DENY", "REQUIRE_APPROVAL", "THROTTLE", "ALLOW_WITH_CONSTRAINTS"];
    await database.prisma.policyDecision.createMany({
      data: Array.from({ length: 40 }, (_, i) => {
        // Every 7th about no tenant and no profile; every 5th about a tenant but no profile.
        const profile = i % 7 === 0 ? null : profiles[i % profiles.length]!;
        return {
          tenantId: profile?.tenantId ?? null, profileId: i % 5 === 0 ? null : (profile?.id ?? null), decision: decisions[i % decisions.length]!, ruleIds: [`platform:r${i % 4}`],
          reason: "test", policyHash: "sha256:p", inputHash: `sha256:${i}`, createdAt: new Date(now.getTime() - ((i * 17) % (29 * 24)) * HOUR - i * 1000),
        };
      }),
    });
    await database.sql.query(`UPDATE "PolicyDecision" SET decision = 'DENY', "createdAt" = "createdAt" - interval '2 days' WHERE "inputHash" = 'sha256:3'`);
    await database.sql.query(`DELETE FROM "PolicyDecision" WHERE "inputHash" = 'sha256:5'`);
    // Cost records written directly (many models: more than a chart draws), one moved to another model and day.
    await database.prisma.costRecord.createMany({
      data: Array.from({ length: 24 }, (_, i) => {
        const profile = profiles[i % profiles.length]!;
        return {
          tenantId: profile.tenantId, profileId: profile.id, eventId: randomUUID(), occurredAt: new Date(now.getTime() - ((i * 31) % (29 * 24)) * HOUR),
          model: `orm-model-${i % 9}`, tokensIn: 1000 * i, tokensOut: 7 * i, cost: `${(i * 1.234567).toFixed(6)}`,
        };
      }),
    });
    await database.sql.query(`UPDATE "CostRecord" SET model = 'm-moved', "occurredAt" = "occurredAt" - interval '1 day' WHERE model = 'orm-model-4'`);

    // An update moving events to another hour and type, and a profile deleted with its events.
    await database.sql.query(`UPDATE "IngestEvent" SET type = 'egress.denied', "occurredAt" = "occurredAt" - interval '3 hours' WHERE "eventId" IN ('orm-0', 'orm-2')`);
    const gone = await database.prisma.profile.findUniqueOrThrow({ where: { slug: hosts[1]!.profiles[1] } });
    // A model only the deleted profile used: it must vanish from the model chart, not linger at $0.
    await database.prisma.costRecord.create({
      data: { tenantId: gone.tenantId, profileId: gone.id, eventId: randomUUID(), occurredAt: new Date(now.getTime() - 2 * HOUR), model: "m-gone", tokensIn: 1, tokensOut: 1, cost: "9.5" },
    });
    await database.prisma.hostProfile.deleteMany({ where: { profileId: gone.id } });
    await database.prisma.profile.delete({ where: { id: gone.id } });
  }

  async function scopeOf(range: RangeName, narrow: { tenant?: string; profile?: string }, actor: Actor = ADMIN): Promise<DashboardScope> {
    const scope = await resolveDashboardScope(database.prisma, actor, { range, ...narrow }, now);
    if (!scope) throw new Error("scope did not resolve");
    return scope;
  }

  it("seeds a history through ingest and the ORM", async () => {
    await seed();
    const [rows] = await database.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "EventRollup" WHERE events > 0`);
    expect(Number(rows!.n)).toBeGreaterThan(10);
  });

  const ranges: RangeName[] = ["day", "week", "month"];
  it.each(ranges)("%s: decisions, denied events by profile, redactions and cost equal the raw group-by, for every scope and width", async (range) => {
    const tenant = await database.prisma.tenant.findUniqueOrThrow({ where: { id: hosts[0]!.tenantId } });
    // A viewer of both hosts' tenants: a tenant list, not "all tenants".
    const member: Actor = { userId: ADMIN.userId, platformAdmin: false, memberships: hosts.map((h) => ({ tenantId: h.tenantId, role: "viewer" as const })) };
    const scopes: Array<[{ tenant?: string; profile?: string }, Actor]> = [
      [{}, ADMIN], [{}, member], [{ tenant: tenant.slug }, ADMIN], [{ profile: hosts[0]!.profiles[0] }, ADMIN], [{ profile: hosts[1]!.profiles[0] }, member],
    ];
    for (const [narrow, actor] of scopes) {
      const scope = await scopeOf(range, narrow, actor);
      const chosen = rollupSource(scope);
      expect(chosen).not.toBe("raw");
      const widths = (Object.keys(ROLLUP_WIDTHS) as RollupSource[]).filter((w) => w === "h" || (w === "d" && chosen === "d"));
      const rawDenied = await deniedEventsByProfile(database.sql, scope, "raw");
      const rawRedactions = await redactionFigures(database.sql, scope, "raw");
      const rawDecisions = await decisionBuckets(database.sql, scope, "raw");
      const byBucket = (rows: typeof rawDecisions) => [...rows].map((r) => `${r.bucket.toISOString()} ${r.key} ${r.value}`).sort();
      for (const width of widths) {
        expect(byBucket(await decisionBuckets(database.sql, scope, width))).toEqual(byBucket(rawDecisions));
        expect(await deniedEventsByProfile(database.sql, scope, width)).toEqual(rawDenied);
        const rolled = await redactionFigures(database.sql, scope, width);
        expect(rolled.kinds).toEqual(rawRedactions.kinds);
        expect(byBucket(rolled.buckets)).toEqual(byBucket(rawRedactions.buckets));
      }
      const rawTotals = await costTotals(database.sql, scope, "raw");
      const rawSpenders = await topSpenders(database.sql, scope, rawTotals.cost, "raw");
      const rawSeries = await Promise.all((["tenant", "profile", "model"] as const).map((d) => costSeries(database.sql, scope, d, "raw")));
      for (const width of widths) {
        expect(await costTotals(database.sql, scope, width)).toEqual(rawTotals);
        expect(await topSpenders(database.sql, scope, rawTotals.cost, width)).toEqual(rawSpenders);
        for (const [i, d] of (["tenant", "profile", "model"] as const).entries()) expect(await costSeries(database.sql, scope, d, width)).toEqual(rawSeries[i]);
      }
      // Every scope has something to compare on each figure (no vacuous equality).
      expect({ records: rawTotals.records > 0, denied: rawDenied.totals.tool + rawDenied.totals.egress > 0 }).toEqual({ records: true, denied: true });
      if (range !== "day" || !narrow.profile) {
        expect(rawDecisions.length).toBeGreaterThan(0);
        expect(rawRedactions.buckets.length).toBeGreaterThan(0);
      }
    }
  });

  it("stay equal after concurrent ingest from several connections (several shards on PostgreSQL)", async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const host = hosts[i % 2]!;
        return ingestAccepted(host, [
          { id: eventId(), type: "tool.denied", profile: host.profiles[0], attributes: { tool: "shell", reason: `Authorization: Bearer ${JWT}` } },
          { id: eventId(), type: "cost.usage", profile: host.profiles[0], attributes: { model: "m-a", tokensIn: 5, tokensOut: 1, cost: 0.5 } },
        ]);
      }),
    );
    const scope = await scopeOf("month", {});
    expect(await deniedEventsByProfile(database.sql, scope)).toEqual(await deniedEventsByProfile(database.sql, scope, "raw"));
    expect(sortedRedactions(await redactionFigures(database.sql, scope))).toEqual(sortedRedactions(await redactionFigures(database.sql, scope, "raw")));
    expect(await costTotals(database.sql, scope)).toEqual(await costTotals(database.sql, scope, "raw"));
    if (backend === "postgresql") {
      const [shards] = await database.sql.query<{ n: number }>(`SELECT count(DISTINCT shard)::int AS n FROM "EventRollup"`);
      expect(shards!.n).toBeGreaterThan(1);
    }
  });

  it("the hour range reads the raw rows (its 5-minute buckets are not whole hours)", async () => {
    const scope = await scopeOf("hour", {});
    expect(rollupSource(scope)).toBe("raw");
    const denied = await deniedEventsByProfile(database.sql, scope);
    expect(denied.totals.tool).toBeGreaterThan(0);
  });

  it("the month's figures count what was stored, not what was sent twice or deleted", async () => {
    const scope = await scopeOf("month", {});
    const denied = await deniedEventsByProfile(database.sql, scope);
    const [truth] = await database.sql.query<{ tool: string; egress: string }>(
      `SELECT count(*) FILTER (WHERE type = 'tool.denied') AS tool, count(*) FILTER (WHERE type = 'egress.denied') AS egress
         FROM "IngestEvent" WHERE "occurredAt" >= $1 AND "occurredAt" < $2`,
      [scope.window.from, scope.window.to],
    );
    expect(denied.totals).toMatchObject({ tool: Number(truth!.tool), egress: Number(truth!.egress), profiles: 3 });
  });
});
