/**
 * SIEM export to a webhook, on both backends, against a real local HTTP
 * receiver that checks the Standard Webhooks signature: every entry arrives
 * in order with its chain fields; the cursor survives a restart with no gap
 * and re-sends only a batch that was not acknowledged; a refusing or hung
 * sink keeps every entry, never holds up writers, backs off, and catches up;
 * one deliverer per sink at a time; /api/metrics shows lag and failures.
 * Time is passed in (`now`), never waited for.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { OcsfEvent } from "@/lib/domain/siem/ocsf";
import { openDatabase, type Database } from "@/lib/db";
import { collectMetrics } from "@/lib/server/metrics/collect";
import { backoffMs, deliverBatch, drainSink, ensureCursor, LEASE_MS, readSiemCursors } from "@/lib/server/siem/deliver";
import { webhookSink } from "@/lib/server/siem/sinks";
import { startSiemExport, stopSiemExport } from "@/lib/server/siem/ticker";
import { resetEnvCache } from "@/lib/env";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { expectWholeChain, headSeq, seqs, writeEntries } from "./siem-support";
import { eventually, startReceiver, standardWebhooksValid, type Receiver } from "./webhooks-receiver";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

interface Delivery {
  type: string;
  data: { first: number; last: number; events: OcsfEvent[] };
}

describe.each(BACKENDS)("SIEM export to a webhook (%s)", (backend) => {
  let database: TestDatabase;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  beforeEach(async () => {
    receiver.script();
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await receiver.close();
  });

  const deliveries = (from = 0) => receiver.received.slice(from).map((r) => JSON.parse(r.body) as Delivery);
  const events = (from = 0) => deliveries(from).flatMap((d) => d.data.events);
  const cursor = async (db: Pick<Database, "sql"> = database) => (await readSiemCursors(db.sql)).find((c) => c.sink === "webhook")!;

  it("delivers every entry in seq order, in signed batches, with seq, hash, prevHash and the receipt id", async () => {
    const from = receiver.received.length;
    const receipts = await writeEntries(database, 25);
    const sink = webhookSink(receiver.url, SECRET);
    await ensureCursor(database.sql, sink);
    const outcomes = await drainSink(database.sql, sink, { batch: 10 });
    expect(outcomes.map((o) => o.status)).toEqual(["delivered", "delivered", "delivered", "idle"]);
    const got = receiver.received.slice(from);
    expect(got).toHaveLength(3);
    for (const r of got) {
      expect(standardWebhooksValid(SECRET, r)).toBe(true);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    expect(deliveries(from).map((d) => [d.type, d.data.first, d.data.last])).toEqual([
      ["cellgate.audit.ocsf", 1, 10],
      ["cellgate.audit.ocsf", 11, 20],
      ["cellgate.audit.ocsf", 21, 25],
    ]);
    expect(seqs(events(from))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expectWholeChain(events(from), await headSeq(database));
    expect(events(from).map((e) => e.unmapped.receipt).filter(Boolean)).toEqual(receipts);
    expect(new Set(events(from).map((e) => e.class_uid))).toEqual(new Set([6003, 3002]));
    const c = await cursor();
    expect([c.seq, c.behind, c.delivered, c.failures, c.lastError]).toEqual([25, 0, 25, 0, null]);
    await database.close();
  });

  it("a refusing sink keeps the entries while writes go on, backs off, then catches up with no gap; metrics show lag and failures", async () => {
    const from = receiver.received.length;
    await writeEntries(database, 5);
    const sink = webhookSink(receiver.url, SECRET);
    await ensureCursor(database.sql, sink);
    const t0 = new Date();
    expect(await deliverBatch(database.sql, sink, { now: t0, batch: 10 })).toMatchObject({ status: "delivered" });

    receiver.script(503);
    await writeEntries(database, 4);
    const failed = await deliverBatch(database.sql, sink, { now: t0, batch: 10 });
    expect(failed).toMatchObject({ status: "failed", error: "HTTP 503" });
    // Writers go on while the sink refuses.
    await writeEntries(database, 3);
    let c = await cursor();
    expect([c.seq, c.head, c.behind, c.failures, c.consecutiveFailures, c.lastError]).toEqual([5, 12, 7, 1, 1, "HTTP 503"]);
    const metrics = await collectMetrics(database, new Date(t0.getTime() + 60_000));
    const sample = (name: string) => metrics.find((f) => f.name === name)!.samples.find((s) => s.labels?.sink === "webhook")!.value;
    expect(sample("cellgate_siem_entries_behind")).toBe(7);
    expect(sample("cellgate_siem_failures_total")).toBe(1);
    expect(sample("cellgate_siem_delivered_total")).toBe(5);
    expect(sample("cellgate_siem_seconds_behind")).toBeGreaterThan(0);

    // Backing off: not attempted again before the back-off has passed (the clock is passed in).
    expect((await deliverBatch(database.sql, sink, { now: t0, batch: 10 })).status).toBe("waiting");
    receiver.script(500);
    const t1 = new Date(t0.getTime() + backoffMs(1));
    expect(await deliverBatch(database.sql, sink, { now: t1, batch: 10 })).toMatchObject({ status: "failed", error: "HTTP 500" });
    c = await cursor();
    expect([c.consecutiveFailures, c.nextAttemptAt.getTime()]).toEqual([2, t1.getTime() + backoffMs(2)]);
    expect(backoffMs(2)).toBe(2 * backoffMs(1));

    const t2 = new Date(t1.getTime() + backoffMs(2));
    const outcomes = await drainSink(database.sql, sink, { now: t2, batch: 10 });
    expect(outcomes.map((o) => o.status)).toEqual(["delivered", "idle"]);
    // 5, then the refused 4 twice (not acknowledged, nothing accepted), then 7 in one batch.
    const accepted = deliveries(from).filter((_, i) => i === 0 || i === 3).flatMap((d) => d.data.events);
    expect(seqs(accepted)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expectWholeChain(events(from), 12);
    c = await cursor();
    expect([c.seq, c.behind, c.delivered, c.failures, c.consecutiveFailures, c.secondsBehind]).toEqual([12, 0, 12, 2, 0, 0]);
    expect(c.lastError).toBe("HTTP 500"); // kept, with its time, for the admin page
    await database.close();
  });

  it("a hung sink never holds up writers; a restart resumes from the cursor, re-sending only the batch that was not acknowledged", async () => {
    const from = receiver.received.length;
    await writeEntries(database, 6);
    const sink = webhookSink(receiver.url, SECRET, { timeoutMs: 60_000 });
    await ensureCursor(database.sql, sink);
    const t0 = new Date();
    expect(await deliverBatch(database.sql, sink, { now: t0, batch: 4, owner: "replica-a" })).toMatchObject({ status: "delivered", first: 1, last: 4 });

    // Replica A sends 5..6; the receiver takes the request and never answers.
    receiver.script("hang");
    const hung = deliverBatch(database.sql, sink, { now: t0, batch: 4, owner: "replica-a" });
    while (receiver.open() === 0) await new Promise((r) => setTimeout(r, 10));
    // Meanwhile decisions are recorded and sealed as usual.
    await writeEntries(database, 3);
    expect(await headSeq(database)).toBe(9);
    // A second deliverer finds the lease held: one at a time per sink.
    expect((await deliverBatch(database.sql, sink, { now: t0, batch: 4, owner: "replica-b" })).status).toBe("busy");

    // "Restart": A is gone; after its lease runs out, a fresh process (new connection on PostgreSQL) picks up from the cursor.
    const reopened: Database = backend === "postgresql" ? await openDatabase({ url: database.url!, poolSize: 2 }) : database;
    const restarted = webhookSink(receiver.url, SECRET);
    const later = new Date(t0.getTime() + LEASE_MS + 1);
    expect((await cursor(reopened)).seq).toBe(4);
    const outcomes = await drainSink(reopened.sql, restarted, { now: later, batch: 4, owner: "replica-b" });
    expect(outcomes.map((o) => o.status)).toEqual(["delivered", "delivered", "idle"]);

    // A's request is finally answered (503): its outcome no longer touches the cursor B moved.
    receiver.release();
    expect((await hung).status).toBe("failed");
    const c = await cursor(reopened);
    expect([c.seq, c.failures, c.delivered]).toEqual([9, 0, 4 + 4 + 1]);
    // Entries 5 and 6 arrived twice (A's unacknowledged batch, then B's); nothing else twice, nothing missing.
    expect(seqs(events(from))).toEqual([1, 2, 3, 4, 5, 6, 5, 6, 7, 8, 9]);
    expectWholeChain(events(from), 9);
    if (reopened !== database) await reopened.close();
    await database.close();
  });

  it("four deliverers racing on one sink (replicas): one batch at a time, every entry exactly once when every batch is acknowledged", async () => {
    const from = receiver.received.length;
    await writeEntries(database, 30);
    const sink = webhookSink(receiver.url, SECRET);
    await ensureCursor(database.sql, sink);
    const runs = await Promise.all(
      ["r1", "r2", "r3", "r4"].map(async (owner) => {
        const outcomes = [];
        // Each keeps trying until the sink is caught up, as each replica's tick would.
        for (let i = 0; i < 5_000; i++) {
          const o = await deliverBatch(database.sql, sink, { batch: 4, owner });
          outcomes.push(o.status);
          if (o.status === "idle") break;
          if (o.status === "busy") await new Promise((r) => setTimeout(r, 2)); // as a tick would come back later
        }
        return outcomes;
      }),
    );
    expect(runs.every((r) => r[r.length - 1] === "idle")).toBe(true);
    expect(runs.flat().filter((s) => s === "delivered")).toHaveLength(8);
    expect(runs.flat().filter((s) => s === "failed" || s === "lease-lost")).toEqual([]);
    expect(seqs(events(from))).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expectWholeChain(events(from), 30);
    expect((await cursor()).delivered).toBe(30);
    await database.close();
  });

  it("a sink that is down (connection refused) records the failure and loses nothing", async () => {
    await writeEntries(database, 3);
    const down = webhookSink("http://127.0.0.1:9/refused", SECRET);
    await ensureCursor(database.sql, down);
    const outcome = await deliverBatch(database.sql, down, { batch: 10 });
    expect(outcome.status).toBe("failed");
    expect((outcome as { error: string }).error).toMatch(/ECONNREFUSED|fetch failed/);
    const c = await cursor();
    expect([c.seq, c.behind, c.failures]).toEqual([0, 3, 1]);
    await database.close();
  });

  it("the background loop, started from the environment as instrumentation.ts starts it, delivers what writers append", async () => {
    const from = receiver.received.length;
    process.env.CELLGATE_SIEM_WEBHOOK_URL = receiver.url;
    process.env.CELLGATE_SIEM_WEBHOOK_SECRET = SECRET;
    process.env.CELLGATE_SIEM_TICK_MS = "50";
    process.env.CELLGATE_SIEM_BATCH = "3";
    resetEnvCache();
    try {
      startSiemExport(() => Promise.resolve(database));
      await writeEntries(database, 4);
      await writeEntries(database, 3);
      // Waits (bounded) for the loop; the assertions are on what arrived, not on how fast.
      await eventually(async () => ((await cursor())?.seq === 7 ? true : undefined));
    } finally {
      await stopSiemExport();
      for (const v of ["CELLGATE_SIEM_WEBHOOK_URL", "CELLGATE_SIEM_WEBHOOK_SECRET", "CELLGATE_SIEM_TICK_MS", "CELLGATE_SIEM_BATCH"]) delete process.env[v];
      resetEnvCache();
    }
    for (const r of receiver.received.slice(from)) expect(standardWebhooksValid(SECRET, r)).toBe(true);
    expect(seqs(events(from))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expectWholeChain(events(from), 7);
    expect((await cursor()).target).toBe(receiver.url);
    await database.close();
  });
});
