import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { auditChainStatus } from "@/lib/server/audit-explorer/chain-status";
import { getAuditEntry } from "@/lib/server/audit-explorer/detail";
import { listAuditEntries } from "@/lib/server/audit-explorer/list";
import { mayReadAudit } from "@/lib/server/audit-explorer/scope";
import { getTraceTimeline } from "@/lib/server/audit-explorer/trace";
import type { SessionActor } from "@/lib/server/session";
import { parseAuditQuery, PLATFORM_TENANT, type AuditQuery } from "@/lib/schemas/audit-explorer";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { sealedAt } from "../support/audit";

const trace = () => randomBytes(16).toString("hex");

describe.each(BACKENDS)("audit explorer on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let runner: { id: string; slug: string };
  let auditor: SessionActor;
  let tenantAdmin: SessionActor;
  let foreignAuditor: SessionActor;
  let viewer: SessionActor;
  let approver: SessionActor;
  let platformAdmin: SessionActor;
  const hostId = randomSlug("host");
  const seqs: Record<string, number> = {};
  const times: Record<string, Date> = {};
  const sharedTrace = trace();

  async function append(name: string, input: Partial<AuditInput> & Pick<AuditInput, "action">) {
    const entry = await prisma.$transaction((tx) =>
      appendAudit(tx, { actor: { type: "host", id: hostId }, resource: `thing:${name}`, data: { name }, ...input }),
    );
    seqs[name] = sealedAt(entry.seq);
    times[name] = entry.time;
  }
  const list = async (actor: SessionActor, query: AuditQuery = {}) => (await listAuditEntries(actor, query, { prisma })).rows.map((r) => r.seq);

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id);
    runner = await createProfile(prisma, globex.id);
    auditor = await createActor(prisma, acme.id, "auditor");
    tenantAdmin = await createActor(prisma, acme.id, "tenant_admin");
    foreignAuditor = await createActor(prisma, globex.id, "auditor");
    viewer = await createActor(prisma, acme.id, "viewer");
    approver = await createActor(prisma, acme.id, "approver");
    platformAdmin = await createActor(prisma, null, "platform_admin");

    await append("platform", { action: "auth.sign_in.succeeded", actor: { type: "user", id: platformAdmin.userId }, tenantId: null });
    await append("acmeSubmit", { action: "job.submit", tenantId: acme.id, profileId: triage.id, traceId: sharedTrace, decision: "REQUIRE_APPROVAL" });
    await append("globexSubmit", { action: "job.submit", tenantId: globex.id, profileId: runner.id, traceId: sharedTrace, decision: "ALLOW" });
    await append("acmeVote", { action: "job.vote", actor: { type: "user", id: approver.userId }, tenantId: acme.id, profileId: triage.id, traceId: trace() });
    await append("acmePolicy", { action: "policy.apply", actor: { type: "user", id: tenantAdmin.userId }, tenantId: acme.id, data: { note: "secret-free" } });
    await append("jobsLookalike", { action: "jobs.other", tenantId: acme.id });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("opens only for audit.read holders", () => {
    expect([auditor, tenantAdmin, foreignAuditor, platformAdmin].map(mayReadAudit)).toEqual([true, true, true, true]);
    expect([viewer, approver].map(mayReadAudit)).toEqual([false, false]);
  });

  it("lists the actor's tenant entries newest first, never another tenant's or platform entries", async () => {
    const mine = [seqs.jobsLookalike, seqs.acmePolicy, seqs.acmeVote, seqs.acmeSubmit];
    expect(await list(auditor)).toEqual(mine);
    expect(await list(tenantAdmin)).toEqual(mine);
    expect(await list(foreignAuditor)).toEqual([seqs.globexSubmit]);
    expect(await list(viewer)).toEqual([]);
    expect(await list(approver)).toEqual([]);
    // Asking for the other tenant or platform entries by filter does not widen the scope.
    expect(await list(auditor, { tenant: globex.slug })).toEqual([]);
    expect(await list(auditor, { tenant: PLATFORM_TENANT })).toEqual([]);
    expect(await list(auditor, { trace: sharedTrace })).toEqual([seqs.acmeSubmit]);
    const page = await listAuditEntries(auditor, {}, { prisma });
    expect(page.total).toBe(4);
    expect(page.rows.find((r) => r.seq === seqs.acmeVote)).toMatchObject({
      actorEmail: approver.email,
      action: "job.vote",
      tenant: { slug: acme.slug },
      profile: triage.slug,
    });
  });

  it("shows platform admins everything, and platform entries on their own", async () => {
    const all = await list(platformAdmin);
    expect(all).toEqual(expect.arrayContaining(Object.values(seqs)));
    expect(await list(platformAdmin, { tenant: PLATFORM_TENANT })).toEqual([seqs.platform]);
    expect(await list(platformAdmin, { tenant: globex.slug })).toEqual([seqs.globexSubmit]);
  });

  it("filters by actor (email, type:id, id), action prefix, profile, time range and trace id", async () => {
    expect(await list(auditor, { actor: approver.email.toUpperCase() })).toEqual([seqs.acmeVote]);
    expect(await list(auditor, { actor: `user:${tenantAdmin.email}` })).toEqual([seqs.acmePolicy]);
    expect(await list(auditor, { actor: `user:${tenantAdmin.userId}` })).toEqual([seqs.acmePolicy]);
    expect(await list(auditor, { actor: `host:${hostId}` })).toEqual([seqs.jobsLookalike, seqs.acmeSubmit]);
    expect(await list(auditor, { actor: hostId })).toEqual([seqs.jobsLookalike, seqs.acmeSubmit]);
    expect(await list(auditor, { actor: `cli:${hostId}` })).toEqual([]);
    expect(await list(auditor, { action: "job" })).toEqual([seqs.acmeVote, seqs.acmeSubmit]);
    expect(await list(auditor, { action: "job.vote" })).toEqual([seqs.acmeVote]);
    expect(await list(auditor, { action: "jo" })).toEqual([]);
    expect(await list(auditor, { profile: triage.slug })).toEqual([seqs.acmeVote, seqs.acmeSubmit]);
    expect(await list(auditor, { profile: runner.slug })).toEqual([]);
    expect(await list(auditor, { from: times.acmeVote, to: times.jobsLookalike })).toEqual([seqs.acmePolicy, seqs.acmeVote]);
    expect(await list(auditor, { to: times.acmeVote })).toEqual([seqs.acmeSubmit]);
  });

  it("pages by seq with before/after cursors", async () => {
    const first = await listAuditEntries(auditor, {}, { prisma, size: 3 });
    expect(first.rows.map((r) => r.seq)).toEqual([seqs.jobsLookalike, seqs.acmePolicy, seqs.acmeVote]);
    expect(first.newer).toBeNull();
    expect(first.older).toBe(seqs.acmeVote);
    const second = await listAuditEntries(auditor, { before: first.older! }, { prisma, size: 3 });
    expect(second.rows.map((r) => r.seq)).toEqual([seqs.acmeSubmit]);
    expect(second).toMatchObject({ older: null, newer: seqs.acmeSubmit, total: 4 });
    const back = await listAuditEntries(auditor, { after: second.newer! }, { prisma, size: 3 });
    expect(back.rows.map((r) => r.seq)).toEqual(first.rows.map((r) => r.seq));
    expect(back).toMatchObject({ older: seqs.acmeVote, newer: null });
  });

  it("parses filters from the URL, reporting bad values instead of failing", () => {
    const { query, problems } = parseAuditQuery({ action: "job", from: "2026-11-02", to: "2026-11-03", before: "abc", trace: " t1 " });
    expect(query).toEqual({ action: "job", from: new Date("2026-11-02T00:00:00Z"), to: new Date("2026-11-04T00:00:00Z"), trace: "t1" });
    expect(problems).toEqual(["before must be a number"]);
    expect(parseAuditQuery({ from: "2026-02-31" }).problems[0]).toMatch(/from must be a UTC date/);
    expect(parseAuditQuery({ from: "2026-11-05T10:00", to: "2026-11-05T09:00" }).problems).toEqual(["the time range is empty: from must be before to"]);
    expect(parseAuditQuery({ action: "drop table;" }).problems[0]).toMatch(/action must be dotted words/);
  });

  it("shows an entry's fields and checks within scope only", async () => {
    const entry = await getAuditEntry(auditor, seqs.acmePolicy!, { prisma });
    expect(entry).toMatchObject({
      seq: seqs.acmePolicy,
      action: "policy.apply",
      actorEmail: tenantAdmin.email,
      tenant: { slug: acme.slug },
      data: { note: "secret-free" },
      checks: { hashMatches: true, linksToPrevious: true },
    });
    expect(entry!.checks.recomputedHash).toBe(entry!.hash);
    expect(await getAuditEntry(auditor, seqs.globexSubmit!, { prisma })).toBeNull();
    expect(await getAuditEntry(auditor, seqs.platform!, { prisma })).toBeNull();
    expect(await getAuditEntry(viewer, seqs.acmePolicy!, { prisma })).toBeNull();
    expect(await getAuditEntry(platformAdmin, seqs.platform!, { prisma })).toMatchObject({ tenant: null, checks: { hashMatches: true } });
    expect(await getAuditEntry(auditor, 9_999_999, { prisma })).toBeNull();
  });

  it("verifies the chain fully, then incrementally, saying which", async () => {
    const now = new Date();
    const first = await auditChainStatus(database.sql, { now, forceFull: true });
    expect(first).toMatchObject({ ok: true, incremental: null, full: { at: now } });
    const head = first.ok ? first.throughSeq : 0;
    await append("later", { action: "test.later", tenantId: acme.id });
    const second = await auditChainStatus(database.sql, { now: new Date(now.getTime() + 1000) });
    expect(second).toMatchObject({ ok: true, throughSeq: head + 1, full: { at: now, throughSeq: head }, incremental: { fromSeq: head + 1, throughSeq: head + 1 } });
    // A forced full run is honoured at most once a minute; later, it re-hashes everything again.
    const soon = await auditChainStatus(database.sql, { now: new Date(now.getTime() + 2000), forceFull: true });
    expect(soon).toMatchObject({ ok: true, full: { at: now }, incremental: { throughSeq: head + 1 } });
    const later = new Date(now.getTime() + 61_000);
    const third = await auditChainStatus(database.sql, { now: later, forceFull: true });
    expect(third).toMatchObject({ ok: true, throughSeq: head + 1, incremental: null, full: { at: later, throughSeq: head + 1 } });
  });
});

describe.each(BACKENDS)("trace timeline on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
  });
  afterAll(async () => {
    await database?.close();
  });

  it("orders request → decision → votes → expiry with host events, scoped to the actor's tenants", async () => {
    const acme = await createTenant(prisma, "acme");
    const globex = await createTenant(prisma, "globex");
    const triage = await createProfile(prisma, acme.id);
    const runner = await createProfile(prisma, globex.id);
    const approver = await createActor(prisma, acme.id, "approver");
    const auditor = await createActor(prisma, acme.id, "auditor");
    const foreignAuditor = await createActor(prisma, globex.id, "auditor");
    const job = await createJob(prisma, { tenant: acme, profile: triage, status: "PENDING_APPROVAL", approvalsNeeded: 2 });
    const traceId = job.traceId;
    const host = randomSlug("host");
    const write = (input: AuditInput) => prisma.$transaction((tx) => appendAudit(tx, input));

    // A host event reported before the request, with the same trace id.
    const batchId = randomSlug("batch");
    await prisma.ingestBatch.create({ data: { id: batchId, hostId: host, keyId: `${host}-key`, batchHash: "h", accepted: 2, duplicates: 0, receiptId: randomSlug("rcpt") } });
    await prisma.ingestEvent.create({
      data: { hostId: host, eventId: randomSlug("ev"), batchId, tenantId: acme.id, profileId: triage.id, type: "tool.allowed", occurredAt: new Date(job.createdAt.getTime() - 60_000), traceId, attributes: { tool: "update_ticket" } },
    });
    // Another tenant's event and job entry reusing the trace id must never show to acme.
    await prisma.ingestEvent.create({
      data: { hostId: host, eventId: randomSlug("ev"), batchId, tenantId: globex.id, profileId: runner.id, type: "tool.denied", occurredAt: new Date(Date.now() + 3_600_000), traceId, attributes: { tool: "shell" } },
    });
    const submit = await write({ actor: { type: "host", id: host }, action: "job.submit", resource: `job:${job.id}`, tenantId: acme.id, profileId: triage.id, traceId, decision: "REQUIRE_APPROVAL", data: { job: job.id, topic: job.topic, status: "PENDING_APPROVAL" } });
    const foreign = await write({ actor: { type: "host", id: host }, action: "job.submit", resource: "job:job_other", tenantId: globex.id, profileId: runner.id, traceId, data: { topic: "job.x" } });
    // A vote carries its job's trace id, as the vote action writes it.
    const vote = await write({ actor: { type: "user", id: approver.userId }, action: "job.vote", resource: `job:${job.id}`, tenantId: acme.id, profileId: triage.id, traceId, decision: "approve", data: { job: job.id, vote: "approve", status: "PENDING_APPROVAL", approvals: "1/2" } });
    const expiry = await write({ actor: { type: "system", id: "sweeper" }, action: "job.expired", resource: `job:${job.id}`, tenantId: acme.id, profileId: triage.id, traceId, decision: "EXPIRED", data: { job: job.id } });

    const timeline = await getTraceTimeline(auditor, traceId, { prisma });
    expect(timeline!.jobs).toEqual([{ id: job.id, topic: job.topic, status: "PENDING_APPROVAL", profile: triage.slug, tenant: acme.slug }]);
    expect(timeline!.items.map((i) => [i.kind, i.seq])).toEqual([
      ["ingest", null],
      ["request", submit.seq],
      ["decision", null],
      ["vote", vote.seq],
      ["resolution", expiry.seq],
    ]);
    expect(timeline!.items[2]).toMatchObject({ title: "Policy decision: REQUIRE_APPROVAL", facts: { reason: "writes need a human", rules: "platform:test-rule" } });
    expect(timeline!.items[3]!.title).toBe(`Approve vote by ${approver.email}`);
    expect(timeline!.items[0]).toMatchObject({ title: "Host event: tool.allowed", profile: triage.slug, data: { tool: "update_ticket" } });

    const theirs = await getTraceTimeline(foreignAuditor, traceId, { prisma });
    expect(theirs!.jobs).toEqual([]);
    expect(theirs!.items.map((i) => [i.kind, i.seq])).toEqual([["request", foreign.seq], ["ingest", null]]);
    expect(await getTraceTimeline(approver, traceId, { prisma })).toBeNull();
    expect(await getTraceTimeline(auditor, trace(), { prisma })).toBeNull();
  });
});

describe.each(BACKENDS)("chain status after tampering on %s", (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("reports the first broken entry when the verified head was altered", async () => {
    for (let i = 0; i < 3; i += 1) {
      await database.prisma.$transaction((tx) => appendAudit(tx, { actor: { type: "cli", id: randomSlug("op") }, action: "test.append", resource: `item:${i}`, data: { i } }));
    }
    const now = new Date();
    expect(await auditChainStatus(database.sql, { now, forceFull: true })).toMatchObject({ ok: true, throughSeq: 3 });
    // An attacker with database access: user triggers off, then change the entry the cache ends on.
    await database.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER; UPDATE "AuditEntry" SET data = '{"i": 99}' WHERE seq = 3; ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
    const status = await auditChainStatus(database.sql, { now: new Date(now.getTime() + 1000) });
    expect(status).toMatchObject({ ok: false, seq: 3, entriesChecked: 2 });
    expect(status.ok ? "" : status.reason).toMatch(/altered/);
  });
});
