/**
 * Webhooks for new pending jobs, on both backends, with a real local HTTP
 * receiver: signed per Standard Webhooks, Slack-compatible, retried after a
 * failure with backoff until delivered or given up, never holding up or
 * failing the submission, and claimed once when several deliverers run.
 */
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/jobs/route";
import { setDatabase } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { BACKOFF_SEC, deliverDue, enqueueWebhook, MAX_ATTEMPTS } from "@/lib/server/webhooks/outbox";
import { verifyWebhook } from "@/lib/server/webhooks/sign";
import { stopWebhookTicker } from "@/lib/server/webhooks/ticker";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createJobsHost, jobBody, signedCall, toRequest, type JobsHost } from "./jobs-support";
import { eventually, startReceiver, standardWebhooksValid, type Receiver } from "./webhooks-receiver";

const BASE = "http://console.test/api/v1/jobs";
const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
}

describe.each(BACKENDS)("webhooks (%s)", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    process.env.CELLGATE_WEBHOOK_URL = receiver.url;
    process.env.CELLGATE_WEBHOOK_SECRET = SECRET;
    process.env.NEXTAUTH_URL = "https://console.example.test";
    resetEnvCache();
    database = await createTestDatabase(backend);
    setDatabase(database);
    host = await createJobsHost(database.prisma);
  });
  afterEach(() => {
    stopWebhookTicker();
    receiver.release();
    receiver.script();
  });
  afterAll(async () => {
    stopWebhookTicker();
    setDatabase(undefined);
    delete process.env.CELLGATE_WEBHOOK_URL;
    delete process.env.CELLGATE_WEBHOOK_SECRET;
    delete process.env.NEXTAUTH_URL;
    resetEnvCache();
    await receiver.close();
    await database.close();
  });

  async function submitPending(): Promise<{ id: string; jobHash: string }> {
    const res = await POST(toRequest(signedCall("POST", BASE, host, JSON.stringify(jobBody(host, { topic: "job.bridge.write.update_ticket", labels: { requester: "someone@example.test" } })))));
    stopWebhookTicker(); // the tests drive retries themselves
    expect(res.status).toBe(201);
    return res.json();
  }

  const delivery = async (jobId: string) =>
    (await database.sql.query<DeliveryRow>(`SELECT "id", "status", "attempts", "lastError", "nextAttemptAt" FROM "WebhookDelivery" WHERE "payload"->'data'->>'jobId' = $1`, [jobId]))[0];

  it("announces a new pending job once, signed per Standard Webhooks, as a Slack-compatible message", async () => {
    const before = receiver.received.length;
    const allowed = await POST(toRequest(signedCall("POST", BASE, host, JSON.stringify(jobBody(host)))));
    expect((await allowed.json()).status).toBe("ALLOWED");
    const job = await submitPending();
    await receiver.waitFor(before + 1);
    const got = receiver.received[before]!;
    expect(got.headers["content-type"]).toBe("application/json");
    expect(standardWebhooksValid(SECRET, got)).toBe(true);
    expect(verifyWebhook(SECRET, new Headers(got.headers as Record<string, string>), got.body, new Date())).toBe(true);
    expect(standardWebhooksValid(`whsec_${randomBytes(24).toString("base64")}`, got)).toBe(false);
    expect(verifyWebhook(SECRET, new Headers(got.headers as Record<string, string>), got.body.replace("write", "read"), new Date())).toBe(false);
    const message = JSON.parse(got.body);
    expect(message).toMatchObject({
      type: "job.pending_approval",
      text: expect.stringContaining("job.bridge.write.update_ticket"),
      data: { jobId: job.id, jobHash: job.jobHash, requester: "someone@example.test", approvalsNeeded: 1, link: `https://console.example.test/approvals/${job.id}` },
    });
    expect(message.blocks.length).toBeGreaterThan(2);
    const row = await eventually(async () => {
      const r = await delivery(job.id);
      return r?.status === "delivered" ? r : undefined;
    });
    expect(row).toMatchObject({ attempts: 1, lastError: null });
    expect(got.headers["webhook-id"]).toBe(row.id);
    expect(receiver.received.length).toBe(before + 1); // only the pending job was announced
  });

  it("retries after a 500 with backoff, same webhook-id, until delivered", async () => {
    receiver.script(500);
    const before = receiver.received.length;
    const job = await submitPending();
    const failed = await eventually(async () => {
      const r = await delivery(job.id);
      return r?.lastError ? r : undefined;
    });
    expect(failed).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 500" });
    expect(await deliverDue(database.sql, { now: new Date(failed.nextAttemptAt.getTime() - 1000) })).toEqual([]); // not due yet

    const results = await deliverDue(database.sql, { now: new Date(failed.nextAttemptAt) });
    expect(results).toEqual([expect.objectContaining({ id: failed.id, attempt: 2, ok: true, status: "delivered" })]);
    expect(receiver.received.length).toBe(before + 2);
    const [first, second] = receiver.received.slice(before);
    expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"]);
    expect(standardWebhooksValid(SECRET, first!) && standardWebhooksValid(SECRET, second!)).toBe(true);
    expect(await delivery(job.id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("gives up after MAX_ATTEMPTS failures, waiting longer each time", async () => {
    const id = await enqueueWebhook(database.sql, { event: "test", url: receiver.url, payload: { text: "hello" }, now: new Date() });
    receiver.script(...Array.from({ length: MAX_ATTEMPTS }, () => 502));
    let now = new Date();
    const waits: number[] = [];
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      const [result] = (await deliverDue(database.sql, { now })).filter((r) => r.id === id);
      expect(result).toMatchObject({ attempt: i, ok: false, status: i === MAX_ATTEMPTS ? "failed" : "pending" });
      const row = (await database.sql.query<DeliveryRow>(`SELECT "nextAttemptAt" FROM "WebhookDelivery" WHERE "id" = $1`, [id]))[0]!;
      waits.push((new Date(row.nextAttemptAt).getTime() - now.getTime()) / 1000);
      now = new Date(row.nextAttemptAt);
    }
    expect(waits.slice(0, -1)).toEqual(BACKOFF_SEC.slice(0, -1));
    expect(await deliverDue(database.sql, { now: new Date(now.getTime() + 86_400_000) })).toEqual([]);
  });

  it("a dead endpoint neither holds up nor fails the submission", async () => {
    receiver.script("hang");
    const job = await submitPending(); // answered while the receiver holds the delivery open
    await eventually(async () => (receiver.open() === 1 ? true : undefined));
    expect(await database.prisma.job.count({ where: { id: job.id, status: "PENDING_APPROVAL" } })).toBe(1);
    expect(await delivery(job.id)).toMatchObject({ status: "pending", attempts: 1 });
    receiver.release();
    await eventually(async () => ((await delivery(job.id))?.lastError === "HTTP 503" ? true : undefined));

    // nobody listening at all
    process.env.CELLGATE_WEBHOOK_URL = "http://127.0.0.1:9/nobody";
    resetEnvCache();
    try {
      const refused = await submitPending();
      const row = await eventually(async () => {
        const r = await delivery(refused.id);
        return r?.lastError ? r : undefined;
      });
      expect(row).toMatchObject({ status: "pending", attempts: 1 });
      expect(row.lastError).toMatch(/ECONNREFUSED|fetch failed/);
    } finally {
      process.env.CELLGATE_WEBHOOK_URL = receiver.url;
      resetEnvCache();
    }
  });

  it("two deliverers running at once attempt each message exactly once", async () => {
    const now = new Date(Date.now() + 10 * 86_400_000); // after every earlier row's backoff: those are due too
    const pendingBefore = (await database.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE "status" = 'pending'`))[0]!.n;
    for (let i = 0; i < 6; i++) await enqueueWebhook(database.sql, { event: "test", url: receiver.url, payload: { text: `m${i}` }, now: new Date() });
    const [a, b] = await Promise.all([deliverDue(database.sql, { now, limit: 4 }), deliverDue(database.sql, { now, limit: 4 })]);
    const again = await deliverDue(database.sql, { now, limit: 20 });
    const ids = [...a, ...b, ...again].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(pendingBefore + 6);
  });
});
