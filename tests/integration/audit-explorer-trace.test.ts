/**
 * The trace timeline over what the real code paths write: a job submitted
 * through submitJob (decision record + job.submit entry under the trace id),
 * a vote through the action pipeline (its own request id as trace id, the
 * job as resource), and an expiry through persistExpiry.
 */
import { randomBytes } from "node:crypto";
import type { BoundProfile } from "@/lib/server/host-auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isChronological, recordedLater } from "@/lib/domain/audit/timeline";
import type { JobBody } from "@/lib/domain/jobs";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { listAuditEntries } from "@/lib/server/audit-explorer/list";
import { getTraceTimeline } from "@/lib/server/audit-explorer/trace";
import { persistExpiry } from "@/lib/server/jobs/read";
import { submitJob } from "@/lib/server/jobs/submit";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createActor } from "../support/job-factory";
import { createJobsHost, jobBody, type JobsHost } from "./jobs-support";

describe.each(BACKENDS)("trace timeline from the real job paths on %s", (backend) => {
  let database: TestDatabase;
  let host: JobsHost;
  let bound: BoundProfile[];
  let approver: SessionActor;
  let auditor: SessionActor;
  let foreignAuditor: SessionActor;

  async function submit(traceId: string, topic: string, now = new Date()) {
    const outcome = await submitJob(database, {
      host: { id: host.hostId, profiles: bound },
      keyId: host.keyId,
      body: jobBody(host, { topic, riskTags: ["writes"] }) as unknown as JobBody,
      now,
      traceId,
    });
    if (!outcome.ok) throw new Error(`submit failed: ${JSON.stringify(outcome.problem)}`);
    return outcome.job;
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    host = await createJobsHost(database.prisma);
    bound = (
      await database.prisma.profile.findMany({
        where: { slug: { in: host.profiles } },
        select: { id: true, slug: true, tenantId: true, ring: true, tier: true, tenant: { select: { slug: true } } },
      })
    ).map(({ tenant, ...p }) => ({ ...p, tenantSlug: tenant.slug }));
    approver = await createActor(database.prisma, host.tenantId, "approver");
    auditor = await createActor(database.prisma, host.tenantId, "auditor");
    const other = await createJobsHost(database.prisma);
    foreignAuditor = await createActor(database.prisma, other.tenantId, "auditor");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("shows request → decision → approval for an approved job", async () => {
    const traceId = randomBytes(16).toString("hex");
    const job = await submit(traceId, "job.bridge.write.ticket");
    expect(job.status).toBe("PENDING_APPROVAL");
    const vote = await voteOnJobAction.execute(
      { actor: approver, prisma: database.prisma },
      { jobId: job.id, vote: "approve", note: "looks right", seenHash: job.jobHash },
    );
    if (!vote.ok) throw new Error(`vote failed: ${vote.error.message}`);

    const timeline = await getTraceTimeline(auditor, traceId, { prisma: database.prisma });
    expect(timeline!.jobs).toEqual([expect.objectContaining({ id: job.id, status: "APPROVED" })]);
    expect(timeline!.items.map((i) => i.kind)).toEqual(["request", "decision", "vote"]);
    expect(timeline!.items[0]).toMatchObject({ title: "Job requested: job.bridge.write.ticket", actor: `host:${host.hostId}`, decision: "REQUIRE_APPROVAL" });
    expect(timeline!.items[1]).toMatchObject({ decision: "REQUIRE_APPROVAL", facts: { reason: "writes need a human", "input hash": job.jobHash } });
    expect(timeline!.items[2]!.title).toBe(`Approve vote by ${approver.email} (job APPROVED)`);
    expect(timeline!.items[2]!.seq).toBe(vote.receipt!.auditSeq);

    // Votes join the job's trace, so the list's trace filter finds request and vote, as does the action filter.
    const byTrace = await listAuditEntries(auditor, { trace: traceId }, { prisma: database.prisma });
    expect(byTrace.rows.map((r) => r.action)).toEqual(["job.vote", "job.submit"]);
    const byAction = await listAuditEntries(auditor, { action: "job", profile: job.profile }, { prisma: database.prisma });
    expect(byAction.rows.map((r) => r.action)).toEqual(["job.vote", "job.submit"]);

    expect(await getTraceTimeline(foreignAuditor, traceId, { prisma: database.prisma })).toBeNull();
    expect(await getTraceTimeline(approver, traceId, { prisma: database.prisma })).toBeNull();
  });

  it("orders a back-dated job by when things happened, shows when each was recorded, and the vote's note", async () => {
    const traceId = randomBytes(16).toString("hex");
    // As the demo does: submitted 'a minute ago' (inside the approval window), recorded in the audit log now.
    const submittedAt = new Date(Date.now() - 60_000);
    const job = await submit(traceId, "job.bridge.write.backdated", submittedAt);
    const vote = await voteOnJobAction.execute(
      { actor: approver, prisma: database.prisma },
      { jobId: job.id, vote: "deny", note: "not during the freeze", seenHash: job.jobHash },
    );
    if (!vote.ok) throw new Error(`vote failed: ${vote.error.message}`);

    const { items } = (await getTraceTimeline(auditor, traceId, { prisma: database.prisma }))!;
    expect(items.map((i) => i.kind)).toEqual(["request", "decision", "vote"]);
    expect(isChronological(items)).toBe(true);
    const [request, decision, voted] = items;
    expect(request!.time.toISOString()).toBe(submittedAt.toISOString());
    expect(decision!.time.toISOString()).toBe(submittedAt.toISOString());
    // Both recorded by the job.submit entry, appended after the back-dated time.
    expect(recordedLater(request!)).toBe(true);
    expect(decision!.recordedAt!.getTime()).toBe(request!.recordedAt!.getTime());
    expect(decision!.facts["recorded in"]).toBe(`entry #${request!.seq}`);
    expect(recordedLater(voted!)).toBe(false);
    expect(voted!.facts.note).toBe("not during the freeze");
    expect(voted!.title).toBe(`Deny vote by ${approver.email} (job REJECTED)`);
  });

  it("shows a window that closed unread as expired at expiresAt, not yet recorded, and the job as EXPIRED", async () => {
    const traceId = randomBytes(16).toString("hex");
    const submittedAt = new Date(Date.now() - 20 * 60_000); // the approval window (10 min) closed 10 minutes ago
    const job = await submit(traceId, "job.bridge.write.unread", submittedAt);
    const timeline = (await getTraceTimeline(auditor, traceId, { prisma: database.prisma }))!;
    expect(timeline.jobs).toEqual([expect.objectContaining({ id: job.id, status: "EXPIRED" })]);
    expect(timeline.items.map((i) => i.kind)).toEqual(["request", "decision", "resolution"]);
    expect(timeline.items[2]).toMatchObject({ seq: null, recordedAt: null, decision: "EXPIRED", jobId: job.id });
    expect(timeline.items[2]!.time.toISOString()).toBe(new Date(submittedAt.getTime() + 600_000).toISOString());
    expect(isChronological(timeline.items)).toBe(true);
    // Nothing was written by reading it: the stored job is still pending until a host or the console reads it.
    expect((await database.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("PENDING_APPROVAL");
  });

  it("ends with the expiry when nobody decided in time", async () => {
    const traceId = randomBytes(16).toString("hex");
    const submittedAt = new Date();
    const job = await submit(traceId, "job.bridge.write.other", submittedAt);
    const stored = await database.prisma.job.findUniqueOrThrow({ where: { id: job.id }, omit: { requesterIds: true } });
    const later = new Date(submittedAt.getTime() + 2 * 3600_000);
    expect((await persistExpiry(database, stored, { type: "system", id: "test-sweeper" }, later)).status).toBe("EXPIRED");

    const timeline = await getTraceTimeline(auditor, traceId, { prisma: database.prisma });
    expect(timeline!.items.map((i) => i.kind)).toEqual(["request", "decision", "resolution"]);
    expect(timeline!.items[2]).toMatchObject({ title: "Approval window expired", actor: "system:test-sweeper", decision: "EXPIRED" });
    // The window closed at expiresAt; the entry was written when the job was next read.
    expect(timeline!.items[2]!.time.toISOString()).toBe(new Date(stored.expiresAt!).toISOString());
    expect(timeline!.items[2]!.recordedAt).not.toBeNull();
  });
});
