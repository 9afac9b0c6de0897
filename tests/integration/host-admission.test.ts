/**
 * Load shedding through real HTTP against the BUILT console on PostgreSQL:
 * with CELLGATE_MAX_IN_FLIGHT=2 and no queue budget, a burst of signed ingest
 * batches is partly answered 503 overloaded (problem+json, Retry-After)
 * without anything of those batches stored; every 202 is stored; the shed
 * batches, sent again (new signature, same events), are accepted; and
 * /api/metrics counts what this process shed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { batch, createTestHost, eventId, signedPost, type TestHost } from "../support/signed-client";

const METRICS_TOKEN = "admission-metrics-token-0123456789";
let database: TestDatabase;
let app: (AppProcess & { logDir: string }) | undefined;
let host: TestHost;

beforeAll(async () => {
  database = await createTestDatabase("postgresql");
  host = await createTestHost(database.prisma, { ratePerMinute: 10_000 });
  app = await startTestApp({
    databaseUrl: database.url,
    env: { CELLGATE_MAX_IN_FLIGHT: "2", CELLGATE_QUEUE_BUDGET_MS: "0", CELLGATE_METRICS_TOKEN: METRICS_TOKEN },
  });
}, 180_000);
afterAll(async () => {
  await stopTestApp(app);
  await database?.close();
});

describe("host request admission (PostgreSQL, built console)", () => {
  it("sheds a burst beyond the in-flight limit with 503 + Retry-After, stores exactly what it acknowledged, and accepts the shed batches again", async () => {
    const url = `${app!.url}/api/v1/ingest`;
    const [profile] = host.profiles;
    const bodies = Array.from({ length: 40 }, () =>
      batch(Array.from({ length: 40 }, () => ({ id: eventId(), type: "tool.allowed", profile, attributes: { tool: "read_ticket", note: "x".repeat(200) } }))),
    );
    const answers = await Promise.all(bodies.map(async (body) => {
      const res = await signedPost({ url, body, host });
      return {
        body, status: res.status, retryAfter: res.headers.get("retry-after"), type: res.headers.get("content-type"),
        encoding: res.headers.get("content-encoding"), cacheControl: res.headers.get("cache-control"), json: await res.json(),
      };
    }));
    const accepted = answers.filter((a) => a.status === 202);
    const shed = answers.filter((a) => a.status === 503);
    expect(accepted.length + shed.length).toBe(bodies.length);
    // Host answers are never gzipped by the server (fetch asked for gzip): small, and signed over their bytes.
    for (const a of answers) expect([a.encoding, a.cacheControl]).toEqual([null, "no-store, no-transform"]);
    expect(accepted.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const a of shed) {
      expect(a.retryAfter).toBe("1");
      expect(a.type).toContain("application/problem+json");
      expect(a.json).toMatchObject({ type: "tag:cellgate,2026:problem/overloaded", status: 503, detail: expect.stringMatching(/at its limit \(2 host requests in flight, 0 ms of waiting\); nothing was read or stored/) });
    }
    // Exactly the acknowledged batches are stored: nothing of a shed one.
    expect(await database.prisma.ingestBatch.count({ where: { hostId: host.hostId } })).toBe(accepted.length);
    expect(await database.prisma.ingestEvent.count({ where: { hostId: host.hostId } })).toBe(accepted.length * 40);

    // This process's metrics count the shed requests.
    const scrape = await fetch(`${app!.url}/api/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await scrape.text();
    expect(text).toContain("cellgate_host_requests_in_flight_limit 2");
    expect(Number(/^cellgate_host_requests_shed_total (\d+)$/m.exec(text)?.[1])).toBe(shed.length);

    // The host retries what was shed, one at a time: all accepted, nothing twice.
    for (const a of shed) expect((await signedPost({ url, body: a.body, host })).status).toBe(202);
    expect(await database.prisma.ingestEvent.count({ where: { hostId: host.hostId } })).toBe(bodies.length * 40);
  }, 120_000);
});
