import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase } from "@/lib/db";
import { demoActivity } from "@/lib/domain/dashboards/demo-activity";
import { seedDemo } from "@/lib/server/demo-seed";
import { getReadinessDetail } from "@/lib/server/dashboards/readiness-detail";
import { getProfileEvidence } from "@/lib/server/evidence";
import { getProfileTimeline } from "@/lib/server/events";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { refreshHealth } from "@/lib/server/health-refresh";
import { getProfile } from "@/lib/server/profiles";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";

describe.each(BACKENDS)("demo ingest history on %s", (backend) => {
  let database: TestDatabase;
  let acmeViewer: Actor;
  let globexViewer: Actor;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    const result = await seedDemo(database, { apply: true, password: `pw-${randomUUID()}` });
    expect(result.status).toBe("seeded");
    const tenants = new Map((await database.prisma.tenant.findMany()).map((t) => [t.slug, t.id]));
    acmeViewer = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: tenants.get("acme")!, role: "viewer" }] };
    globexViewer = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: tenants.get("globex")!, role: "viewer" }] };
  }, 120_000);
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("gives acme-ticket-triage a paged timeline with denials, a redacted event and a live heartbeat", async () => {
    const t = (await getProfileTimeline(acmeViewer, "acme-ticket-triage", { page: 1, type: null }))!;
    expect(t.pageCount).toBeGreaterThan(1);
    expect(t.types).toEqual(expect.arrayContaining(["health.heartbeat", "tool.denied", "egress.denied", "cost.usage", "canary.evidence"]));
    // The rich story's one redacted event, plus the thirty days of demo activity's (the same on every run).
    const activity = demoActivity({ slug: "acme-ticket-triage", deniedTools: [], egress: [] }, Date.now(), randomUUID).events.filter((e) => e.redactions).length;
    expect(activity).toBeGreaterThan(0);
    expect(t.redacted).toEqual({ events: 1 + activity, kinds: { bearer_token: 1 + activity } });
    const profile = (await getProfile(acmeViewer, "acme-ticket-triage"))!;
    expect(profile).toMatchObject({ health: "healthy", unitState: "running" });
    expect(profile.lastHeartbeatAt).not.toBeNull();
    // Every seeded batch is covered by the demo.seed receipt.
    const receipts = await database.prisma.ingestBatch.findMany({ select: { receiptId: true } });
    const seedReceipt = await database.prisma.receipt.findFirstOrThrow({ where: { action: "demo.seed" } });
    expect(new Set(receipts.map((r) => r.receiptId))).toEqual(new Set([seedReceipt.id]));
  });

  it("gives the checklist passing, failing and missing items, and keeps each tenant's history its own", async () => {
    const acme = (await getProfileEvidence(acmeViewer, "acme-ticket-triage"))!;
    expect(acme.counts.fail).toBeGreaterThan(0);
    expect(acme.counts.missing).toBeGreaterThan(0);
    expect(acme.entries.find((e) => e.item === "rollback_proven")).toMatchObject({ state: "pass", durationSec: 196 });
    expect(await getProfileTimeline(acmeViewer, "globex-build-runner", { page: 1, type: null })).toBeNull();
    const globex = (await getProfileTimeline(globexViewer, "globex-build-runner", { page: 1, type: null }))!;
    expect(globex.total).toBeGreaterThan(0);
    expect(globex.rows.every((r) => r.hostId.startsWith("globex-"))).toBe(true);
    expect(await database.prisma.costRecord.count()).toBeGreaterThan(0);
    // Initech's workloads are quiet: health and evidence only, no spend and no denials.
    const initech = { profile: { tenant: { slug: "initech" } } };
    expect(await database.prisma.costRecord.count({ where: initech })).toBe(0);
    expect(await database.prisma.ingestEvent.count({ where: { ...initech, type: { in: ["tool.denied", "egress.denied", "cost.usage"] } } })).toBe(0);
    expect(await database.prisma.ingestEvent.count({ where: { ...initech, type: "canary.evidence" } })).toBeGreaterThan(0);
  });

  it("leaves an intact audit chain after every seeding step", async () => {
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true });
  });

  it("never calls acme-ticket-triage's controls complete next to its failing \"Secrets not logged\"", async () => {
    const detail = (await getReadinessDetail(database.prisma, acmeViewer, "acme-ticket-triage"))!;
    expect(detail.controls.filter((c) => c.required).every((c) => c.have !== null)).toBe(true); // all 12 attested
    expect(detail.complete).toBe(false);
    expect(detail.gaps).toEqual(["no_secrets"]);
    expect(detail.controls.find((c) => c.control === "no_secrets")!.why).toMatch(/^Secrets not logged: failing \(observed .+\) — an API-key pattern was found in app\.log$/);
    const profile = (await getProfile(acmeViewer, "acme-ticket-triage"))!;
    expect(profile.controlReport.complete).toBe(false);
    expect(profile.gaps).toEqual(["no_secrets"]);
  });

  it("holds the gate in the demo: no limited or promoted profile has a failing demoting item; each demoted one says why", async () => {
    const prisma = database.prisma;
    const failing = await prisma.profileEvidence.findMany({
      where: { passed: false, item: { in: ["secrets_not_logged", "egress_enforced", "cross_profile_read_denied", "intended_digest"] } },
      select: { profileId: true, item: true },
    });
    expect(failing.length).toBeGreaterThan(0);
    const profiles = await prisma.profile.findMany({ where: { id: { in: failing.map((f) => f.profileId) } }, select: { id: true, slug: true, canaryStage: true } });
    for (const p of profiles) expect(["deploy_only", "read_only", "rolled_back"], p.slug).toContain(p.canaryStage);
    const demotions = await prisma.stageChange.findMany({ where: { kind: "demotion" } });
    for (const d of demotions) {
      expect(d.reason).toMatch(/failing: /);
      expect(await prisma.receipt.count({ where: { id: d.receiptId, action: "canary.demote" } })).toBe(1);
    }
  });

  it("moves every stage through the gate: promotions on evidence and approval, refusals naming what is missing, a rollback, a demotion", async () => {
    const prisma = database.prisma;
    const profiles = await prisma.profile.findMany({ select: { id: true, slug: true, canaryStage: true } });
    const byStage = (stage: string) => profiles.filter((p) => p.canaryStage === stage).length;
    for (const stage of ["deploy_only", "read_only", "limited", "promoted", "rolled_back"]) expect(byStage(stage), stage).toBeGreaterThan(0);
    const changes = await prisma.stageChange.findMany({ orderBy: [{ at: "asc" }, { id: "asc" }] });
    for (const p of profiles) {
      // Each profile's history walks from deploy-only, one stage at a time, to where it is now.
      const mine = changes.filter((c) => c.profileId === p.id);
      let stage = "deploy_only";
      for (const c of mine) {
        expect(c.fromStage, p.slug).toBe(stage);
        stage = c.toStage;
        if (c.kind === "promotion") {
          expect(c.snapshotHash).toMatch(/^sha256:/);
          expect(await prisma.receipt.count({ where: { id: c.receiptId, action: "job.vote" } })).toBe(1);
        }
      }
      expect(stage, p.slug).toBe(p.canaryStage);
    }
    // The slow drill is refused at the first step, and the refusal says why.
    const refusals = (await prisma.receipt.findMany({ where: { action: "canary.promote" } })).filter((r) => (r.summary as { gate?: string }).gate === "refused");
    const concierge = refusals.find((r) => (r.summary as { profile?: string }).profile === "acme-chat-concierge")!;
    expect(concierge.summary).toMatchObject({ gate: "refused", unmet: expect.arrayContaining([expect.stringMatching(/^Rollback drill: took 6 min 52 s \(limit 5 min\)/)]) });
    // acme-ticket-triage: promoted twice, refused for lack of canary traffic, then demoted by the leak its host found.
    const triage = profiles.find((p) => p.slug === "acme-ticket-triage")!;
    expect(changes.filter((c) => c.profileId === triage.id).map((c) => `${c.kind}:${c.toStage}`)).toEqual(["promotion:read_only", "promotion:limited", "demotion:rolled_back"]);
    expect(refusals.find((r) => (r.summary as { profile?: string }).profile === triage.slug)!.summary).toMatchObject({ to: "promoted", unmet: expect.arrayContaining([expect.stringMatching(/^Canary traffic: none reported/)]) });
    expect(changes.some((c) => c.kind === "rollback" && c.reason.length > 0)).toBe(true);
  });

  it("gives every profile health, unit state and last heartbeat from the same facts", async () => {
    const profiles = await database.prisma.profile.findMany({
      select: { slug: true, health: true, lastHeartbeatAt: true, lastSeenAt: true, unitState: true, hosts: { select: { hostId: true } } },
    });
    for (const p of profiles) {
      expect(p.hosts.length, p.slug).toBeGreaterThan(0);
      if (p.lastHeartbeatAt === null) {
        expect(p, p.slug).toMatchObject({ health: "unknown", lastSeenAt: null, unitState: null });
      } else {
        expect(p.health, p.slug).not.toBe("unknown");
        expect(p.lastSeenAt!.getTime(), p.slug).toBeGreaterThanOrEqual(p.lastHeartbeatAt.getTime());
        expect(p.unitState, p.slug).toBe(p.health === "down" ? "stopped" : "running");
      }
    }
    expect(new Set(profiles.map((p) => p.health))).toEqual(new Set(["healthy", "degraded", "down", "unknown"]));
  });

  it("keeps the seeded health consistent with the heartbeats it wrote", async () => {
    const before = await database.prisma.profile.findMany({ select: { slug: true, health: true }, orderBy: { slug: "asc" } });
    await refreshHealth(database.prisma, new Date());
    const after = await database.prisma.profile.findMany({ select: { slug: true, health: true }, orderBy: { slug: "asc" } });
    expect(after).toEqual(before);
  });
});
