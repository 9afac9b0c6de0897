import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { getJobDetail } from "@/lib/server/approvals/job-detail";
import { compactJson } from "@/lib/server/approvals/pretty-canonical";
import { listApprovalJobs, mayReadJobs } from "@/lib/server/approvals/queue";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import type { SessionActor } from "@/lib/server/session";
import { parseApprovalsQuery, type ApprovalsQuery } from "@/lib/schemas/approvals";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

describe.each(BACKENDS)("approval queue and job page on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let vault: { id: string; slug: string };
  let foreignProfile: { id: string; slug: string };
  let approver: SessionActor;
  const jobs: Record<string, { id: string; jobHash: string; canonical: string }> = {};
  const topic = randomSlug("job.bridge").replace(/-/g, "_");

  const query = (over: Partial<ApprovalsQuery> = {}): ApprovalsQuery => ({ view: "pending", page: 1, size: 25, ...over });
  const ids = async (actor: SessionActor, over: Partial<ApprovalsQuery> = {}) =>
    (await listApprovalJobs(actor, query(over), { prisma })).rows.map((r) => r.id);

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id, { tier: "L2", ring: 2, health: "degraded" });
    vault = await createProfile(prisma, acme.id, { tier: "L4" });
    foreignProfile = await createProfile(prisma, globex.id, { tier: "L2" });
    approver = await createActor(prisma, acme.id, "approver");
    const base = { tenant: acme, profile: triage };
    jobs.old = await createJob(prisma, { ...base, createdAt: minutesAgo(30), topic: `${topic}.write.update`, riskTags: ["writes", "pii"] });
    jobs.newer = await createJob(prisma, { ...base, createdAt: minutesAgo(10), topic: `${topic}.read.list`, riskTags: ["reads"] });
    jobs.l4 = await createJob(prisma, { tenant: acme, profile: vault, createdAt: minutesAgo(20), approvalsNeeded: 2 });
    jobs.expiredUnswept = await createJob(prisma, { ...base, createdAt: minutesAgo(90), ttlSec: 60 });
    jobs.expiredSwept = await createJob(prisma, { ...base, status: "EXPIRED", createdAt: minutesAgo(95), ttlSec: 60, resolvedAt: minutesAgo(94) });
    jobs.approved = await createJob(prisma, { ...base, status: "APPROVED", createdAt: minutesAgo(50), resolvedAt: minutesAgo(40) });
    jobs.rejected = await createJob(prisma, { ...base, status: "REJECTED", createdAt: minutesAgo(60), resolvedAt: minutesAgo(5) });
    jobs.denied = await createJob(prisma, { ...base, status: "DENIED", createdAt: minutesAgo(3), reason: "shell is never allowed" });
    jobs.allowed = await createJob(prisma, { ...base, status: "ALLOWED", createdAt: minutesAgo(2) });
    jobs.foreign = await createJob(prisma, { tenant: globex, profile: foreignProfile, createdAt: minutesAgo(45) });
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("lists pending, unexpired jobs of the actor's tenants, oldest first", async () => {
    expect(await ids(approver)).toEqual([jobs.old!.id, jobs.l4!.id, jobs.newer!.id]);
    const page = await listApprovalJobs(approver, query(), { prisma });
    expect(page.total).toBe(3);
    expect(page.rows[1]).toMatchObject({ status: "PENDING_APPROVAL", approvals: 0, approvalsNeeded: 2, profile: { slug: vault.slug, tier: "L4" } });
    expect(page.rows[0]!.tenant).toEqual({ slug: acme.slug, name: `Tenant ${acme.slug}` });
  });

  it("shows resolved history, including a pending job past its expiry as EXPIRED", async () => {
    const history = await listApprovalJobs(approver, query({ view: "history" }), { prisma });
    expect(history.rows.map((r) => r.id)).toEqual([jobs.rejected!.id, jobs.approved!.id, jobs.expiredUnswept!.id, jobs.expiredSwept!.id]);
    expect(history.rows.map((r) => r.status)).toEqual(["REJECTED", "APPROVED", "EXPIRED", "EXPIRED"]);
    expect(await ids(approver, { view: "history", outcome: "EXPIRED" })).toEqual([jobs.expiredUnswept!.id, jobs.expiredSwept!.id]);
    expect(await ids(approver, { view: "history", outcome: "APPROVED" })).toEqual([jobs.approved!.id]);
  });

  it("filters by tenant, profile, tier, topic (and what is under it) and risk tag", async () => {
    expect(await ids(approver, { profile: vault.slug })).toEqual([jobs.l4!.id]);
    expect(await ids(approver, { tier: "L4" })).toEqual([jobs.l4!.id]);
    expect(await ids(approver, { tier: "L2", riskTag: "pii" })).toEqual([jobs.old!.id]);
    expect(await ids(approver, { topic })).toEqual([jobs.old!.id, jobs.newer!.id]);
    expect(await ids(approver, { topic: `${topic}.read` })).toEqual([jobs.newer!.id]);
    expect(await ids(approver, { topic: `${topic}.re` })).toEqual([]);
    expect(await ids(approver, { tenant: acme.slug })).toHaveLength(3);
    expect(await ids(approver, { tenant: globex.slug })).toEqual([]);
  });

  it("paginates, clamping a page past the end to the last one", async () => {
    const first = await listApprovalJobs(approver, query({ size: 2 }), { prisma });
    expect(first).toMatchObject({ total: 3, page: 1, pageCount: 2 });
    const last = await listApprovalJobs(approver, query({ size: 2, page: 9 }), { prisma });
    expect(last.page).toBe(2);
    expect([...first.rows, ...last.rows].map((r) => r.id)).toEqual([jobs.old!.id, jobs.l4!.id, jobs.newer!.id]);
  });

  it("scopes by job.read: other tenants, viewers and operators see nothing; a platform admin sees all", async () => {
    const foreignApprover = await createActor(prisma, globex.id, "approver");
    expect(await ids(foreignApprover)).toEqual([jobs.foreign!.id]);
    expect(await ids(foreignApprover, { tenant: acme.slug })).toEqual([]);
    for (const role of ["viewer", "operator"] as const) {
      const actor = await createActor(prisma, acme.id, role);
      expect(mayReadJobs(actor)).toBe(false);
      expect(await ids(actor)).toEqual([]);
      expect(await getJobDetail(actor, jobs.old!.id, { prisma })).toBeNull();
    }
    const auditor = await createActor(prisma, acme.id, "auditor");
    expect(await ids(auditor)).toHaveLength(3);
    const admin = await createActor(prisma, null, "platform_admin");
    expect(await ids(admin)).toEqual(expect.arrayContaining([jobs.old!.id, jobs.foreign!.id]));
  });

  it("reads one job: canonical text as hashed, decision, profile context, votes; not found across tenants", async () => {
    const other = await createActor(prisma, acme.id, "approver");
    const voted = await voteOnJobAction.execute(
      { actor: other, prisma },
      { jobId: jobs.l4!.id, vote: "approve", note: "looks right", seenHash: jobs.l4!.jobHash },
    );
    expect(voted.ok).toBe(true);
    const detail = await getJobDetail(approver, jobs.l4!.id, { prisma });
    expect(detail).toMatchObject({
      id: jobs.l4!.id,
      canonical: jobs.l4!.canonical,
      jobHash: jobs.l4!.jobHash,
      status: "PENDING_APPROVAL",
      approvals: 1,
      approvalsNeeded: 2,
      tenant: { slug: acme.slug },
      profile: { slug: vault.slug, tier: "L4" },
      decision: { decision: "REQUIRE_APPROVAL", inputHash: jobs.l4!.jobHash, ruleIds: ["platform:test-rule"] },
      votes: [{ voter: other.email, vote: "approve", note: "looks right", seenHash: jobs.l4!.jobHash }],
    });
    expect(compactJson(detail!.pretty)).toBe(jobs.l4!.canonical);
    expect(detail!.pretty.split("\n").length).toBeGreaterThan(5);

    const triageDetail = await getJobDetail(approver, jobs.old!.id, { prisma });
    expect(triageDetail!.profile).toMatchObject({ ring: 2, health: "degraded" });
    expect(triageDetail!.recentDenies.total).toBe(2);
    expect(triageDetail!.recentDenies.rows.map((r) => [r.id, r.reason])).toEqual([
      [jobs.denied!.id, "shell is never allowed"],
      [jobs.rejected!.id, null],
    ]);

    expect((await getJobDetail(approver, jobs.expiredUnswept!.id, { prisma }))!.status).toBe("EXPIRED");
    const foreignApprover = await createActor(prisma, globex.id, "approver");
    expect(await getJobDetail(foreignApprover, jobs.old!.id, { prisma })).toBeNull();
    expect(await getJobDetail(approver, jobs.foreign!.id, { prisma })).toBeNull();
  });

  it("parses the address leniently: bad values are reported and dropped", () => {
    expect(parseApprovalsQuery({ view: "history", tier: "L4", topic: " job.x ", page: "2" })).toEqual({
      query: { view: "history", tier: "L4", topic: "job.x", page: 2, size: 25 },
      problems: [],
    });
    const bad = parseApprovalsQuery({ view: "everything", tier: "L9", page: "-1", outcome: "APPROVED" });
    expect(bad.query).toEqual({ view: "pending", page: 1, size: 25 });
    expect(bad.problems).toEqual([
      "view must be pending or history",
      "tier must be one of L0, L1, L2, L3, L4, L5",
      "page starts at 1",
    ]);
  });
});
