import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { mayRun } from "@/lib/server/action";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { sealedAt } from "../support/audit";

const NOTE = "checked the ticket, fine to update";

describe.each(BACKENDS)("voting on jobs on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let tenant: { id: string; slug: string };
  let other: { id: string; slug: string };
  let profile: { id: string; slug: string };
  let l4: { id: string; slug: string };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    tenant = await createTenant(prisma, "acme");
    other = await createTenant(prisma, "globex");
    profile = await createProfile(prisma, tenant.id, { tier: "L2" });
    l4 = await createProfile(prisma, tenant.id, { tier: "L4" });
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const vote = (actor: SessionActor | null, input: Record<string, unknown>) => voteOnJobAction.execute({ actor, prisma }, input);
  const job = (over: Partial<Parameters<typeof createJob>[1]> = {}) => createJob(prisma, { tenant, profile, ...over });
  const counts = async () => {
    const [votes, receipts, audit] = await Promise.all([prisma.jobVote.count(), prisma.receipt.count(), prisma.auditEntry.count()]);
    return { votes, receipts, audit };
  };
  /** The access.denied entries appended since `before` (a counts() result): a refused attempt leaves one each. */
  const refusalsAfter = async (before: { audit: number }) => {
    const entries = await prisma.auditEntry.findMany({ where: { seq: { gt: before.audit } }, orderBy: { seq: "asc" } });
    expect(entries.every((e) => e.action === "access.denied")).toBe(true);
    return entries.map((e) => ({ actorId: e.actorId, resource: e.resource, decision: e.decision, tenantId: e.tenantId, attempted: (e.data as { attempted: string }).attempted }));
  };

  it("approves a one-approver job: vote, status, resolvedAt and one receipt, in one go", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job();
    const revalidated: string[] = [];
    const result = await voteOnJobAction.execute(
      { actor: approver, prisma, onCommitted: (paths) => void revalidated.push(...paths) },
      { jobId: j.id, vote: "approve", note: `  ${NOTE}  `, seenHash: j.jobHash },
    );
    expect(result).toMatchObject({ ok: true, data: { status: "APPROVED", approvals: 1, approvalsNeeded: 1 } });
    if (!result.ok) return;
    expect(revalidated).toEqual(["/approvals", `/approvals/${j.id}`]);

    const stored = await prisma.job.findUniqueOrThrow({ where: { id: j.id }, include: { votes: true } });
    expect(stored.status).toBe("APPROVED");
    expect(stored.resolvedAt).toBeInstanceOf(Date);
    expect(stored.votes).toHaveLength(1);
    expect(stored.votes[0]).toMatchObject({ userId: approver.userId, vote: "approve", note: NOTE, seenHash: j.jobHash });
    expect(stored.votes[0]!.receiptId).toBe(result.receipt!.id);

    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: result.receipt!.id } });
    expect(receipt).toMatchObject({ action: "job.vote", actorId: approver.userId, scopeType: "job", scopeId: j.id, tenantId: tenant.id });
    const entry = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry).toMatchObject({ action: "job.vote", resource: `job:${j.id}`, profileId: profile.id, traceId: j.traceId, hash: receipt.auditHash });
  });

  it("denies: one deny rejects the job, and a later vote is told it is already denied", async () => {
    const [first, second] = [await createActor(prisma, tenant.id, "approver"), await createActor(prisma, tenant.id, "approver")];
    const j = await job({ profile: l4, approvalsNeeded: 2 });
    const denied = await vote(first, { jobId: j.id, vote: "deny", note: "wrong customer", seenHash: j.jobHash });
    expect(denied).toMatchObject({ ok: true, data: { status: "REJECTED", approvals: 0, approvalsNeeded: 2 } });
    const late = await vote(second, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash });
    expect(late).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already denied/) } });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).status).toBe("REJECTED");
  });

  it("50 concurrent clicks by one approver: one vote, one outcome, one receipt", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job();
    const before = await counts();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => vote(approver, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    expect(ok[0]).toMatchObject({ data: { status: "APPROVED" } });
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already approved/) } });
    }
    expect(await counts()).toEqual({ votes: before.votes + 1, receipts: before.receipts + 1, audit: before.audit + 1 });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).status).toBe("APPROVED");
  });

  it("50 concurrent clicks by one approver on a two-approver job: one vote, still pending", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job({ profile: l4, approvalsNeeded: 2 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => vote(approver, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ error: { message: /already voted/ } });
    expect(await prisma.jobVote.count({ where: { jobId: j.id } })).toBe(1);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("50 different approvers at once on a two-approver job: exactly two votes and one APPROVED", async () => {
    const approvers = await Promise.all(Array.from({ length: 50 }, () => createActor(prisma, tenant.id, "approver")));
    const j = await job({ profile: l4, approvalsNeeded: 2 });
    const before = await counts();
    const results = await Promise.all(
      approvers.map((a) => vote(a, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })),
    );
    const ok = results.flatMap((r) => (r.ok ? [r.data] : []));
    expect(ok.map((d) => d.status).sort()).toEqual(["APPROVED", "PENDING_APPROVAL"]);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && /already approved/.test(r.error.message))).toBe(true);
    const votes = await prisma.jobVote.findMany({ where: { jobId: j.id } });
    expect(votes).toHaveLength(2);
    expect(new Set(votes.map((v) => v.userId)).size).toBe(2);
    expect(await counts()).toEqual({ votes: before.votes + 2, receipts: before.receipts + 2, audit: before.audit + 2 });
  });

  it("quorum race after one approval: two approvers at once → exactly one APPROVED, the loser told why", async () => {
    const [first, second, third] = await Promise.all([1, 2, 3].map(() => createActor(prisma, tenant.id, "approver")));
    const j = await job({ profile: l4, approvalsNeeded: 2 });
    expect(await vote(first!, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })).toMatchObject({
      ok: true,
      data: { status: "PENDING_APPROVAL", approvals: 1, approvalsNeeded: 2 },
    });
    const results = await Promise.all(
      [second!, third!].map((a) => vote(a, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })),
    );
    expect(results.filter((r) => r.ok && r.data.status === "APPROVED")).toHaveLength(1);
    const loser = results.find((r) => !r.ok);
    expect(loser).toMatchObject({ ok: false, error: { code: "conflict", message: "This job is already approved; nothing was changed." } });
    expect(await prisma.jobVote.count({ where: { jobId: j.id } })).toBe(2);
  });

  it("quorum race from zero: three approvers at once → two votes, one APPROVED, one clear refusal", async () => {
    const approvers = await Promise.all([1, 2, 3].map(() => createActor(prisma, tenant.id, "approver")));
    const j = await job({ profile: l4, approvalsNeeded: 2 });
    const results = await Promise.all(approvers.map((a) => vote(a, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })));
    const statuses = results.flatMap((r) => (r.ok ? [r.data.status] : []));
    expect(statuses.sort()).toEqual(["APPROVED", "PENDING_APPROVAL"]);
    expect(results.filter((r) => !r.ok)).toMatchObject([{ error: { message: /already approved/ } }]);
    const stored = await prisma.job.findUniqueOrThrow({ where: { id: j.id } });
    expect(stored.status).toBe("APPROVED");
  });

  it("refuses self-approval, also through another account of the same person", async () => {
    const personId = crypto.randomUUID();
    const requester = await createActor(prisma, tenant.id, "approver", { personId });
    const sameByOtherAccount = await createActor(prisma, tenant.id, "approver", { personId });
    expect(sameByOtherAccount.identityIds).toEqual([requester.userId]);
    // The jobs API would list both accounts; list only the requesting one to test the identity path.
    const j = await job({ requester: requester.email, requesterIds: [requester.userId] });
    const before = await counts();
    for (const actor of [requester, sameByOtherAccount]) {
      const result = await vote(actor, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash });
      expect(result).toMatchObject({ ok: false, error: { code: "forbidden", message: /your own request/ } });
      expect(mayRun(voteOnJobAction, actor, { tenantId: tenant.id, requesterIds: j.requesterIds })).toBe(false);
    }
    // Nothing voted or receipted; each refused attempt is on record.
    expect(await counts()).toEqual({ ...before, audit: before.audit + 2 });
    expect(await refusalsAfter(before)).toEqual(
      [requester, sameByOtherAccount].map((a) => ({ actorId: a.userId, resource: `job:${j.id}`, decision: "FORBIDDEN", tenantId: tenant.id, attempted: "job.vote" })),
    );
    const colleague = await createActor(prisma, tenant.id, "approver");
    expect(mayRun(voteOnJobAction, colleague, { tenantId: tenant.id, requesterIds: j.requesterIds })).toBe(true);
    expect(await vote(colleague, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })).toMatchObject({ ok: true });
  });

  it("refuses a vote on a hash other than the job's: the job changed since it was opened", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job();
    const before = await counts();
    const result = await vote(approver, { jobId: j.id, vote: "approve", note: NOTE, seenHash: `sha256:${"0".repeat(64)}` });
    expect(result).toMatchObject({ ok: false, error: { code: "conflict", message: /changed since you opened it/ } });
    expect(await counts()).toEqual(before);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: j.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("refuses an expired job that nothing has swept yet", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job({ ttlSec: -5 });
    expect(j.status).toBe("PENDING_APPROVAL");
    const result = await vote(approver, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash });
    expect(result).toMatchObject({ ok: false, error: { code: "conflict", message: /expired/ } });
    expect(await prisma.jobVote.count({ where: { jobId: j.id } })).toBe(0);
  });

  it("answers not found to another tenant's approver, exactly as for a missing job", async () => {
    const foreign = await createActor(prisma, other.id, "approver");
    const j = await job();
    const before = await counts();
    const theirs = await vote(foreign, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash });
    const missing = await vote(foreign, { jobId: "job_nope", vote: "approve", note: NOTE, seenHash: j.jobHash });
    expect(theirs).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(JSON.stringify(theirs)).toBe(JSON.stringify(missing));
    // Both probes are on record, alike: neither names the tenant the existing job belongs to.
    expect(await counts()).toEqual({ ...before, audit: before.audit + 2 });
    expect(await refusalsAfter(before)).toEqual([
      { actorId: foreign.userId, resource: `job:${j.id}`, decision: "NOT_FOUND", tenantId: null, attempted: "job.vote" },
      { actorId: foreign.userId, resource: "job:job_nope", decision: "NOT_FOUND", tenantId: null, attempted: "job.vote" },
    ]);
  });

  it("lets no viewer, operator, auditor, tenant admin or platform admin vote", async () => {
    const j = await job();
    const before = await counts();
    for (const role of ["viewer", "operator", "auditor", "tenant_admin", "platform_admin"] as const) {
      const actor = await createActor(prisma, role === "platform_admin" ? null : tenant.id, role);
      const result = await vote(actor, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash });
      // Roles without job.read do not even see the job; the others are told they may not approve.
      const expected = role === "viewer" || role === "operator" ? "not_found" : "forbidden";
      expect(result, role).toMatchObject({ ok: false, error: { code: expected } });
      if (!result.ok && expected === "forbidden") expect(result.error.message).toMatch(/may not approve or deny a job/);
      expect(mayRun(voteOnJobAction, actor, { tenantId: tenant.id }), role).toBe(false);
    }
    expect(await counts()).toEqual({ ...before, audit: before.audit + 5 });
    expect((await refusalsAfter(before)).map((r) => r.decision)).toEqual(["NOT_FOUND", "NOT_FOUND", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]);
  });

  it("takes the vote as the page's form posts it (FormData with the pressed button's value)", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job();
    const form = new FormData();
    for (const [key, value] of Object.entries({ jobId: j.id, seenHash: j.jobHash, note: "via the form", vote: "deny" })) form.append(key, value);
    form.append("$ACTION_ID_abc", "");
    const result = await vote(approver, form as unknown as Record<string, unknown>);
    expect(result).toMatchObject({ ok: true, data: { vote: "deny", status: "REJECTED" } });
  });

  it("requires a note and a well-formed hash, and refuses when signed out", async () => {
    const approver = await createActor(prisma, tenant.id, "approver");
    const j = await job();
    const blank = await vote(approver, { jobId: j.id, vote: "approve", note: "   ", seenHash: j.jobHash });
    expect(blank).toMatchObject({ ok: false, error: { code: "invalid_input", fieldErrors: { note: ["Write a note explaining your decision"] } } });
    const long = await vote(approver, { jobId: j.id, vote: "deny", note: "x".repeat(2001), seenHash: j.jobHash });
    expect(long).toMatchObject({ ok: false, error: { fieldErrors: { note: ["Keep the note under 2000 characters"] } } });
    const noHash = await vote(approver, { jobId: j.id, vote: "approve", note: NOTE });
    expect(noHash).toMatchObject({ ok: false, error: { fieldErrors: { seenHash: [expect.stringMatching(/reload the page/)] } } });
    const badVote = await vote(approver, { jobId: j.id, vote: "maybe", note: NOTE, seenHash: j.jobHash });
    expect(badVote).toMatchObject({ ok: false, error: { fieldErrors: { vote: ["Choose approve or deny"] } } });
    expect(await vote(null, { jobId: j.id, vote: "approve", note: NOTE, seenHash: j.jobHash })).toMatchObject({
      ok: false,
      error: { code: "unauthenticated" },
    });
    expect(await prisma.jobVote.count({ where: { jobId: j.id } })).toBe(0);
  });
});
