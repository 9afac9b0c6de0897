/**
 * The jobs API over real signed HTTP against the BUILT console: two app
 * processes sharing one PostgreSQL database (a job submitted at one is read
 * at the other; a THROTTLE rule's limit holds across both), expiry without a
 * sweeper, fail closed, and `cellgate agent job` as a real child process.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJob, ZJobBody } from "@/lib/domain/jobs";
import { startTestApp, stopTestApp, type AppProcess } from "../support/app-process";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { createJobsHost, insertPolicy, jobBody, send, signedCall, type JobsHost } from "./jobs-support";
import { eventually } from "./webhooks-receiver";

type App = AppProcess & { logDir: string };
const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin/cellgate.mjs");
const exec = promisify(execFile);

describe("jobs API over signed HTTP, two app processes on one PostgreSQL", () => {
  let database: TestDatabase;
  let host: JobsHost;
  let a: App;
  let b: App;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-jobs-http-"));
  const keyFile = path.join(dir, "host.pem");

  beforeAll(async () => {
    database = await createTestDatabase("postgresql");
    host = await createJobsHost(database.prisma);
    fs.writeFileSync(keyFile, host.privateKey.export({ format: "pem", type: "pkcs8" }), { mode: 0o600 });
    [a, b] = await Promise.all([startTestApp({ databaseUrl: database.url }), startTestApp({ databaseUrl: database.url })]);
  }, 240_000);
  afterAll(async () => {
    await Promise.all([stopTestApp(a), stopTestApp(b)]);
    await database?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const submit = (app: App, body: unknown, as: JobsHost = host) => send(signedCall("POST", `${app.url}/api/v1/jobs`, as, JSON.stringify(body)));
  const read = (app: App, id: string, as: JobsHost = host) => send(signedCall("GET", `${app.url}/api/v1/jobs/${id}`, as));

  it("submits at one process and reads at the other; the answered jobHash is the RFC 8785 hash of the body", async () => {
    const body = jobBody(host, { topic: "job.bridge.write.update_ticket", labels: { ticket: "T-9", requester: "nobody@example.test" }, payload: { z: 1, a: [3, "x"], "é": null } });
    const res = await submit(a, body);
    expect(res.status).toBe(201);
    const job = await res.json();
    expect(job.jobHash).toBe(canonicalJob(ZJobBody.parse(body)).jobHash);
    expect(job).toMatchObject({ status: "PENDING_APPROVAL", decision: { decision: "REQUIRE_APPROVAL", inputHash: job.jobHash } });
    const seen = await read(b, job.id);
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ id: job.id, status: "PENDING_APPROVAL", jobHash: job.jobHash, decision: job.decision });
    const stored = await database.prisma.policyDecision.findUniqueOrThrow({ where: { id: job.decision.id } });
    expect(stored).toMatchObject({ jobId: job.id, decision: "REQUIRE_APPROVAL", inputHash: job.jobHash });

    const statuses = await Promise.all([
      submit(b, jobBody(host)).then((r) => r.json()),
      submit(a, jobBody(host, { riskTags: ["destructive"] })).then((r) => r.json()),
    ]);
    expect(statuses.map((j) => j.status)).toEqual(["ALLOWED", "DENIED"]);
  });

  it("refuses over HTTP: 400 naming fields, 403 unbound profile, 401 bad signature, 404 unknown job", async () => {
    const bad = await submit(a, { ...jobBody(host), topic: "NOPE" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([expect.objectContaining({ field: "topic" })]);
    expect((await submit(a, jobBody(host, { profile: host.unboundProfile }))).status).toBe(403);
    const call = signedCall("POST", `${a.url}/api/v1/jobs`, host, JSON.stringify(jobBody(host)));
    const tampered = await send({ ...call, body: call.body!.replace("read", "write") });
    expect(tampered.status).toBe(401);
    expect((await read(b, "job_nosuchjob0000000")).status).toBe(404);
  });

  it("holds a THROTTLE limit across both processes (concurrent submissions): exactly `limit` allowed", async () => {
    const profile = host.profiles[1]!;
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => submit(i % 2 === 0 ? a : b, jobBody(host, { profile, topic: "job.bridge.burst.ping" })).then(async (r) => ({ status: r.status, retry: r.headers.get("retry-after"), job: await r.json() }))),
    );
    expect(answers.every((x) => x.status === 201)).toBe(true);
    const statuses = answers.map((x) => x.job.status).sort();
    expect(statuses).toEqual(["ALLOWED", "ALLOWED", "ALLOWED", "THROTTLED", "THROTTLED", "THROTTLED", "THROTTLED", "THROTTLED"]);
    expect(answers.filter((x) => x.job.status === "THROTTLED").every((x) => Number(x.retry) > 0)).toBe(true);
  });

  it("answers EXPIRED for a pending job past its expiry, with no sweeper, and stores it", async () => {
    const job = await (await submit(a, jobBody(host, { topic: "job.bridge.write.late" }))).json();
    await database.prisma.job.updateMany({ where: { id: job.id }, data: { expiresAt: new Date(Date.now() - 5000) } });
    expect((await (await read(b, job.id)).json()).status).toBe("EXPIRED");
    expect(await database.prisma.job.count({ where: { id: job.id, status: "EXPIRED" } })).toBe(1);
    expect(await database.prisma.auditEntry.count({ where: { action: "job.expired", resource: `job:${job.id}` } })).toBe(1);
  });

  it("denies everything for a tenant whose policy cannot be parsed (fail closed)", async () => {
    const other = await createJobsHost(database.prisma);
    await insertPolicy(database.prisma, { level: "tenant", scopeKey: `tenant:${other.tenantId}`, tenantId: other.tenantId, source: "level: tenant\nrules: {" });
    const job = await (await submit(b, jobBody(other), other)).json();
    expect(job).toMatchObject({ status: "DENIED", decision: { ruleIds: ["policy:unavailable"] } });
  });

  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd: ROOT });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }
  const agent = (app: App, ...rest: string[]) => ["agent", "job", "--url", app.url, "--key", keyFile, "--key-id", host.keyId, "--profile", host.profiles[0]!, ...rest];

  it("cellgate agent job: ALLOWED exits 0, DENIED exits 1 with the reason, the tenant found from directives", async () => {
    const allowed = await cli(agent(a, "--topic", "job.bridge.read.ticket", "--label", "ticket=T-2", "--payload", '{"q":"x"}'));
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/status:\s+ALLOWED/);
    expect(allowed.stdout).toContain("(matches the job sent)");
    const denied = await cli(agent(b, "--tenant", host.tenantSlug, "--topic", "job.bridge.read.ticket", "--risk-tag", "destructive"));
    expect(denied.code).toBe(1);
    expect(denied.stdout).toMatch(/status:\s+DENIED/);
    expect(denied.stderr).toContain("destructive jobs never run");
    const pendingNoWait = await cli(agent(a, "--topic", "job.bridge.write.x", "--wait", "0"));
    expect(pendingNoWait.code).toBe(1);
    expect(pendingNoWait.stderr).toContain("still PENDING_APPROVAL");
  });

  it("cellgate agent job waits for a pending job and exits 0 once it is approved", async () => {
    const topic = `job.bridge.write.wait_${Date.now()}`;
    const child = spawn(process.execPath, [BIN, ...agent(b, "--topic", topic, "--wait", "120")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const job = await eventually(async () => (await database.prisma.job.findFirst({ where: { topic }, select: { id: true } })) ?? undefined, 60_000);
    // an approver's vote (lib/server/approvals) would do this; here the row is updated directly
    await database.prisma.job.updateMany({ where: { id: job.id, status: "PENDING_APPROVAL" }, data: { status: "APPROVED", resolvedAt: new Date() } });
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/status:\s+APPROVED/);
  });
});
