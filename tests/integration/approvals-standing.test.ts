/**
 * What the approval pages say before anyone votes, on both backends: the
 * kill switches in force covering each pending job of the queue (the same
 * coverage the vote and the jobs API apply), the switch on the job page with
 * its reason, who engaged it and when; where each reader stands with the vote
 * and why (lib/authz's words); and, once voted, the reader's own vote with its
 * receipt and audit entry.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { getJobDetail } from "@/lib/server/approvals/job-detail";
import { listApprovalJobs } from "@/lib/server/approvals/queue";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { engageKillSwitchAction, releaseKillSwitchAction, switchesCovering } from "@/lib/server/killswitches";
import type { SessionActor } from "@/lib/server/session";
import type { ApprovalsQuery } from "@/lib/schemas/approvals";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { sealedAt } from "../support/audit";

const NOTE = "Checked with the ticket owner.";

describe.each(BACKENDS)("approval standing and covering kill switches on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let vault: { id: string; slug: string };
  let foreignProfile: { id: string; slug: string };
  let admin: SessionActor;
  let approver: SessionActor;
  const root = randomSlug("job.standing").replace(/-/g, "_");

  const query = (over: Partial<ApprovalsQuery> = {}): ApprovalsQuery => ({ view: "pending", page: 1, size: 25, ...over });
  const engage = async (input: Record<string, unknown>) => {
    const result = await engageKillSwitchAction.execute({ actor: admin, prisma }, input);
    if (!result.ok) throw new Error(result.error.message);
    return result.data;
  };
  const release = async (id: string) => {
    const result = await releaseKillSwitchAction.execute({ actor: admin, prisma }, { id, reason: "all clear" });
    if (!result.ok) throw new Error(result.error.message);
  };
  const vote = (actor: SessionActor, job: { id: string; jobHash: string }, v: "approve" | "deny") =>
    voteOnJobAction.execute({ actor, prisma }, { jobId: job.id, vote: v, note: NOTE, seenHash: job.jobHash });
  const detail = async (actor: SessionActor, id: string) => {
    const found = await getJobDetail(actor, id, { prisma });
    if (!found) throw new Error(`job ${id} not visible`);
    return found;
  };

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id, { tier: "L2" });
    vault = await createProfile(prisma, acme.id, { tier: "L2" });
    foreignProfile = await createProfile(prisma, globex.id, { tier: "L2" });
    admin = await createActor(prisma, acme.id, "tenant_admin");
    approver = await createActor(prisma, acme.id, "approver");
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("marks each pending queue row with the switches covering it, exactly as switchesCovering decides", async () => {
    const t = `${root}_q`; // one segment after "job.", as capability topics (job.*.write.**) expect
    const on = (profile: { id: string; slug: string }, tenant: { id: string; slug: string }, topic: string) =>
      createJob(prisma, { tenant, profile, topic: `${t}.${topic}`, riskTags: [] });
    const triageWrite = await on(triage, acme, "write.update_ticket");
    const triageRead = await on(triage, acme, "read.list");
    const vaultWrite = await on(vault, acme, "write.rotate");
    const vaultRead = await on(vault, acme, "read.get");
    const foreign = await on(foreignProfile, globex, "write.update_ticket");
    const settled = await createJob(prisma, { tenant: acme, profile: triage, topic: `${t}.write.done`, status: "APPROVED", resolvedAt: new Date() });

    const profileSwitch = await engage({ scope: "profile", profile: triage.slug, reason: "triage leaks ticket bodies" });
    const writeTools = await engage({ scope: "capability", capability: "write-tools", profile: vault.slug, reason: "vault writes paused" });
    // A capability no job here matches covers none of them.
    const shell = await engage({ scope: "capability", capability: "shell-network", tenant: acme.slug, reason: "no shell today" });
    try {
      const page = await listApprovalJobs(approver, query({ topic: t }), { prisma });
      const byId = new Map(page.rows.map((r) => [r.id, r]));
      expect(byId.get(triageWrite.id)!.killSwitches).toEqual([
        { id: profileSwitch.id, description: `profile ${triage.slug}`, reason: "triage leaks ticket bodies" },
      ]);
      expect(byId.get(triageRead.id)!.killSwitches.map((s) => s.id)).toEqual([profileSwitch.id]);
      expect(byId.get(vaultWrite.id)!.killSwitches).toEqual([
        { id: writeTools.id, description: `Write tools on profile ${vault.slug}`, reason: "vault writes paused" },
      ]);
      expect(byId.get(vaultRead.id)!.killSwitches).toEqual([]);
      expect(byId.has(foreign.id)).toBe(false);

      // The batch read agrees with the one-job read the vote and the jobs API use.
      for (const row of page.rows) {
        const job = await prisma.job.findUniqueOrThrow({ where: { id: row.id } });
        const single = await switchesCovering(prisma, { tenantId: job.tenantId, profileId: job.profileId, topic: job.topic, riskTags: job.riskTags }, new Date());
        expect(row.killSwitches.map((s) => s.id), row.topic).toEqual(single.map((s) => s.id));
      }
      // History rows carry none: a switch no longer changes a settled job.
      const history = await listApprovalJobs(approver, query({ view: "history", topic: t }), { prisma });
      expect(history.rows.map((r) => [r.id, r.killSwitches])).toEqual([[settled.id, []]]);
    } finally {
      await release(profileSwitch.id);
      await release(writeTools.id);
      await release(shell.id);
    }
    const after = await listApprovalJobs(approver, query({ topic: t }), { prisma });
    expect(after.rows.every((r) => r.killSwitches.length === 0)).toBe(true);
  });

  it("shows the switch on the job page with its reason, who engaged it and when, and disables approving with the action's own words", async () => {
    const job = await createJob(prisma, { tenant: acme, profile: triage, topic: `${root}.page.write.update_ticket` });
    const before = new Date();
    const sw = await engage({ scope: "profile", profile: triage.slug, reason: "triage leaks ticket bodies" });
    try {
      const page = await detail(approver, job.id);
      expect(page.killSwitches).toHaveLength(1);
      expect(page.killSwitches[0]).toMatchObject({
        id: sw.id,
        description: `profile ${triage.slug}`,
        reason: "triage leaks ticket bodies",
        engagedBy: { id: admin.userId, name: admin.name },
        inForce: true,
      });
      expect(new Date(page.killSwitches[0]!.engagedAt).getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
      expect(page.standing).toMatchObject({ open: true, reason: null, mine: null });
      expect(page.standing.approveBlocked).toContain(`kill switch ${sw.id}`);
      expect(page.standing.approveBlocked).toContain("triage leaks ticket bodies");

      // The server still refuses, in the words the page showed; a deny is taken.
      const refused = await vote(approver, job, "approve");
      expect(refused).toMatchObject({ ok: false, error: { code: "conflict", message: page.standing.approveBlocked } });
      const denied = await vote(approver, job, "deny");
      expect(denied).toMatchObject({ ok: true, data: { status: "REJECTED" } });
      // Settled: the switch no longer concerns this job's page.
      const settled = await detail(approver, job.id);
      expect(settled.killSwitches).toEqual([]);
      expect(settled.standing.mine).toMatchObject({ vote: "deny", receiptId: denied.ok ? denied.receipt!.id : "" });
    } finally {
      await release(sw.id);
    }
  });

  it("after a vote: the reader's own vote with its receipt and audit entry, and the others told the job is settled", async () => {
    const job = await createJob(prisma, { tenant: acme, profile: triage, topic: `${root}.voted.write.update_ticket` });
    const result = await vote(approver, job, "approve");
    if (!result.ok) throw new Error(result.error.message);
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: result.receipt!.id } });

    const mine = await detail(approver, job.id);
    expect(mine.status).toBe("APPROVED");
    expect(mine.standing).toMatchObject({ open: false, reason: null, approveBlocked: null });
    expect(mine.standing.mine).toMatchObject({ userId: approver.userId, vote: "approve", receiptId: receipt.id, auditSeq: receipt.auditSeq });
    expect(mine.votes).toEqual([expect.objectContaining({ receiptId: receipt.id, auditSeq: receipt.auditSeq })]);
    const entry = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry).toMatchObject({ action: "job.vote", resource: `job:${job.id}` });
    // The submit receipt's audit entry too.
    const submit = await prisma.receipt.findUniqueOrThrow({ where: { id: mine.receiptId } });
    expect(mine.receiptAuditSeq).toBe(submit.auditSeq);
    // Approvers hold no audit.read: "audit #N" is no link for them; a tenant admin's is.
    expect(mine.mayOpenAudit).toBe(false);
    expect((await detail(admin, job.id)).mayOpenAudit).toBe(true);

    const other = await createActor(prisma, acme.id, "approver");
    expect((await detail(other, job.id)).standing).toEqual({
      open: false,
      reason: "This job is already approved; it can no longer be approved or denied.",
      approveBlocked: null,
      mine: null,
    });
  });

  it("tells each reader who cannot vote why, in lib/authz's words", async () => {
    const requester = await createActor(prisma, acme.id, "approver");
    const job = await createJob(prisma, { tenant: acme, profile: triage, topic: `${root}.why.write.update_ticket`, requesterIds: [requester.userId] });
    const reason = async (actor: SessionActor) => {
      const page = await detail(actor, job.id);
      expect(page.standing.open).toBe(false);
      return page.standing.reason;
    };
    expect(await reason(admin)).toBe("You may not approve or deny a job here as a tenant admin; only approvers may.");
    expect(await reason(await createActor(prisma, null, "platform_admin"))).toBe(
      "Platform admins may not approve or deny a job here; only the tenant's approvers may.",
    );
    expect(await reason(await createActor(prisma, acme.id, "auditor"))).toBe("You may not approve or deny a job here as an auditor; only approvers may.");
    expect(await reason(requester)).toBe("You cannot approve your own request.");

    // Globex's approver who audits acme sees the job, and is told their role in acme does not vote.
    const globexApprover = await createActor(prisma, globex.id, "approver");
    await prisma.membership.create({ data: { userId: globexApprover.userId, tenantId: acme.id, role: "auditor" } });
    const both: SessionActor = {
      ...globexApprover,
      memberships: [...globexApprover.memberships, { tenantId: acme.id, role: "auditor" }],
    };
    expect(await reason(both)).toBe("You may not approve or deny a job here as an auditor; only approvers may.");
    // Globex's approver alone does not see the job at all.
    expect(await getJobDetail(globexApprover, job.id, { prisma })).toBeNull();
    // A platform admin viewing as the tenant's approver: read-only.
    const viewing: SessionActor = {
      ...(await createActor(prisma, null, "platform_admin")),
      platformAdmin: false,
      memberships: [{ tenantId: acme.id, role: "approver" }],
      viewAs: { tenantId: acme.id, role: "approver" },
    };
    expect((await getJobDetail(viewing, job.id, { prisma }))?.standing.reason ?? "").toMatch(/viewing as another role, which is read-only/);

    // Every one of them is refused by the action as well: the page only says it first.
    for (const actor of [admin, requester, both]) expect((await vote(actor, job, "approve")).ok).toBe(false);
    // And the approver who may vote has the form.
    expect((await detail(approver, job.id)).standing).toEqual({ open: true, reason: null, approveBlocked: null, mine: null });
  });
});
