/**
 * Webhooks from the BUILT console (PostgreSQL): a pending job submitted over
 * signed HTTP is announced after the commit, signed per Standard Webhooks;
 * a 500 is retried by the app's own periodic tick (nobody calls deliverDue
 * here); a receiver that never answers does not hold up later submissions.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, waitForStatus, type AppProcess } from "../../e2e/support/app-server";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { createJobsHost, jobBody, send, signedCall, type JobsHost } from "./jobs-support";
import { eventually, startReceiver, standardWebhooksValid, type Receiver } from "./webhooks-receiver";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;

describe("webhooks from the running console", () => {
  let database: TestDatabase;
  let host: JobsHost;
  let receiver: Receiver;
  let app: AppProcess;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-webhooks-http-"));

  beforeAll(async () => {
    receiver = await startReceiver();
    database = await createTestDatabase("postgresql");
    host = await createJobsHost(database.prisma);
    const env: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("CELLGATE_") && !k.startsWith("NEXTAUTH_") && k !== "DATABASE_URL") env[k] = v;
    Object.assign(env, {
      DATABASE_URL: database.url,
      CELLGATE_DATA_DIR: path.join(dir, "data"),
      NEXTAUTH_SECRET: "integration-test-secret-0123456789",
      NEXTAUTH_URL: "http://console.example.test",
      CELLGATE_WEBHOOK_URL: receiver.url,
      CELLGATE_WEBHOOK_SECRET: `env:CG_TEST_WEBHOOK_SECRET`,
      CG_TEST_WEBHOOK_SECRET: SECRET,
    });
    app = startApp({ port: await freePort(), logFile: path.join(dir, "app.log"), env });
    await waitForStatus(app, "/api/health", { timeoutMs: 120_000 });
  }, 240_000);
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
    await database?.close();
    if (process.env.KEEP_APP_LOGS) console.log(`app log kept: ${dir}/app.log`);
    else fs.rmSync(dir, { recursive: true, force: true });
  });

  const submit = (topic: string) => send(signedCall("POST", `${app.url}/api/v1/jobs`, host, JSON.stringify(jobBody(host, { topic }))));

  it("announces a pending job, signed; a 500 is retried by the app's tick with the same webhook-id", { timeout: 60_000 }, async () => {
    receiver.script(500);
    const res = await submit("job.bridge.write.update_ticket");
    expect(res.status).toBe(201);
    const job = await res.json();
    await receiver.waitFor(2, 45_000); // the failed attempt, then the retry after the 5 s backoff
    const [first, second] = receiver.received;
    expect(first!.headers["webhook-id"]).toBe(second!.headers["webhook-id"]);
    expect(standardWebhooksValid(SECRET, first!) && standardWebhooksValid(SECRET, second!)).toBe(true);
    expect(JSON.parse(second!.body)).toMatchObject({ type: "job.pending_approval", data: { jobId: job.id, jobHash: job.jobHash, link: `http://console.example.test/approvals/${job.id}` } });
    const row = await eventually(async () => {
      const rows = await database.sql.query<{ status: string; attempts: number }>(`SELECT "status", "attempts" FROM "WebhookDelivery" WHERE "id" = $1`, [first!.headers["webhook-id"]]);
      return rows[0]?.status === "delivered" ? rows[0] : undefined;
    });
    expect(row.attempts).toBe(2);
  });

  it("keeps answering submissions while the receiver never answers", { timeout: 60_000 }, async () => {
    const before = receiver.received.length;
    receiver.script("hang", "hang", "hang");
    const first = await submit("job.bridge.write.a");
    await receiver.waitFor(before + 1);
    expect(receiver.open()).toBe(1);
    const statuses = [];
    for (const topic of ["job.bridge.write.b", "job.bridge.read.c", "job.bridge.write.d"]) statuses.push((await submit(topic)).status);
    expect([first.status, ...statuses]).toEqual([201, 201, 201, 201]);
    expect(receiver.open()).toBeGreaterThanOrEqual(1); // still held: the answers above did not wait for it
    receiver.release();
  });
});
