/**
 * The running totals behind /api/metrics ("MetricCounter", kept by triggers)
 * against the raw group-by they replace, on both databases, after writes by
 * every path: signed ingest through the route (with re-sent batches and
 * a re-sent event beside a new, late one), job submissions (decisions),
 * the ORM (createMany), an UPDATE that changes an event's type, and a DELETE
 * (a profile removed with its events). Concurrent ingest on PostgreSQL
 * (several backends, so several shards) adds up too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as submitJob } from "@/app/api/v1/jobs/route";
import { setDatabase } from "@/lib/db";
import { collectMetrics } from "@/lib/server/metrics/collect";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { ingestAccepted } from "../support/ingest-route";
import { eventId } from "../support/signed-client";
import { createJobsHost, jobBody, signedCall, toRequest, type JobsHost } from "./jobs-support";

type Family = Awaited<ReturnType<typeof collectMetrics>>[number];

/** The exposition's samples of one family as { label value → number } (no label: ""). */
function samples(families: Family[], name: string): Record<string, number> {
  const family = families.find((f) => f.name === name);
  if (!family) throw new Error(`no family ${name}`);
  return Object.fromEntries(family.samples.map((s) => [Object.values(s.labels ?? {})[0] ?? "", s.value]));
}

describe.each(BACKENDS)("metric counters on %s", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;

  beforeAll(async () => {
    database = await createTestDatabase(backend, { poolSize: 6 });
    setDatabase(database);
    host = await createJobsHost(database.prisma);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const send = (events: Array<Record<string, unknown>>) => ingestAccepted(host, events);

  /** What the counters replaced: group-bys over the whole history. */
  async function raw() {
    const q = database.sql.query.bind(database.sql);
    const events = await q<{ key: string; n: string }>(`SELECT type AS key, count(*) AS n FROM "IngestEvent" GROUP BY type`);
    const decisions = await q<{ key: string; n: string }>(`SELECT decision AS key, count(*) AS n FROM "PolicyDecision" GROUP BY decision`);
    const [b] = await q<{ batches: string; duplicates: string | null }>(`SELECT count(*) AS batches, sum(duplicates) AS duplicates FROM "IngestBatch"`);
    const [c] = await q<{ n: string }>(`SELECT count(*) AS n FROM "AuditCheckpoint"`);
    return {
      events: Object.fromEntries(events.map((r) => [r.key, Number(r.n)])),
      decisions: Object.fromEntries(decisions.map((r) => [r.key, Number(r.n)])),
      batches: Number(b!.batches),
      duplicates: Number(b!.duplicates ?? 0),
      checkpoints: Number(c!.n),
    };
  }

  async function expectCountersEqualRaw() {
    const families = await collectMetrics(database);
    const truth = await raw();
    expect(samples(families, "cellgate_ingest_events_total")).toEqual(truth.events);
    const decisions = samples(families, "cellgate_policy_decisions_total");
    for (const [decision, n] of Object.entries(truth.decisions)) expect(decisions[decision]).toBe(n);
    expect(Object.values(decisions).reduce((a, b) => a + b, 0)).toBe(Object.values(truth.decisions).reduce((a, b) => a + b, 0));
    expect(samples(families, "cellgate_ingest_batches_total")[""]).toBe(truth.batches);
    expect(samples(families, "cellgate_ingest_duplicates_total")[""]).toBe(truth.duplicates);
    expect(samples(families, "cellgate_audit_checkpoints_total")[""]).toBe(truth.checkpoints);
    return truth;
  }

  it("start at zero on an empty history", async () => {
    const truth = await expectCountersEqualRaw();
    expect(truth).toMatchObject({ events: {}, batches: 0, duplicates: 0 });
  });

  it("equal the raw group-by after ingest with duplicates, decisions, ORM writes, an update and a delete", async () => {
    const [p1, p2] = host.profiles;
    const ids = [eventId(), eventId(), eventId()];
    const first = await send([
      { id: ids[0], type: "tool.denied", profile: p1, attributes: { tool: "shell", reason: "not allowed" } },
      { id: ids[1], type: "health.heartbeat", profile: p1, attributes: { status: "healthy" } },
      { id: ids[2], type: "cost.usage", profile: p2, attributes: { model: "m-1", tokensIn: 10, tokensOut: 2, cost: 0.01 } },
    ]);
    expect(first).toMatchObject({ accepted: 3, duplicates: 0 });
    // A re-sent batch (all duplicates), and one with a new event, an old one and the new one twice.
    expect(await send([{ id: ids[0], type: "tool.denied", profile: p1, attributes: { tool: "shell", reason: "not allowed" } }])).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    const late = eventId();
    const lateAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const mixed = await send([
      { id: late, type: "egress.denied", profile: p2, occurredAt: lateAt, attributes: { destination: "x.example:443", reason: "not allowed" } },
      { id: ids[1], type: "health.heartbeat", profile: p1, attributes: { status: "healthy" } },
    ]);
    expect(mixed).toMatchObject({ accepted: 1, duplicates: 1 });
    await expectCountersEqualRaw();

    for (const topic of ["job.bridge.read.ticket", "job.bridge.write.update_ticket", "job.bridge.read.ticket"]) {
      const res = await submitJob(toRequest(signedCall("POST", "http://console.test/api/v1/jobs", host, JSON.stringify(jobBody(host, { topic })))));
      expect(res.status).toBeLessThan(300);
    }
    const truth = await expectCountersEqualRaw();
    expect(Object.values(truth.decisions).reduce((a, b) => a + b, 0)).toBe(3);

    // The ORM, an update of an event's type, and a profile deleted with its events.
    const other = await database.prisma.profile.findUniqueOrThrow({ where: { slug: host.unboundProfile } });
    const batchRow = await database.prisma.ingestBatch.create({
      data: { id: randomSlug("batch"), hostId: host.hostId, keyId: host.keyId, batchHash: "sha256:x", accepted: 2, duplicates: 5, receiptId: randomSlug("rcpt") },
    });
    await database.prisma.ingestEvent.createMany({
      data: ["x-custom", "tool.denied"].map((type, i) => ({
        hostId: host.hostId, eventId: `orm-${i}-${randomSlug("e")}`, batchId: batchRow.id, tenantId: other.tenantId, profileId: other.id, type, occurredAt: new Date(), attributes: {},
      })),
    });
    await expectCountersEqualRaw();
    await database.sql.query(`UPDATE "IngestEvent" SET type = 'x-renamed' WHERE type = 'x-custom'`);
    await database.sql.query(`UPDATE "IngestBatch" SET duplicates = duplicates + 1 WHERE id = $1`, [batchRow.id]);
    await expectCountersEqualRaw();
    await database.prisma.profile.delete({ where: { id: other.id } });
    const after = await expectCountersEqualRaw();
    expect(after.events["x-renamed"]).toBeUndefined();
  });

  it("add up over concurrent ingest from several connections", async () => {
    const before = await raw();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send(Array.from({ length: 5 }, (_, j) => ({ id: eventId(), type: j % 2 ? "tool.allowed" : "tool.denied", profile: host.profiles[i % 2], attributes: { tool: `t-${j}` } }))),
      ),
    );
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(60);
    const truth = await expectCountersEqualRaw();
    expect(truth.batches).toBe(before.batches + 12);
    if (backend === "postgresql") {
      // Several backends wrote, so the batch total is spread over several shards (and still adds up).
      const [shards] = await database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "MetricCounter" WHERE name = 'ingest_batches'`);
      expect(shards!.n).toBeGreaterThan(1);
    }
  });
});
