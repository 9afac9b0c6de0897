/**
 * Engaging and releasing kill switches through the action pipeline on both
 * backends: permissions per scope, receipts and audit entries, release that
 * never deletes, scoped lists and banners, the plan, automatic release.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { mayRun } from "@/lib/server/action";
import {
  capabilityOptions,
  engageKillSwitchAction,
  killSwitchProfileOptions,
  listKillSwitches,
  planKillSwitch,
  releaseExpiredSwitches,
  releaseKillSwitchAction,
  switchesForBanner,
} from "@/lib/server/killswitches";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { insertPolicy, PLATFORM_POLICY } from "./jobs-support";
import { sealedAt } from "../support/audit";

const REASON = "incident 42: runaway writes";

describe.each(BACKENDS)("kill switch actions on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let globexProfile: { id: string; slug: string };
  let acmeAdmin: SessionActor;
  let globexAdmin: SessionActor;
  let platformAdmin: SessionActor;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id, { tools: [{ name: "update_ticket", schemaHash: `sha256:${"e".repeat(64)}` }] });
    globexProfile = await createProfile(prisma, globex.id);
    acmeAdmin = await createActor(prisma, acme.id, "tenant_admin");
    globexAdmin = await createActor(prisma, globex.id, "tenant_admin");
    platformAdmin = await createActor(prisma, null, "platform_admin");
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  const engage = (actor: SessionActor | null, input: Record<string, unknown>) => engageKillSwitchAction.execute({ actor, prisma }, input);
  const release = (actor: SessionActor | null, input: Record<string, unknown>) => releaseKillSwitchAction.execute({ actor, prisma }, input);

  it("a tenant admin engages a profile switch with a receipt, and releases it without deleting it", async () => {
    const revalidated: string[] = [];
    const engaged = await engageKillSwitchAction.execute(
      { actor: acmeAdmin, prisma, onCommitted: (paths) => void revalidated.push(...paths) },
      { scope: "profile", profile: triage.slug, reason: `  ${REASON}  `, autoReleaseMinutes: "" },
    );
    expect(engaged).toMatchObject({ ok: true, data: { scope: "profile", description: `profile ${triage.slug}`, autoReleaseAt: null } });
    if (!engaged.ok) return;
    expect(revalidated).toContain("/kill-switches");
    const row = await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } });
    expect(row).toMatchObject({ scope: "profile", tenantId: acme.id, profileId: triage.id, reason: REASON, engagedBy: acmeAdmin.userId, engageReceiptId: engaged.receipt!.id });
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: engaged.receipt!.id } });
    expect(receipt).toMatchObject({ action: "killswitch.engage", actorId: acmeAdmin.userId, scopeType: "profile", scopeId: triage.id, tenantId: acme.id });
    const entry = await prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry).toMatchObject({ action: "killswitch.engage", resource: `profile:${triage.id}`, tenantId: acme.id, hash: receipt.auditHash });

    const again = await engage(acmeAdmin, { scope: "profile", profile: triage.slug, reason: REASON });
    expect(again).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already engaged/) } });

    const noReason = await release(acmeAdmin, { id: engaged.data.id, reason: " " });
    expect(noReason).toMatchObject({ ok: false, error: { code: "invalid_input", fieldErrors: { reason: ["Give a reason"] } } });
    const released = await release(acmeAdmin, { id: engaged.data.id, reason: "fixed the loop" });
    expect(released).toMatchObject({ ok: true, data: { id: engaged.data.id } });
    if (!released.ok) return;
    const after = await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } });
    expect(after).toMatchObject({ releasedBy: acmeAdmin.userId, releaseReason: "fixed the loop", releaseReceiptId: released.receipt!.id });
    expect(after.releasedAt).toBeInstanceOf(Date);
    expect((await prisma.receipt.findUniqueOrThrow({ where: { id: released.receipt!.id } })).action).toBe("killswitch.release");
    const twice = await release(acmeAdmin, { id: engaged.data.id, reason: "again" });
    expect(twice).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/already released/) } });

    const list = await listKillSwitches(prisma, acmeAdmin, new Date());
    expect(list.inForce.map((s) => s.id)).not.toContain(engaged.data.id);
    expect(list.history.find((s) => s.id === engaged.data.id)).toMatchObject({
      inForce: false, reason: REASON, releaseReason: "fixed the loop", releasedBy: { id: acmeAdmin.userId }, profile: { slug: triage.slug }, tenant: { slug: acme.slug },
    });
  });

  it("permissions per scope: tenant admin own tenant only and never global; platform admin global; approver and viewer none", async () => {
    const approver = await createActor(prisma, acme.id, "approver");
    const viewer = await createActor(prisma, acme.id, "viewer");
    const auditor = await createActor(prisma, acme.id, "auditor");
    for (const actor of [approver, viewer, auditor]) {
      const refused = await engage(actor, { scope: "tenant", tenant: acme.slug, reason: REASON });
      expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
      expect(mayRun(engageKillSwitchAction, actor, { tenantId: acme.id })).toBe(false);
    }
    // Another tenant's profile is "not found", never "forbidden".
    expect(await engage(acmeAdmin, { scope: "profile", profile: globexProfile.slug, reason: REASON })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await engage(acmeAdmin, { scope: "tenant", tenant: globex.slug, reason: REASON })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await engage(acmeAdmin, { scope: "global", reason: REASON })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(mayRun(engageKillSwitchAction, acmeAdmin, { tenantId: null })).toBe(false);
    expect(mayRun(engageKillSwitchAction, acmeAdmin, { tenantId: acme.id })).toBe(true);
    expect(mayRun(engageKillSwitchAction, platformAdmin, { tenantId: null })).toBe(true);
    expect(await engage(null, { scope: "global", reason: REASON })).toMatchObject({ ok: false, error: { code: "unauthenticated" } });

    const tenantSwitch = await engage(acmeAdmin, { scope: "capability", tenant: acme.slug, capability: "write-tools", reason: REASON });
    expect(tenantSwitch).toMatchObject({ ok: true, data: { scope: "capability", description: `Write tools on tenant ${acme.slug}` } });
    const global = await engage(platformAdmin, { scope: "global", reason: "platform-wide freeze" });
    expect(global).toMatchObject({ ok: true });
    if (!tenantSwitch.ok || !global.ok) return;
    expect((await prisma.receipt.findUniqueOrThrow({ where: { id: global.receipt!.id } })).scopeType).toBe("platform");

    // Releasing follows the same rules: a viewer cannot, another tenant's admin does not even see it, tenant admin not global.
    expect(await release(viewer, { id: tenantSwitch.data.id, reason: "x" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await release(globexAdmin, { id: tenantSwitch.data.id, reason: "x" })).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await release(acmeAdmin, { id: global.data.id, reason: "x" })).toMatchObject({ ok: false, error: { code: "forbidden" } });

    // Visibility: global to everyone; acme's switch not to globex.
    const globexView = await switchesForBanner(prisma, globexAdmin, new Date());
    expect(globexView.map((s) => s.id)).toEqual([global.data.id]);
    const acmeView = await listKillSwitches(prisma, viewer, new Date());
    expect(acmeView.inForce.map((s) => s.id).sort()).toEqual([tenantSwitch.data.id, global.data.id].sort());

    expect(await release(platformAdmin, { id: global.data.id, reason: "freeze over" })).toMatchObject({ ok: true });
    expect(await release(acmeAdmin, { id: tenantSwitch.data.id, reason: "writes fixed" })).toMatchObject({ ok: true });
  });

  it("rejects malformed targets with messages naming the field", async () => {
    expect(await engage(acmeAdmin, { scope: "capability", tenant: acme.slug, capability: "teleport", reason: REASON })).toMatchObject({
      ok: false, error: { code: "invalid_input", fieldErrors: { capability: [expect.stringMatching(/unknown capability "teleport"/)] } },
    });
    expect(await engage(acmeAdmin, { scope: "tenant", reason: REASON })).toMatchObject({ ok: false, error: { fieldErrors: { tenant: ["Choose the tenant"] } } });
    expect(await engage(acmeAdmin, { scope: "sideways", reason: REASON })).toMatchObject({ ok: false, error: { code: "invalid_input" } });
    expect(await engage(acmeAdmin, { scope: "tenant", tenant: acme.slug, reason: REASON, autoReleaseMinutes: "0" })).toMatchObject({
      ok: false, error: { fieldErrors: { autoReleaseMinutes: [expect.stringMatching(/at least 1 minute/)] } },
    });
    expect(await prisma.killSwitch.count({ where: { reason: REASON, releasedAt: null } })).toBe(0);
  });

  it("plans: profiles, hosts and the pending jobs a switch touches, inside the actor's tenants", async () => {
    const other = await createProfile(prisma, acme.id);
    const hostId = randomSlug("host");
    await prisma.host.create({ data: { id: hostId, profiles: { create: [{ profileId: triage.id }] } } });
    const write = await createJob(prisma, { tenant: acme, profile: triage, topic: "job.bridge.write.update_ticket" });
    await createJob(prisma, { tenant: acme, profile: triage, topic: "job.bridge.read.ticket" });
    await createJob(prisma, { tenant: acme, profile: triage, topic: "job.bridge.write.old", ttlSec: -10 });
    await createJob(prisma, { tenant: globex, profile: globexProfile, topic: "job.bridge.write.update_ticket" });

    const plan = await planKillSwitch(prisma, acmeAdmin, { scope: "capability", tenant: acme.slug, capability: "write-tools" });
    expect(plan.profiles.map((p) => p.slug).sort()).toEqual([triage.slug, other.slug].sort());
    expect(plan.hosts).toEqual([hostId]);
    expect(plan.pendingJobs).toEqual([{ id: write.id, topic: "job.bridge.write.update_ticket", profile: triage.slug }]);

    const tool = await planKillSwitch(prisma, acmeAdmin, { scope: "capability", tenant: acme.slug, capability: "tool:update_ticket" });
    expect(tool.profiles).toEqual([{ slug: triage.slug, tenant: acme.slug }]);
    expect(tool.pendingJobs.map((j) => j.id)).toEqual([write.id]);

    // Only someone who may engage at that scope sees the plan (it lists pending jobs).
    await expect(planKillSwitch(prisma, acmeAdmin, { scope: "global" })).rejects.toMatchObject({ code: "forbidden" });
    const viewer = await createActor(prisma, acme.id, "viewer");
    await expect(planKillSwitch(prisma, viewer, { scope: "tenant", tenant: acme.slug })).rejects.toMatchObject({ code: "forbidden" });
    const all = await planKillSwitch(prisma, platformAdmin, { scope: "global" });
    expect(all.pendingJobs.some((j) => j.profile === globexProfile.slug)).toBe(true);

    await expect(planKillSwitch(prisma, acmeAdmin, { scope: "profile", profile: globexProfile.slug })).rejects.toMatchObject({ code: "not_found" });
    await expect(planKillSwitch(prisma, acmeAdmin, { scope: "profile" })).rejects.toMatchObject({ code: "invalid_input", message: "Choose the profile" });
  });

  it("offers the catalog plus the tools of the actor's own profiles and the topics of the policies in force there", async () => {
    const ids = async (actor: SessionActor, tenantId?: string) => (await capabilityOptions(prisma, actor, tenantId)).map((c) => c.id);
    await insertPolicy(prisma, { level: "platform", scopeKey: "platform", source: PLATFORM_POLICY });
    const acmePolicy = `apiVersion: cellgate/v1\nkind: Policy\nlevel: tenant\ntenant: ${acme.slug}\nrules:\n  - id: refunds-frozen\n    match: { topics: ["job.billing.refund.**"] }\n    decision: DENY\n    reason: refunds go through finance\n`;
    await insertPolicy(prisma, { level: "tenant", scopeKey: `tenant:${acme.id}`, tenantId: acme.id, source: acmePolicy });
    expect(await ids(acmeAdmin)).toEqual(expect.arrayContaining(["topic:job.*.read.**", "topic:job.*.write.**", "topic:job.billing.refund.**"]));
    expect(await ids(globexAdmin)).toContain("topic:job.*.read.**");
    expect(await ids(globexAdmin)).not.toContain("topic:job.billing.refund.**");
    expect(await ids(platformAdmin, acme.id)).toContain("topic:job.billing.refund.**");
    expect(await ids(acmeAdmin)).toEqual(expect.arrayContaining(["write-tools", "shell-network", "pr-creation", "tool:update_ticket"]));
    expect(await ids(globexAdmin)).not.toContain("tool:update_ticket");
    expect(await ids(globexAdmin, acme.id)).not.toContain("tool:update_ticket");
    expect(await ids(platformAdmin, acme.id)).toContain("tool:update_ticket");
  });

  it("the engage form's profile picker lists only the profiles the actor may stop (killswitch.write's scope)", async () => {
    const slugs = async (actor: SessionActor) => (await killSwitchProfileOptions(prisma, actor)).profiles.map((p) => p.slug);
    const acmeSlugs = await slugs(acmeAdmin);
    expect(acmeSlugs).toContain(triage.slug);
    expect(acmeSlugs).not.toContain(globexProfile.slug);
    expect((await killSwitchProfileOptions(prisma, acmeAdmin)).profiles.find((p) => p.slug === triage.slug)).toMatchObject({ tenant: acme.slug, tier: expect.stringMatching(/^L[0-5]$/) });
    const globexSlugs = await slugs(globexAdmin);
    expect(globexSlugs).toContain(globexProfile.slug);
    expect(globexSlugs).not.toContain(triage.slug);
    expect(await slugs(platformAdmin)).toEqual(expect.arrayContaining([triage.slug, globexProfile.slug]));
    // Reading the registry is not enough: an approver or auditor of acme may stop nothing.
    expect(await slugs(await createActor(prisma, acme.id, "approver"))).toEqual([]);
    expect(await slugs(await createActor(prisma, acme.id, "auditor"))).toEqual([]);
    // Sorted by slug, and cut at the limit with the cut said.
    const all = await slugs(platformAdmin);
    expect(all).toEqual([...all].sort());
    expect(await killSwitchProfileOptions(prisma, platformAdmin, 1)).toMatchObject({ profiles: [{ slug: all[0] }], truncated: true });
    expect((await killSwitchProfileOptions(prisma, acmeAdmin)).truncated).toBe(false);
  });

  it("auto-release: in force until its time, then recorded once as released by system with a receipt", async () => {
    const engaged = await engage(acmeAdmin, { scope: "tenant", tenant: acme.slug, reason: "break glass", autoReleaseMinutes: "5" });
    expect(engaged).toMatchObject({ ok: true });
    if (!engaged.ok) return;
    const at = Date.parse(engaged.data.autoReleaseAt!);
    expect(at - Date.parse(engaged.data.engagedAt)).toBe(5 * 60_000);

    const before = await listKillSwitches(prisma, acmeAdmin, new Date(at - 1000));
    expect(before.inForce.find((s) => s.id === engaged.data.id)).toMatchObject({ inForce: true, autoReleaseAt: engaged.data.autoReleaseAt });

    const later = new Date(at + 1000);
    const [a, b] = await Promise.all([releaseExpiredSwitches(prisma, later), releaseExpiredSwitches(prisma, later)]);
    expect(a + b).toBe(1);
    const row = await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } });
    expect(row).toMatchObject({ releasedBy: "system", releasedAt: new Date(at) });
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: row.releaseReceiptId! } });
    expect(receipt).toMatchObject({ action: "killswitch.auto_release", actorType: "system", scopeType: "tenant", scopeId: acme.id });

    const after = await listKillSwitches(prisma, acmeAdmin, later);
    expect(after.inForce.map((s) => s.id)).not.toContain(engaged.data.id);
    expect(after.history.find((s) => s.id === engaged.data.id)).toMatchObject({ releasedBy: { id: "system", name: "automatic release" } });
    expect(await releaseExpiredSwitches(prisma, later)).toBe(0);
  });

  it("reads record due automatic releases on their own (no sweep needed), and a late manual release is refused", async () => {
    const engaged = await engage(acmeAdmin, { scope: "profile", profile: triage.slug, reason: "short break glass", autoReleaseMinutes: 1 });
    if (!engaged.ok) throw new Error(engaged.error.message);
    // Move the release time into the past, as if the minute had passed.
    await prisma.killSwitch.update({ where: { id: engaged.data.id }, data: { autoReleaseAt: new Date(Date.now() - 1000) } });
    expect(await release(acmeAdmin, { id: engaged.data.id, reason: "too late" })).toMatchObject({ ok: false, error: { code: "conflict", message: expect.stringMatching(/released itself/) } });
    const banner = await switchesForBanner(prisma, acmeAdmin, new Date());
    expect(banner.map((s) => s.id)).not.toContain(engaged.data.id);
    expect((await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } })).releasedBy).toBe("system");
  });
});
