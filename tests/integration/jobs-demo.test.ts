/**
 * Demo jobs: submitted through the real submit path as the demo hosts,
 * under the demo policies, on both backends; a second call does nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJob, effectiveStatus, type JobStatus } from "@/lib/domain/jobs";
import { seedDemo } from "@/lib/server/demo-seed";
import { seedDemoJobs } from "@/lib/server/jobs/demo";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";

describe.each(BACKENDS)("demo jobs (%s)", (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const seeded = await seedDemo(database, { apply: true, password: "demo-password-123" });
    expect(seeded.status).toBe("seeded");
    // seedDemo applies the demo policies and then submits the demo jobs.
    expect(await database.prisma.policyVersion.count()).toBeGreaterThan(0);
  }, 180_000);
  afterAll(async () => {
    await database?.close();
  });

  it("leaves pending jobs for each demo tenant's approvers, plus allowed, denied and expired history", async () => {
    const jobs = await database.sql.query<{ id: string; status: JobStatus; expiresAt: Date | null; topic: string; slug: string; approvalsNeeded: number; hostId: string; canonical: string; jobHash: string; receiptId: string }>(
      `SELECT j."id", j."status"::text AS "status", j."expiresAt", j."topic", p."slug", j."approvalsNeeded", j."hostId", j."canonical", j."jobHash", j."receiptId"
         FROM "Job" j JOIN "Profile" p ON p."id" = j."profileId" ORDER BY j."createdAt"`,
    );
    const now = new Date();
    const status = (j: (typeof jobs)[number]) => effectiveStatus({ status: j.status, expiresAt: j.expiresAt ? new Date(j.expiresAt) : null }, now);
    const pending = jobs.filter((j) => status(j) === "PENDING_APPROVAL");
    expect(new Set(pending.map((j) => j.slug))).toEqual(new Set(["acme-ticket-triage", "globex-build-runner", "initech-report-writer"]));
    expect(pending.find((j) => j.slug === "globex-build-runner")?.approvalsNeeded).toBe(2);
    expect(jobs.filter((j) => j.hostId === "acme-sandbox-01").map(status)).toEqual(expect.arrayContaining(["EXPIRED", "ALLOWED", "DENIED", "PENDING_APPROVAL"]));
    // The hosts' jobs, and the demo's promotion requests (governance.promote jobs the console itself submitted, all approved).
    const hosts = jobs.filter((j) => j.topic !== "governance.promote");
    const promotions = jobs.filter((j) => j.topic === "governance.promote");
    expect(promotions.length).toBeGreaterThan(0);
    expect(promotions.every((j) => j.status === "APPROVED")).toBe(true);
    for (const j of jobs) {
      expect(canonicalJob(JSON.parse(j.canonical)).jobHash).toBe(j.jobHash);
      const action = j.topic === "governance.promote" ? "canary.promote" : "job.submit";
      expect(await database.prisma.receipt.count({ where: { id: j.receiptId, action } }), j.topic).toBe(1);
    }
    expect(await database.prisma.policyDecision.count({ where: { jobId: { in: hosts.map((j) => j.id) } } })).toBe(hosts.length);
  });

  it("does nothing the second time", async () => {
    const before = await database.prisma.job.count();
    expect(await seedDemoJobs(database)).toEqual([]);
    expect(await database.prisma.job.count()).toBe(before);
  });
});
