/**
 * Safety dashboard figures on both databases: decisions, deny rules, denied
 * tool/egress events, approvals with latency percentiles, redactions and
 * kill-switch markers, from rows seeded at known times and read through
 * loadDashboard with a fixed clock. Another tenant's rows never count, and a
 * tenant or profile the actor may not see resolves like a missing one (null).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import type { Db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { loadDashboard } from "@/lib/server/dashboards/load";
import { safetyDashboard } from "@/lib/server/dashboards/safety";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createJob } from "../support/job-factory";

const NOW = new Date(Date.UTC(2026, 10, 20, 12, 30));
/** A time today (the day of NOW), UTC. */
const at = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 20, h, m));
const DAYS_AGO = (n: number) => new Date(NOW.getTime() - n * 86_400_000);
const MINUTE = 60_000;

const member = (tenantId: string, role: "viewer" | "auditor"): Actor => ({ userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId, role }] });
const ADMIN: Actor = { userId: randomUUID(), platformAdmin: true, memberships: [] };

async function decision(prisma: Db, tenantId: string, profileId: string, decision: string, createdAt: Date, rule = "platform:test", reason = "because") {
  await prisma.policyDecision.create({
    data: { tenantId, profileId, decision, ruleIds: [rule, "platform:other"], reason, policyHash: "sha256:x", inputHash: randomUUID(), createdAt },
  });
}

async function events(
  prisma: Db,
  profile: { id: string; tenantId: string },
  list: { type: string; at: Date; redactions?: Prisma.InputJsonValue | typeof Prisma.JsonNull }[],
) {
  const hostId = randomSlug("host");
  const batch = await prisma.ingestBatch.create({
    data: { id: randomUUID(), hostId, keyId: `${hostId}-k1`, batchHash: "sha256:x", accepted: list.length, duplicates: 0, receiptId: `rcpt_${randomUUID()}` },
  });
  await prisma.ingestEvent.createMany({
    data: list.map((e, i) => ({
      hostId, eventId: `ev-${i}`, batchId: batch.id, tenantId: profile.tenantId, profileId: profile.id, type: e.type, occurredAt: e.at,
      attributes: { n: i }, redactions: e.redactions,
    })),
  });
}

async function killSwitch(prisma: Db, data: Partial<Prisma.KillSwitchUncheckedCreateInput> & { scope: Prisma.KillSwitchUncheckedCreateInput["scope"]; engagedAt: Date }) {
  await prisma.killSwitch.create({
    data: { id: `ks_${randomUUID()}`, reason: `drill ${randomSlug("r")}`, engagedBy: "test", engageReceiptId: `rcpt_${randomUUID()}`, ...data },
  });
}

describe.each(BACKENDS)("safety dashboard on %s", (backend) => {
  let database: TestDatabase;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  let c: { id: string; slug: string };
  let a1: { id: string; slug: string; tenantId: string };
  let a2: { id: string; slug: string; tenantId: string };
  let b1: { id: string; slug: string; tenantId: string };
  let c1: { id: string; slug: string; tenantId: string };
  let tenantSwitchId: string;

  const load = (actor: Actor, query: Partial<DashboardQuery> = {}) =>
    loadDashboard(database, actor, { range: "day", ...query }, safetyDashboard, NOW);

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const prisma = database.prisma;
    [a, b, c] = await Promise.all([createTenant(prisma, "a"), createTenant(prisma, "b"), createTenant(prisma, "c")]);
    a1 = await createProfile(prisma, a.id);
    a2 = await createProfile(prisma, a.id);
    b1 = await createProfile(prisma, b.id);
    c1 = await createProfile(prisma, c.id);

    // Decisions: tenant A in the window, one A deny two days back, and B's denies (never A's figures).
    for (const m of [10, 20]) await decision(prisma, a.id, a1.id, "ALLOW", at(10, m));
    await decision(prisma, a.id, a1.id, "ALLOW", at(11, 5));
    for (const m of [15, 16]) await decision(prisma, a.id, a1.id, "DENY", at(11, m), "tenant:no-shell", "shell is not allowed");
    await decision(prisma, a.id, a1.id, "DENY", at(12, 1), "platform:kill-switch", "kill switch engaged");
    await decision(prisma, a.id, a1.id, "REQUIRE_APPROVAL", at(12, 10));
    await decision(prisma, a.id, a2.id, "THROTTLE", at(11, 30));
    await decision(prisma, a.id, a1.id, "DENY", DAYS_AGO(2), "tenant:no-shell", "shell is not allowed");
    for (let i = 0; i < 5; i++) await decision(prisma, b.id, b1.id, "DENY", at(11, 15 + i), "tenant:b-secret", "b only");

    // Approvals in tenant C (their decisions are C's, too).
    const job = (over: Omit<Parameters<typeof createJob>[1], "tenant" | "profile">) => createJob(prisma, { ...over, tenant: c, profile: c1 });
    await job({ status: "APPROVED", createdAt: at(11, 0), resolvedAt: new Date(at(11, 0).getTime() + MINUTE) }); // 60 s
    await job({ status: "APPROVED", createdAt: at(11, 10), resolvedAt: at(11, 13) }); // 180 s
    await job({ status: "REJECTED", createdAt: at(11, 20), resolvedAt: at(11, 30) }); // 600 s
    await job({ status: "EXPIRED", createdAt: at(9, 0), ttlSec: 3600, resolvedAt: at(10, 0) }); // swept at 10:00
    await job({ status: "PENDING_APPROVAL", createdAt: at(11, 0), ttlSec: 1200 }); // expired 11:20, not swept
    await job({ status: "PENDING_APPROVAL", createdAt: at(12, 20), ttlSec: 3600 }); // still waiting
    await job({ status: "ALLOWED", createdAt: at(12, 0) });
    await job({ status: "APPROVED", createdAt: DAYS_AGO(2), resolvedAt: new Date(DAYS_AGO(2).getTime() + 10 * MINUTE) });

    // Events: denied tools and egress, redactions (one JSON null summary that must not count).
    await events(prisma, a1, [
      { type: "tool.denied", at: at(11, 1) },
      { type: "tool.denied", at: at(11, 2) },
      { type: "tool.denied", at: at(12, 3) },
      { type: "egress.denied", at: at(12, 4) },
      { type: "tool.denied", at: DAYS_AGO(3) },
      { type: "tool.allowed", at: at(11, 40) },
      { type: "secret.loaded", at: at(11, 5), redactions: { count: 2, fields: ["a", "b"], kinds: { bearer_token: 2 } } },
      { type: "health.heartbeat", at: at(11, 6), redactions: Prisma.JsonNull },
    ]);
    await events(prisma, a2, [
      { type: "egress.denied", at: at(10, 59) },
      { type: "auth.denied", at: at(12, 5), redactions: { count: 1, fields: ["token"], kinds: { aws_access_key: 1 } } },
    ]);
    await events(prisma, b1, [
      ...Array.from({ length: 10 }, (_, i) => ({ type: "tool.denied", at: at(11, i) })),
      { type: "secret.loaded", at: at(11, 30), redactions: { count: 5, fields: ["x"], kinds: { bearer_token: 5 } } },
    ]);

    // Kill switches: A's tenant switch engaged and released today; a global one auto-released at 10:30 (not yet swept);
    // an old A switch still in force (no marker); B's profile switch (never A's).
    tenantSwitchId = `ks_${randomUUID()}`;
    await killSwitch(prisma, { id: tenantSwitchId, scope: "tenant", tenantId: a.id, engagedAt: at(11, 30), releasedAt: at(12, 15), releasedBy: "u", releaseReason: "fixed" });
    await killSwitch(prisma, { scope: "global", engagedAt: DAYS_AGO(2), autoReleaseAt: at(10, 30) });
    await killSwitch(prisma, { scope: "tenant", tenantId: a.id, engagedAt: DAYS_AGO(3) });
    await killSwitch(prisma, { scope: "profile", tenantId: b.id, profileId: b1.id, engagedAt: at(11, 0) });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("counts decisions by type per hourly bucket for a tenant member, only their tenant", async () => {
    const result = (await load(member(a.id, "viewer")))!;
    const { decisions } = result.data;
    expect(decisions.series).toHaveLength(24);
    expect(decisions.series[0]!.bucket).toBe(new Date(Date.UTC(2026, 10, 19, 13)).toISOString());
    const byHour = Object.fromEntries(decisions.series.filter((p) => Object.values(p).some((v) => typeof v === "number" && v > 0)).map((p) => [p.bucket.slice(11, 13), p]));
    expect(Object.keys(byHour)).toEqual(["10", "11", "12"]);
    expect(byHour["10"]).toMatchObject({ ALLOW: 2, DENY: 0 });
    expect(byHour["11"]).toMatchObject({ ALLOW: 1, DENY: 2, THROTTLE: 1, REQUIRE_APPROVAL: 0 });
    expect(byHour["12"]).toMatchObject({ ALLOW: 0, DENY: 1, REQUIRE_APPROVAL: 1 });
    expect(decisions.totals).toEqual({ ALLOW: 3, ALLOW_WITH_CONSTRAINTS: 0, REQUIRE_APPROVAL: 1, THROTTLE: 1, DENY: 3 });
  });

  it("ranks denies by deciding rule and reason", async () => {
    const { denies } = (await load(member(a.id, "viewer")))!.data;
    expect(denies).toEqual({
      total: 3,
      top: [
        { rule: "tenant:no-shell", reason: "shell is not allowed", count: 2 },
        { rule: "platform:kill-switch", reason: "kill switch engaged", count: 1 },
      ],
    });
  });

  it("counts tool.denied and egress.denied by profile", async () => {
    const { deniedEvents } = (await load(member(a.id, "viewer")))!.data;
    expect(deniedEvents.byProfile).toEqual([
      { profile: a1.slug, tenant: a.slug, tool: 3, egress: 1 },
      { profile: a2.slug, tenant: a.slug, tool: 0, egress: 1 },
    ]);
    expect(deniedEvents.totals).toEqual({ tool: 3, egress: 2, profiles: 2 });
  });

  it("sums secret redactions per bucket and by kind, ignoring JSON null summaries", async () => {
    const { redactions } = (await load(member(a.id, "viewer")))!.data;
    expect(redactions.totals).toEqual({ events: 2, redactions: 3 });
    expect(redactions.series.filter((p) => p.events > 0)).toEqual([
      { bucket: at(11).toISOString(), events: 1, redactions: 2 },
      { bucket: at(12).toISOString(), events: 1, redactions: 1 },
    ]);
    expect(redactions.kinds).toEqual([
      { kind: "bearer_token", count: 2 },
      { kind: "aws_access_key", count: 1 },
    ]);
  });

  it("marks kill switches engaged or released in the window, covering the tenant", async () => {
    const { killSwitches } = (await load(member(a.id, "viewer")))!.data;
    expect(killSwitches.map((k) => [k.kind, k.target, k.at, k.bucket])).toEqual([
      ["released", `tenant ${a.slug}`, at(12, 15).toISOString(), at(12).toISOString()],
      ["engaged", `tenant ${a.slug}`, at(11, 30).toISOString(), at(11).toISOString()],
      ["released", "global", at(10, 30).toISOString(), at(10).toISOString()],
    ]);
    expect(killSwitches[0]).toMatchObject({ id: tenantSwitchId, reason: "fixed" });
    expect(killSwitches[2]!.reason).toBe("released automatically");
  });

  it("counts approvals requested, approved, rejected and expired, with latency p50/p95 from SQL", async () => {
    const { approvals } = (await load(member(c.id, "viewer")))!.data;
    expect(approvals.totals).toEqual({ requested: 6, approved: 2, rejected: 1, expired: 2 });
    const hour = (h: number) => approvals.series.find((p) => p.bucket === at(h).toISOString());
    expect(hour(9)).toMatchObject({ requested: 1, expired: 0 });
    expect(hour(10)).toMatchObject({ requested: 0, expired: 1 });
    expect(hour(11)).toEqual({ bucket: at(11).toISOString(), requested: 4, approved: 2, rejected: 1, expired: 1 });
    expect(hour(12)).toMatchObject({ requested: 1, approved: 0 });
    // Over 60, 180 and 600 seconds: the median, and 180 + 0.9 × 420 by linear interpolation.
    expect(approvals.latency.decided).toBe(3);
    expect(approvals.latency.p50Sec).toBeCloseTo(180, 6);
    expect(approvals.latency.p95Sec).toBeCloseTo(558, 6);
    expect(approvals.latency.pending).toBe(1);
    // Tenant A has no approval jobs: empty, not an error.
    const none = (await load(member(a.id, "viewer")))!.data.approvals;
    expect(none.totals).toEqual({ requested: 0, approved: 0, rejected: 0, expired: 0 });
    expect(none.latency).toEqual({ decided: 0, p50Sec: null, p95Sec: null, pending: 0 });
  });

  it("narrows to one profile and to a shorter range", async () => {
    const profile = (await load(member(a.id, "viewer"), { profile: a2.slug }))!;
    expect(profile.scope.profile).toEqual({ slug: a2.slug, tenantSlug: a.slug });
    expect(profile.data.decisions.totals).toMatchObject({ ALLOW: 0, THROTTLE: 1, DENY: 0 });
    expect(profile.data.deniedEvents.byProfile).toEqual([{ profile: a2.slug, tenant: a.slug, tool: 0, egress: 1 }]);
    expect(profile.data.redactions.totals).toEqual({ events: 1, redactions: 1 });

    const hour = (await load(member(a.id, "viewer"), { range: "hour" }))!.data;
    expect(hour.decisions.series).toHaveLength(12);
    expect(hour.decisions.totals).toMatchObject({ ALLOW: 0, DENY: 1, REQUIRE_APPROVAL: 1, THROTTLE: 0 });
    expect(hour.deniedEvents.totals).toEqual({ tool: 1, egress: 1, profiles: 1 });

    const month = (await load(member(a.id, "viewer"), { range: "month" }))!.data;
    expect(month.decisions.totals.DENY).toBe(4);
    expect(month.deniedEvents.totals.tool).toBe(4);
  });

  it("gives a platform admin every tenant, or one when asked", async () => {
    const all = (await load(ADMIN))!.data;
    expect(all.decisions.totals).toEqual({ ALLOW: 4, ALLOW_WITH_CONSTRAINTS: 0, REQUIRE_APPROVAL: 7, THROTTLE: 1, DENY: 8 });
    expect(all.denies.top[0]).toEqual({ rule: "tenant:b-secret", reason: "b only", count: 5 });
    expect(all.deniedEvents.byProfile[0]).toEqual({ profile: b1.slug, tenant: b.slug, tool: 10, egress: 0 });
    expect(all.killSwitches.map((k) => k.target)).toContain(`profile ${b1.slug}`);
    expect(all.auditLinks).toBe(true);
    const onlyA = (await load(ADMIN, { tenant: a.slug }))!.data;
    expect(onlyA.decisions.totals).toEqual((await load(member(a.id, "viewer")))!.data.decisions.totals);
    expect(onlyA.killSwitches.map((k) => k.target)).not.toContain(`profile ${b1.slug}`);
  });

  it("lists refused attempts in scope for those who may read the audit log, and counts them for the others", async () => {
    const prisma = database.prisma;
    const refusal = (seq: number, tenantId: string | null, time: Date, attempted: string, decision = "FORBIDDEN") =>
      prisma.auditEntry.create({
        data: {
          seq, time, actorType: "user", actorId: randomUUID(), action: "access.denied", resource: `job:job_${seq}`, tenantId, decision,
          data: { attempted, reason: "You may not approve or deny a job in this tenant" }, prevHash: "0".repeat(64), hash: `${seq}`.padStart(64, "f"),
        },
      });
    await refusal(900_001, a.id, at(9), "job.vote");
    await refusal(900_002, a.id, at(10), "killswitch.engage");
    await refusal(900_003, b.id, at(10, 30), "job.vote");
    await refusal(900_004, null, at(11), "job.vote", "NOT_FOUND");
    await refusal(900_005, a.id, DAYS_AGO(3), "job.vote"); // outside the day

    const auditor = (await load(member(a.id, "auditor")))!.data.refusals;
    expect(auditor.total).toBe(2);
    expect(auditor.rows.map((r) => [r.seq, r.attempted, r.decision])).toEqual([
      [900_002, "killswitch.engage", "FORBIDDEN"],
      [900_001, "job.vote", "FORBIDDEN"],
    ]);
    expect(auditor.rows[0]!.reason).toBe("You may not approve or deny a job in this tenant");
    const viewer = (await load(member(a.id, "viewer")))!.data.refusals;
    expect(viewer).toEqual({ total: 2, rows: [] });
    // Every tenant in scope: the probes that found nothing (no tenant) too.
    const all = (await load(ADMIN))!.data.refusals;
    expect(all.rows.map((r) => r.seq)).toEqual([900_004, 900_003, 900_002, 900_001]);
  });

  it("links to the audit log only for actors who may read it there", async () => {
    expect((await load(member(a.id, "viewer")))!.data.auditLinks).toBe(false);
    expect((await load(member(a.id, "auditor")))!.data.auditLinks).toBe(true);
  });

  it("resolves another tenant's or an unknown tenant or profile like a missing one", async () => {
    const viewer = member(a.id, "viewer");
    expect(await load(viewer, { tenant: b.slug })).toBeNull();
    expect(await load(viewer, { profile: b1.slug })).toBeNull();
    expect(await load(viewer, { tenant: randomSlug("nope") })).toBeNull();
    expect(await load(viewer, { profile: randomSlug("nope") })).toBeNull();
    expect(await load(viewer, { tenant: a.slug, profile: c1.slug })).toBeNull();
    // No memberships at all: every figure is zero.
    const nobody = (await load({ userId: randomUUID(), platformAdmin: false, memberships: [] }))!.data;
    expect(nobody.decisions.totals.DENY).toBe(0);
    expect(nobody.deniedEvents.byProfile).toEqual([]);
    expect(nobody.killSwitches.every((k) => k.scope === "global")).toBe(true);
  });
});
