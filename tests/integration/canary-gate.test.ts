/**
 * The governance gate on both databases, through the pipeline definitions:
 * a promotion is refused with every unmet item named (and a receipt), a
 * passing one becomes a governance.promote job that the requester cannot
 * approve, the approval moves the stage in the vote's transaction, a change
 * of evidence between request and vote voids the approval, L4 needs two
 * approvers, and a rollback needs no approval but a registered target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as ingest } from "@/app/api/v1/ingest/route";
import { POST as submitJob } from "@/app/api/v1/jobs/route";
import { setDatabase, type Db } from "@/lib/db";
import { EVIDENCE_ITEMS } from "@/lib/domain/evidence";
import { requiredControls, type TierName } from "@/lib/domain/tiers";
import { planPromotionAction, requestPromotionAction, rollbackAction } from "@/lib/server/canary/actions";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { getJobDetail } from "@/lib/server/approvals/job-detail";
import { loadDirectives } from "@/lib/server/directives";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant, TEST_DIGEST } from "../support/factories";
import { createActor } from "../support/job-factory";
import { batch, createTestHost, sign } from "../support/signed-client";
import { createJobsHost, jobBody, signedCall, toRequest } from "./jobs-support";

describe.each(BACKENDS)("the canary gate on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let tenant: { id: string; slug: string };
  let other: { id: string; slug: string };
  let operator: SessionActor;
  let approver: SessionActor;
  let second: SessionActor;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    tenant = await createTenant(prisma, "acme");
    other = await createTenant(prisma, "globex");
    operator = await createActor(prisma, tenant.id, "operator");
    approver = await createActor(prisma, tenant.id, "approver");
    second = await createActor(prisma, tenant.id, "approver");
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const run = <T extends { execute: (c: { actor: SessionActor; prisma: Db }, input: unknown) => unknown }>(action: T, actor: SessionActor, input: Record<string, unknown>) =>
    action.execute({ actor, prisma }, input) as ReturnType<T["execute"]>;

  /** Every evidence item passing, observed `ageSec` ago, and every control the tier requires attested. */
  async function proveAll(profile: { id: string; tier: TierName }, ageSec = 60, canary = { requests: 20_000, errors: 10 }) {
    const observedAt = new Date(Date.now() - ageSec * 1000);
    for (const item of EVIDENCE_ITEMS) {
      const detail = item === "rollback_proven" ? { durationSec: 95 } : item === "intended_digest" ? { digest: TEST_DIGEST } : item === "canary_survived" ? canary : {};
      await prisma.profileEvidence.upsert({
        where: { profileId_item: { profileId: profile.id, item } },
        create: { profileId: profile.id, item, passed: true, observedAt, detail },
        update: { passed: true, observedAt, detail },
      });
    }
    for (const control of requiredControls(profile.tier)) {
      await prisma.profileControl.upsert({
        where: { profileId_control: { profileId: profile.id, control } },
        create: { profileId: profile.id, control, evidencedAt: observedAt, source: "test" },
        update: { evidencedAt: observedAt },
      });
    }
  }

  const vote = (actor: SessionActor, job: { id: string; jobHash: string }, v: "approve" | "deny" = "approve") =>
    voteOnJobAction.execute({ actor, prisma }, { jobId: job.id, vote: v, note: "checked the gate", seenHash: job.jobHash });

  it("refuses a profile with no evidence, naming every unmet item, with a receipt and no job", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L2" });
    const plan = await run(planPromotionAction, operator, { profileSlug: profile.slug });
    expect(plan).toMatchObject({ ok: true, data: { gate: { passed: false, from: "deploy_only", to: "read_only" }, pending: null } });
    const result = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    expect(result.ok).toBe(true);
    if (!result.ok || result.data.outcome !== "refused") throw new Error("expected a refusal");
    const unmet = result.data.gate.unmet.map((i) => i.detail);
    expect(unmet).toContain("Intended digest running: missing");
    expect(unmet).toContain("Secrets not logged: missing");
    expect(unmet.some((d) => /^Rollback (drill|proven)/.test(d)), unmet.join("; ")).toBe(true);
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: result.receipt!.id } });
    expect(receipt).toMatchObject({ action: "canary.promote", scopeType: "profile", scopeId: profile.id, actorId: operator.userId });
    expect((receipt.summary as { gate: string; unmet: string[] }).unmet).toEqual(unmet);
    expect(await prisma.job.count({ where: { profileId: profile.id } })).toBe(0);
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("deploy_only");
  });

  it("turns a passing request into a governance.promote job the requester cannot approve; the approval moves the stage", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L2" });
    await proveAll(profile);
    const result = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    if (!result.ok || result.data.outcome !== "requested") throw new Error(`expected a request, got ${JSON.stringify(result)}`);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: result.data.jobId } });
    expect(job).toMatchObject({ topic: "governance.promote", status: "PENDING_APPROVAL", approvalsNeeded: 1, requester: operator.email, receiptId: result.receipt!.id });
    expect(JSON.parse(job.canonical)).toMatchObject({ payload: { from: "deploy_only", to: "read_only", gateSnapshotHash: result.data.gate.snapshotHash } });
    // The console's own job passes the integrity recheck like a host's.
    const detail = await getJobDetail(approver, job.id, { prisma });
    expect(detail!.integrity.problems).toEqual([]);

    const again = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringContaining(`job ${job.id}`) } });

    const own = await vote(operator, job);
    expect(own).toMatchObject({ ok: false });
    const approved = await vote(approver, job);
    expect(approved).toMatchObject({ ok: true, data: { status: "APPROVED" } });
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("read_only");
    const change = await prisma.stageChange.findFirstOrThrow({ where: { profileId: profile.id } });
    expect(change).toMatchObject({ fromStage: "deploy_only", toStage: "read_only", kind: "promotion", actorId: approver.userId, snapshotHash: result.data.gate.snapshotHash });
    expect(change.receiptId).toBe(approved.ok ? approved.receipt!.id : "");
    expect((await prisma.promotionRequest.findUniqueOrThrow({ where: { id: result.data.requestId } })).status).toBe("approved");
  });

  it("voids the approval when the evidence changes between request and vote, and says why", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L2", canaryStage: "read_only" });
    await proveAll(profile);
    const result = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    if (!result.ok || result.data.outcome !== "requested") throw new Error("expected a request");
    await prisma.profileEvidence.update({
      where: { profileId_item: { profileId: profile.id, item: "secrets_not_logged" } },
      data: { passed: false, observedAt: new Date(), detail: { reason: "an API key was found in app.log" } },
    });
    const job = await prisma.job.findUniqueOrThrow({ where: { id: result.data.jobId } });
    const refused = await vote(approver, job);
    expect(refused).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/can no longer be approved: the gate no longer passes:\n- Secrets not logged: failing/) } });
    expect((await prisma.promotionRequest.findUniqueOrThrow({ where: { id: result.data.requestId } })).status).toBe("void");
    expect((await prisma.job.findUniqueOrThrow({ where: { id: job.id } })).status).toBe("REJECTED");
    expect(await prisma.auditEntry.count({ where: { action: "canary.promote.void", resource: `job:${job.id}` } })).toBe(1);
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("read_only");
    expect(await prisma.jobVote.count({ where: { jobId: job.id } })).toBe(0);
  });

  it("needs two approvers for an L4 promotion, and a deny closes the request", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L4", canaryStage: "limited" });
    await proveAll(profile);
    const result = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    if (!result.ok || result.data.outcome !== "requested") throw new Error(`expected a request, got ${JSON.stringify(result.ok ? result.data.gate.unmet : result)}`);
    expect(result.data).toMatchObject({ approvalsNeeded: 2, gate: { to: "promoted" } });
    const job = await prisma.job.findUniqueOrThrow({ where: { id: result.data.jobId } });
    expect(await vote(approver, job)).toMatchObject({ ok: true, data: { status: "PENDING_APPROVAL", approvals: 1, approvalsNeeded: 2 } });
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("limited");
    expect(await vote(second, job)).toMatchObject({ ok: true, data: { status: "APPROVED" } });
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("promoted");

    const denied = await createProfile(prisma, tenant.id, { tier: "L2" });
    await proveAll(denied);
    const request = await run(requestPromotionAction, operator, { profileSlug: denied.slug });
    if (!request.ok || request.data.outcome !== "requested") throw new Error("expected a request");
    const deniedJob = await prisma.job.findUniqueOrThrow({ where: { id: request.data.jobId } });
    expect(await vote(approver, deniedJob, "deny")).toMatchObject({ ok: true, data: { status: "REJECTED" } });
    expect((await prisma.promotionRequest.findUniqueOrThrow({ where: { id: request.data.requestId } })).status).toBe("rejected");
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: denied.id } })).canaryStage).toBe("deploy_only");
  });

  it("refuses two stages at once, a stage that does not exist, too little canary traffic, and another tenant's profile", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L2" });
    await proveAll(profile);
    const skip = await run(requestPromotionAction, operator, { profileSlug: profile.slug, to: "limited" });
    expect(skip.ok && skip.data.outcome === "refused" && skip.data.gate.unmet.map((i) => i.id)).toEqual(["transition"]);
    const nonsense = await run(requestPromotionAction, operator, { profileSlug: profile.slug, to: "production" });
    expect(nonsense.ok && nonsense.data.outcome === "refused" && nonsense.data.gate.unmet[0]!.detail).toMatch(/No such stage "production"/);

    const thin = await createProfile(prisma, tenant.id, { tier: "L2", canaryStage: "limited" });
    await proveAll(thin, 60, { requests: 120, errors: 0 });
    const volume = await run(requestPromotionAction, operator, { profileSlug: thin.slug });
    expect(volume.ok && volume.data.outcome === "refused" && volume.data.gate.unmet.map((i) => i.detail)).toEqual([expect.stringMatching(/^Canary traffic: 120 requests .* 1000 needed/)]);

    const foreign = await createProfile(prisma, other.id, { tier: "L2" });
    const theirs = await run(requestPromotionAction, operator, { profileSlug: foreign.slug });
    const missing = await run(requestPromotionAction, operator, { profileSlug: "no-such-profile" });
    expect(theirs).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(JSON.stringify(theirs)).toBe(JSON.stringify(missing));
    const viewer = await createActor(prisma, tenant.id, "viewer");
    expect(await run(requestPromotionAction, viewer, { profileSlug: profile.slug })).toMatchObject({ ok: false, error: { code: "forbidden", permission: "canary.promote" } });
  });

  it("demotes a promoted profile at once when fresh evidence of a demoting item fails; a passing one or a deploy_only profile stays", async () => {
    const host = await createTestHost(prisma, { profiles: 2 });
    const [promoted, early] = host.profiles as [string, string];
    await prisma.profile.update({ where: { slug: promoted }, data: { canaryStage: "promoted" } });
    const send = (profile: string, attributes: Record<string, unknown>) => {
      const signed = sign({ url: "http://console.test/api/v1/ingest", body: batch([{ type: "canary.evidence", profile, attributes }]), host });
      return ingest(new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.body }));
    };
    expect((await send(promoted, { item: "egress_enforced", passed: true })).status).toBe(202);
    expect((await prisma.profile.findUniqueOrThrow({ where: { slug: promoted } })).canaryStage).toBe("promoted");
    expect((await send(early, { item: "secrets_not_logged", passed: false, reason: "a key in app.log" })).status).toBe(202);
    expect((await prisma.profile.findUniqueOrThrow({ where: { slug: early } })).canaryStage).toBe("deploy_only");

    expect((await send(promoted, { item: "secrets_not_logged", passed: false, reason: "an API key pattern in app.log" })).status).toBe(202);
    const row = await prisma.profile.findUniqueOrThrow({ where: { slug: promoted } });
    expect(row.canaryStage).toBe("rolled_back");
    const change = await prisma.stageChange.findFirstOrThrow({ where: { profileId: row.id } });
    expect(change).toMatchObject({ kind: "demotion", fromStage: "promoted", toStage: "rolled_back", actorType: "system", reason: "secrets_not_logged failing: an API key pattern in app.log" });
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: change.receiptId } });
    expect(receipt).toMatchObject({ action: "canary.demote", actorType: "system", scopeId: row.id });
  });

  it("denies a drifting profile's risky jobs with drift:<tool> until the registry catches up or the host reports the registered hash", async () => {
    const host = await createJobsHost(prisma);
    const slug = host.profiles[0]!;
    const H = (c: string) => `sha256:${c.repeat(64)}`;
    await prisma.profile.update({ where: { slug }, data: { tools: [{ name: "update_ticket", schemaHash: H("a") }] } });
    const report = async (attributes: Record<string, unknown>) => {
      const signed = sign({ url: "http://console.test/api/v1/ingest", body: batch([{ type: "tool.allowed", profile: slug, attributes }]), host });
      expect((await ingest(new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.body }))).status).toBe(202);
    };
    const submit = async (topic: string) =>
      (await submitJob(toRequest(signedCall("POST", "http://console.test/api/v1/jobs", host, JSON.stringify(jobBody(host, { topic })))))).json();

    expect((await submit("job.bridge.write.update_ticket")).status).toBe("PENDING_APPROVAL");
    await report({ tool: "update_ticket", schemaHash: H("c") });
    await report({ tool: "shell_exec" });
    const denied = await submit("job.bridge.write.update_ticket");
    expect(denied).toMatchObject({ status: "DENIED", decision: { ruleIds: ["drift:shell_exec", "drift:update_ticket"] } });
    expect(denied.decision.reason).toContain(`update_ticket schema hash ${H("c")} (registered ${H("a")})`);
    expect(denied.decision.reason).toContain("shell_exec not in the registry");
    expect((await submit("job.bridge.read.ticket")).status).toBe("ALLOWED");

    // The host reports the registered hash again; the registry lists the other tool: drift lifts.
    await report({ tool: "update_ticket", schemaHash: H("a") });
    expect((await submit("job.bridge.write.update_ticket")).decision.ruleIds).toEqual(["drift:shell_exec"]);
    await prisma.profile.update({ where: { slug }, data: { tools: [{ name: "update_ticket", schemaHash: H("a") }, { name: "shell_exec", schemaHash: "" }] } });
    expect((await submit("job.bridge.write.update_ticket")).status).toBe("PENDING_APPROVAL");

    // Several reports of one tool in a batch: the newest counts, whatever their order in the batch.
    const t = Date.now();
    const mixed = sign({
      url: "http://console.test/api/v1/ingest",
      body: batch([
        { type: "tool.allowed", profile: slug, occurredAt: new Date(t + 2000).toISOString(), attributes: { tool: "update_ticket", schemaHash: H("d") } },
        { type: "tool.allowed", profile: slug, occurredAt: new Date(t + 1000).toISOString(), attributes: { tool: "update_ticket", schemaHash: H("a") } },
      ]),
      host,
    });
    expect((await ingest(new Request(mixed.url, { method: "POST", headers: mixed.headers, body: mixed.body }))).status).toBe(202);
    expect((await submit("job.bridge.write.update_ticket")).decision.ruleIds).toEqual(["drift:update_ticket"]);
  });

  it("sends a rollback to the host in its signed directives until the host reports it carried out, and records how long it took", async () => {
    const host = await createTestHost(prisma, { profiles: 1 });
    const slug = host.profiles[0]!;
    const profile = await prisma.profile.update({ where: { slug }, data: { canaryStage: "limited" } });
    const admin = await createActor(prisma, profile.tenantId, "tenant_admin");
    const rolled = await run(rollbackAction, admin, { profileSlug: slug, reason: "p99 latency tripled" });
    if (!rolled.ok) throw new Error(JSON.stringify(rolled));
    const directives = () => loadDirectives(prisma, { id: host.hostId, profileIds: [profile.id] }, new Date(), 60);
    const first = (await directives()).profiles[0]!;
    expect(first.rollback).toMatchObject({ id: rolled.data.stageChangeId, endpoint: profile.rollbackEndpoint, manifestDigest: profile.rollbackManifestDigest, reason: "p99 latency tripled" });

    const signed = sign({
      url: "http://console.test/api/v1/ingest",
      body: batch([{ type: "rollback.executed", profile: slug, attributes: { rollback: rolled.data.stageChangeId, target: profile.rollbackEndpoint, durationSec: 42.5 } }]),
      host,
    });
    expect((await ingest(new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.body }))).status).toBe(202);
    const change = await prisma.stageChange.findUniqueOrThrow({ where: { id: rolled.data.stageChangeId } });
    expect(change.executionSec).toBe(42.5);
    expect(change.executedAt).toBeInstanceOf(Date);
    expect((await directives()).profiles[0]!.rollback).toBeUndefined();
  });

  it("rolls back without approval to the registered target, voiding a pending promotion; refuses without a target", async () => {
    const profile = await createProfile(prisma, tenant.id, { tier: "L2", canaryStage: "read_only" });
    await proveAll(profile);
    const request = await run(requestPromotionAction, operator, { profileSlug: profile.slug });
    if (!request.ok || request.data.outcome !== "requested") throw new Error("expected a request");
    const rolled = await run(rollbackAction, operator, { profileSlug: profile.slug, reason: "error rate doubled after the deploy" });
    expect(rolled).toMatchObject({ ok: true, data: { from: "read_only", to: "rolled_back", target: { endpoint: "https://rollback.internal/x" }, voided: [request.data.requestId] } });
    expect((await prisma.profile.findUniqueOrThrow({ where: { id: profile.id } })).canaryStage).toBe("rolled_back");
    expect(await prisma.stageChange.findFirstOrThrow({ where: { profileId: profile.id, kind: "rollback" } })).toMatchObject({ reason: "error rate doubled after the deploy", actorId: operator.userId });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: request.data.jobId } })).status).toBe("REJECTED");
    expect(await run(rollbackAction, operator, { profileSlug: profile.slug, reason: "again" })).toMatchObject({ ok: false, error: { code: "conflict" } });
    // A rolled-back profile restarts the canary at read_only, through the gate again.
    const plan = await run(planPromotionAction, operator, { profileSlug: profile.slug });
    expect(plan).toMatchObject({ ok: true, data: { gate: { from: "rolled_back", to: "read_only", passed: true } } });

    const bare = await createProfile(prisma, tenant.id, { tier: "L2", rollbackEndpoint: "", rollbackManifestDigest: "" });
    const refused = await run(rollbackAction, operator, { profileSlug: bare.slug, reason: "stop" });
    expect(refused).toMatchObject({ ok: false, error: { code: "invalid_input", message: expect.stringMatching(/no rollback target: the rollback endpoint and the rollback manifest digest are not registered/) } });
    expect(await run(rollbackAction, operator, { profileSlug: profile.slug, reason: "  " })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
  });
});
