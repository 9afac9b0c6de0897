/**
 * The jobs API through its real route handlers (hostRoute gate included) on
 * both backends: every status, the stored decision record, the job hash,
 * refusals, fail-closed policy, reads scoped to the host, expiry on read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/v1/jobs/route";
import { GET } from "@/app/api/v1/jobs/[id]/route";
import { setDatabase } from "@/lib/db";
import { canonicalJob, ZJobBody } from "@/lib/domain/jobs";
import { resetEnvCache } from "@/lib/env";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createJobsHost, insertPolicy, jobBody, signedCall, toRequest, type JobsHost } from "./jobs-support";

const BASE = "http://console.test/api/v1/jobs";

describe.each(BACKENDS)("jobs API (%s)", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;

  beforeAll(async () => {
    delete process.env.CELLGATE_WEBHOOK_URL;
    resetEnvCache();
    database = await createTestDatabase(backend);
    setDatabase(database);
    host = await createJobsHost(database.prisma);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database.close();
  });

  const submit = (body: unknown, as: JobsHost = host) => POST(toRequest(signedCall("POST", BASE, as, JSON.stringify(body))));
  const read = (id: string, as: JobsHost = host) => GET(toRequest(signedCall("GET", `${BASE}/${id}`, as)));
  /** The stored row (requesterIds read as text: Prisma cannot read uuid[] through the PGlite adapter). */
  async function storedJob(id: string) {
    const { requesterIds: _skip, ...fields } = Object.fromEntries(Object.keys(database.prisma.job.fields).map((k) => [k, true])) as Record<string, true>;
    const row = await database.prisma.job.findUniqueOrThrow({ where: { id }, select: fields });
    const ids = await database.sql.query<{ ids: string[] }>(`SELECT "requesterIds"::text[] AS "ids" FROM "Job" WHERE "id" = $1`, [id]);
    return { ...(row as Record<string, unknown>), requesterIds: ids[0]!.ids } as Record<string, unknown> & { requesterIds: string[]; requester: string | null; approvalsNeeded: number; decisionId: string };
  }

  it("ALLOWED: 201 with Location, the decision record and receipt, all stored in one go", async () => {
    const body = jobBody(host, { labels: { ticket: "T-1" }, riskTags: ["reads-pii"] });
    const res = await submit(body);
    expect(res.status).toBe(201);
    const job = await res.json();
    expect(res.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    const { canonical, jobHash } = canonicalJob(ZJobBody.parse(body));
    expect(job).toMatchObject({
      status: "ALLOWED",
      jobHash,
      approvals: { needed: 0, approved: 0 },
      expiresAt: null,
      decision: { decision: "ALLOW", ruleIds: ["platform:reads"], reason: "reads are allowed", inputHash: jobHash, constraints: null },
      receipt: { action: "job.submit", actor: `host:${host.hostId}`, scope: `job:${job.id}` },
    });
    const stored = await storedJob(job.id);
    expect(stored).toMatchObject({ status: "ALLOWED", canonical, jobHash, hostId: host.hostId, keyId: host.keyId, riskTags: ["reads-pii"], receiptId: job.receipt.id });
    const decision = await database.prisma.policyDecision.findUniqueOrThrow({ where: { id: stored.decisionId } });
    expect(decision).toMatchObject({ jobId: job.id, decision: "ALLOW", ruleIds: ["platform:reads"], inputHash: jobHash, policyHash: job.decision.policyHash });
    expect(decision.policyHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const entry = await database.prisma.auditEntry.findUniqueOrThrow({ where: { seq: job.receipt.auditSeq } });
    expect(entry).toMatchObject({ action: "job.submit", resource: `job:${job.id}`, tenantId: host.tenantId, decision: "ALLOW", hash: job.receipt.auditHash });
  });

  it("PENDING_APPROVAL: approvals needed, expiry from the rule's ttl, requester and their other accounts recorded", async () => {
    const personId = crypto.randomUUID();
    const email = `${randomSlug("req")}@example.test`;
    const main = await database.prisma.user.create({ data: { email, name: "Requester", personId } });
    const twin = await database.prisma.user.create({ data: { email: `${randomSlug("sso")}@example.test`, name: "Requester (SSO)", personId } });
    const res = await submit(jobBody(host, { topic: "job.bridge.write.update_ticket", labels: { requester: email.toUpperCase() } }));
    expect(res.status).toBe(201);
    const job = await res.json();
    expect(job).toMatchObject({ status: "PENDING_APPROVAL", approvals: { needed: 1, approved: 0 }, resolvedAt: null, decision: { decision: "REQUIRE_APPROVAL", ttlSec: 600, approvalsNeeded: 1 } });
    expect(new Date(job.expiresAt).getTime() - new Date(job.createdAt).getTime()).toBe(600_000);
    const stored = await storedJob(job.id);
    expect(stored.requester).toBe(email.toUpperCase());
    expect([...stored.requesterIds].sort()).toEqual([main.id, twin.id].sort());
    expect(stored.approvalsNeeded).toBe(1);
  });

  it("L4 profiles need two approvers whatever the policy says", async () => {
    const slug = host.profiles[1]!;
    await database.prisma.profile.update({ where: { slug }, data: { tier: "L4" } });
    const job = await (await submit(jobBody(host, { profile: slug, topic: "job.bridge.write.delete_row" }))).json();
    expect(job).toMatchObject({ status: "PENDING_APPROVAL", approvals: { needed: 2 }, decision: { approvalsNeeded: 2 } });
    await database.prisma.profile.update({ where: { slug }, data: { tier: "L2" } });
  });

  it("ALLOW_WITH_CONSTRAINTS → ALLOWED carrying the constraints; DENY by rule and by default", async () => {
    const limited = await (await submit(jobBody(host, { topic: "job.bridge.exec.run_query" }))).json();
    expect(limited).toMatchObject({ status: "ALLOWED", decision: { decision: "ALLOW_WITH_CONSTRAINTS", constraints: { maxRuntimeSec: 300, maxRetries: 1 } } });
    const destructive = await (await submit(jobBody(host, { riskTags: ["destructive"] }))).json();
    expect(destructive).toMatchObject({ status: "DENIED", decision: { decision: "DENY", reason: "destructive jobs never run" } });
    expect(destructive.decision.ruleIds[0]).toBe("platform:no-destruction");
    const unknown = await (await submit(jobBody(host, { topic: "job.bridge.other.thing" }))).json();
    expect(unknown).toMatchObject({ status: "DENIED", decision: { ruleIds: ["platform:default"] } });
  });

  it("THROTTLED once the rule's limit is used up in its window, with Retry-After; counted in RateCounter", async () => {
    const profile = host.profiles[1]!;
    const statuses: string[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await submit(jobBody(host, { profile, topic: "job.bridge.burst.ping" }));
      expect(res.status).toBe(201);
      statuses.push((await res.json()).status);
      retryAfter = res.headers.get("retry-after") ?? retryAfter;
    }
    expect(statuses).toEqual(["ALLOWED", "ALLOWED", "ALLOWED", "THROTTLED", "THROTTLED"]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const counters = await database.prisma.rateCounter.findMany({ where: { key: `throttle:platform:burst-limit:profile:${profile}` } });
    expect(counters.reduce((n, c) => n + c.count, 0)).toBe(5);
  });

  it("refuses bad bodies (400 naming fields), a tenant mismatch (400), an unbound profile (403), bad signatures (401); stores nothing", async () => {
    const before = await database.prisma.job.count();
    const bad = await submit({ ...jobBody(host), topic: "Not A Topic", riskTags: ["OK?"], extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const fields = (await bad.json()).errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["topic", "riskTags.0", "extra"]));
    const missing = await (await submit({ topic: "job.a.read" })).json();
    expect(missing.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(["tenant", "profile"]));

    const text = JSON.stringify(jobBody(host)).replace('"labels":{}', '"labels":{"__proto__":"x"}').replace('"payload":{', '"payload":{"nul":"a\\u0000b",');
    const unsafe = await POST(toRequest(signedCall("POST", BASE, host, text)));
    expect(unsafe.status).toBe(400);
    expect((await unsafe.json()).errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(["labels.__proto__", "payload.nul"]));

    const mismatch = await submit(jobBody(host, { tenant: "someone-else" }));
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).detail).toContain(host.tenantSlug);
    const unbound = await submit(jobBody(host, { profile: host.unboundProfile }));
    expect(unbound.status).toBe(403);
    expect((await unbound.json()).type).toBe("tag:cellgate,2026:problem/profile-not-bound");

    const call = signedCall("POST", BASE, host, JSON.stringify(jobBody(host)));
    const tampered = await POST(toRequest({ ...call, body: JSON.stringify(jobBody(host, { topic: "job.bridge.write.x" })) }));
    expect(tampered.status).toBe(401);
    const notJson = await POST(toRequest(signedCall("POST", BASE, host, "topic=x")).clone());
    expect([400, 415]).toContain(notJson.status);
    expect(await database.prisma.job.count()).toBe(before);
  });

  it("fails closed when a policy in force cannot be parsed: every job DENIED naming policy:unavailable", async () => {
    const other = await createJobsHost(database.prisma);
    await insertPolicy(database.prisma, { level: "tenant", scopeKey: `tenant:${other.tenantId}`, tenantId: other.tenantId, source: "apiVersion: cellgate/v1\nkind: Policy\nrules: [oops" });
    const job = await (await submit(jobBody(other), other)).json();
    expect(job).toMatchObject({ status: "DENIED", decision: { decision: "DENY", ruleIds: ["policy:unavailable"] } });
    const stored = await database.prisma.policyDecision.findUniqueOrThrow({ where: { id: job.decision.id } });
    expect(stored.decision).toBe("DENY");
    // the other tenant is unaffected
    expect((await (await submit(jobBody(host))).json()).status).toBe("ALLOWED");
  });

  it("tags a request holding hidden characters console:hidden-characters for policy, and refuses that prefix from hosts", async () => {
    const other = await createJobsHost(database.prisma);
    await insertPolicy(database.prisma, {
      level: "tenant",
      scopeKey: `tenant:${other.tenantId}`,
      tenantId: other.tenantId,
      source: [
        "apiVersion: cellgate/v1", "kind: Policy", "level: tenant", `tenant: ${other.tenantSlug}`, "rules:",
        "  - id: no-hidden-characters", '    match: { topics: ["job.**"], riskTags: ["console:hidden-characters"] }',
        "    decision: DENY", "    reason: requests with hidden characters are refused here", "",
      ].join("\n"),
    });
    const hidden = await (await submit(jobBody(other, { payload: { file: "invoice\u202Etxt.exe" } }), other)).json();
    expect(hidden).toMatchObject({ status: "DENIED", decision: { reason: "requests with hidden characters are refused here" } });
    expect(hidden.decision.ruleIds[0]).toBe(`tenant:${other.tenantSlug}:no-hidden-characters`);
    const stored = await storedJob(hidden.id);
    // Stored beside the hashed tags, never in them: the hash is of what the host sent.
    expect(stored).toMatchObject({ riskTags: [], consoleTags: ["console:hidden-characters"] });
    expect(hidden.jobHash).toBe(canonicalJob(ZJobBody.parse(jobBody(other, { payload: { file: "invoice\u202Etxt.exe" } }))).jobHash);
    const label = await (await submit(jobBody(other, { labels: { ["ti\u200Bcket"]: "T-1" } }), other)).json();
    expect(label.status).toBe("DENIED");
    const plain = await (await submit(jobBody(other), other)).json();
    expect(plain.status).toBe("ALLOWED");
    expect((await storedJob(plain.id)).consoleTags).toEqual([]);

    const forged = await submit(jobBody(other, { riskTags: ["console:hidden-characters"] }), other);
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ errors: [{ field: "riskTags.0", message: 'the "console:" prefix is reserved for tags the console adds' }] });
  });

  it("GET answers the job to a host bound to its profile, 404 to anyone else", async () => {
    const job = await (await submit(jobBody(host, { topic: "job.bridge.write.x" }))).json();
    const res = await read(job.id);
    expect(res.status).toBe(200);
    const seen = await res.json();
    expect(seen).toMatchObject({ id: job.id, status: "PENDING_APPROVAL", jobHash: job.jobHash, decision: job.decision, receiptId: job.receipt.id });
    const stranger = await createJobsHost(database.prisma);
    expect((await read(job.id, stranger)).status).toBe(404);
    expect((await read("job_doesnotexist0000")).status).toBe(404);

    await database.prisma.job.updateMany({ where: { id: job.id }, data: { status: "APPROVED", resolvedAt: new Date() } });
    expect((await (await read(job.id)).json()).status).toBe("APPROVED");
    await database.prisma.job.updateMany({ where: { id: job.id }, data: { status: "REJECTED" } });
    expect((await (await read(job.id)).json()).status).toBe("REJECTED");
  });

  it("a pending job read after its expiry answers EXPIRED and is stored so, with one job.expired audit entry", async () => {
    const job = await (await submit(jobBody(host, { topic: "job.bridge.write.y" }))).json();
    const past = new Date(Date.now() - 1000);
    await database.prisma.job.updateMany({ where: { id: job.id }, data: { expiresAt: past } });
    const first = await (await read(job.id)).json();
    const second = await (await read(job.id)).json();
    expect(first.status).toBe("EXPIRED");
    expect(second).toMatchObject({ status: "EXPIRED", resolvedAt: past.toISOString() });
    expect(await storedJob(job.id)).toMatchObject({ status: "EXPIRED", resolvedAt: past });
    expect(await database.prisma.auditEntry.count({ where: { action: "job.expired", resource: `job:${job.id}` } })).toBe(1);
  });
});
