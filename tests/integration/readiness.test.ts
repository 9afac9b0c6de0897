/**
 * Readiness board and per-profile readiness on both databases: columns by
 * canary stage with exact totals, short-of-tier profiles first, caps, the
 * stage / tenant / profile narrowing, and another tenant's profiles never
 * counted or shown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { CANARY_STAGES, requiredControls, type TierName } from "@/lib/domain/tiers";
import { getReadinessDetail } from "@/lib/server/dashboards/readiness-detail";
import { readinessDashboard, readinessLoader, type ReadinessBoard } from "@/lib/server/dashboards/readiness";
import { loadDashboard } from "@/lib/server/dashboards/load";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";

const NOW = new Date("2026-11-22T12:00:00.000Z");
const ago = (sec: number) => new Date(NOW.getTime() - sec * 1000);
const DAY: DashboardQuery = { range: "day" };

describe.each(BACKENDS)("readiness on %s", (backend) => {
  let database: TestDatabase;
  let admin: Actor;
  let member: Actor;
  const slugs: Record<string, string> = {};
  let acmeSlug: string;
  let globexSlug: string;

  async function controls(profileId: string, tier: TierName, without: string[] = []) {
    await database.prisma.profileControl.createMany({
      data: requiredControls(tier)
        .filter((c) => !without.includes(c))
        .map((control) => ({ profileId, control, evidencedAt: ago(86_400), source: `evidence/${control}.json` })),
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const prisma = database.prisma;
    const acme = await createTenant(prisma, "acme");
    const globex = await createTenant(prisma, "globex");
    acmeSlug = acme.slug;
    globexSlug = globex.slug;
    const make = async (key: string, tenantId: string, tier: TierName, canaryStage: (typeof CANARY_STAGES)[number]) => {
      const p = await createProfile(prisma, tenantId, { tier, canaryStage });
      slugs[key] = p.slug;
      return p;
    };
    const ready = await make("ready", acme.id, "L2", "limited");
    await controls(ready.id, "L2");
    await prisma.profileEvidence.createMany({
      data: ["intended_digest", "cross_profile_read_denied", "denied_tools_absent", "egress_enforced", "secrets_not_logged", "rollback_proven", "canary_survived"].map((item, i) => ({
        profileId: ready.id,
        item,
        passed: true,
        observedAt: ago(600 * (i + 1)),
        detail: item === "rollback_proven" ? { durationSec: 120 } : {},
      })),
    });
    const twoGaps = await make("twoGaps", acme.id, "L2", "limited");
    await controls(twoGaps.id, "L2", ["human_approval_writes", "scoped_tokens"]);
    await prisma.profileEvidence.create({ data: { profileId: twoGaps.id, item: "egress_enforced", passed: false, observedAt: ago(30), detail: { reason: "reached 1.2.3.4:443" } } });
    await make("bare", acme.id, "L0", "limited"); // no controls: 4 gaps
    const deploy = await make("deploy", acme.id, "L1", "deploy_only");
    await controls(deploy.id, "L1");
    // Passed, but eight days ago: older than L1's seven days.
    await prisma.profileEvidence.create({ data: { profileId: deploy.id, item: "egress_enforced", passed: true, observedAt: ago(8 * 86_400), detail: {} } });
    // acme-ticket-triage's story: every L2 control attested, "Secrets not logged" failing, no canary evidence.
    const triage = await make("triage", acme.id, "L2", "promoted");
    await controls(triage.id, "L2");
    await prisma.profileEvidence.createMany({
      data: ["intended_digest", "cross_profile_read_denied", "denied_tools_absent", "egress_enforced", "secrets_not_logged", "rollback_proven"].map((item, i) => ({
        profileId: triage.id,
        item,
        passed: item !== "secrets_not_logged",
        observedAt: ago(3600 * (i + 1)),
        detail: item === "rollback_proven" ? { durationSec: 196 } : item === "secrets_not_logged" ? { reason: "an API-key pattern was found in app.log" } : {},
      })),
    });
    const rolled = await make("rolled", acme.id, "L3", "rolled_back");
    await controls(rolled.id, "L3", ["slo"]);
    await prisma.profileControl.create({ data: { profileId: rolled.id, control: "tenant_isolation", evidencedAt: ago(10), source: "beyond" } });
    await prisma.profileEvidence.create({ data: { profileId: rolled.id, item: "rollback_proven", passed: true, observedAt: ago(7200), detail: { durationSec: 412 } } });
    await make("foreign", globex.id, "L2", "limited"); // another tenant, no controls
    // rolled's history: rolled back an hour ago; twoGaps' host reports a tool the registry does not list.
    await prisma.stageChange.create({
      data: {
        profileId: rolled.id, tenantId: acme.id, fromStage: "limited", toStage: "rolled_back", kind: "rollback", actorType: "user",
        actorId: "someone", reason: "latency", snapshot: {}, receiptId: "rcpt_readiness", at: ago(3600),
      },
    });
    await prisma.toolReport.create({ data: { profileId: twoGaps.id, tool: "shell.exec", reportedHash: `sha256:${"ab".repeat(32)}`, detectedAt: ago(120), eventId: crypto.randomUUID() } });

    admin = { userId: "admin", platformAdmin: true, memberships: [] };
    member = { userId: "member", platformAdmin: false, memberships: [{ tenantId: acme.id, role: "viewer" }] };
  });
  afterAll(async () => database?.close());

  const board = async (actor: Actor, query: DashboardQuery = DAY, loader = readinessDashboard): Promise<ReadinessBoard | null> =>
    (await loadDashboard(database, actor, query, loader, NOW))?.data ?? null;
  const column = (b: ReadinessBoard, stage: string) => b.columns.find((c) => c.stage === stage)!;

  it("puts every stage in a column, with exact totals and short counts over the member's tenant only", async () => {
    const b = (await board(member))!;
    expect(b.columns.map((c) => c.stage)).toEqual([...CANARY_STAGES]);
    // Short: a required control not evidenced — no attestation (bare, twoGaps, rolled) or a failing
    // or stale backing item beside a full set of attestations (deploy's stale egress, triage's leak).
    expect(b.columns.map((c) => [c.total, c.short])).toEqual([[1, 1], [0, 0], [3, 2], [1, 1], [1, 1]]);
    expect(b.total).toBe(6);
    expect(b.short).toBe(5);
    const shown = b.columns.flatMap((c) => c.cards.map((card) => card.slug));
    expect(shown).not.toContain(slugs.foreign);
    expect(shown.every((s) => b.columns.flatMap((c) => c.cards).find((card) => card.slug === s)!.tenant === acmeSlug)).toBe(true);
  });

  it("lists profiles short of their tier first (most unmet controls first), then the complete ones", async () => {
    const limited = column((await board(member))!, "limited");
    expect(limited.cards.map((c) => c.slug)).toEqual([slugs.bare, slugs.twoGaps, slugs.ready]);
    expect(limited.cards.map((c) => c.gaps.length)).toEqual([4, 2, 0]);
    // twoGaps' failing egress evidence un-evidences a third control, attested or not.
    expect(limited.cards.map((c) => c.notEvidenced.length)).toEqual([4, 3, 0]);
    expect(limited.cards[1]!.gaps).toEqual(["human_approval_writes", "scoped_tokens"]);
    expect(limited.cards[1]!.requiredControls).toBe(12);
  });

  it("shows rollback target, last drill and the evidence count on each card", async () => {
    const b = (await board(member))!;
    const ready = column(b, "limited").cards.find((c) => c.slug === slugs.ready)!;
    expect(ready.rollback).toEqual({ endpoint: "https://rollback.internal/x", manifestDigest: `sha256:${"cd".repeat(32)}` });
    expect(ready.drill).toMatchObject({ durationSec: 120, ageSec: 3600, state: "pass" });
    expect(ready.evidence).toEqual({ pass: 7, fail: 0, missing: 0, total: 7 });
    const twoGaps = column(b, "limited").cards.find((c) => c.slug === slugs.twoGaps)!;
    expect(twoGaps.drill).toBeNull();
    expect(twoGaps.evidence).toEqual({ pass: 0, fail: 1, missing: 6, total: 7 });
    const rolled = column(b, "rolled_back").cards[0]!;
    expect(rolled).toMatchObject({ slug: slugs.rolled, tier: "L3", gaps: ["slo"] });
    expect(rolled.drill).toMatchObject({ durationSec: 412, ageSec: 7200, state: "fail", observedAt: ago(7200).toISOString() });
    expect(rolled.notEvidenced.map((n) => n.control)).toEqual(["tested_rollback", "slo"]);
  });

  it("says when each card last changed stage, and names tool drift blocking its risky jobs", async () => {
    const b = (await board(member))!;
    expect(column(b, "rolled_back").cards[0]!.stageSince).toBe(ago(3600).toISOString());
    const limited = column(b, "limited").cards;
    expect(limited.find((c) => c.slug === slugs.ready)!).toMatchObject({ stageSince: null, drifts: [] });
    expect(limited.find((c) => c.slug === slugs.twoGaps)!.drifts).toEqual([{ tool: "shell.exec", why: expect.stringMatching(/not in the registry/) }]);
  });

  it("never calls a card's controls all evidenced beside a failing or stale backing item", async () => {
    const b = (await board(member))!;
    const card = (slug: string) => b.columns.flatMap((c) => c.cards).find((c) => c.slug === slug)!;
    const triage = card(slugs.triage!);
    expect(triage.gaps).toEqual([]); // every control attested, yet short: the leak un-evidences no_secrets
    expect(triage.notEvidenced).toEqual([
      { control: "no_secrets", why: "Secrets not logged: failing (observed 5 h ago) — an API-key pattern was found in app.log" },
    ]);
    expect(card(slugs.deploy!).notEvidenced).toEqual([
      { control: "default_deny_egress", why: "Evidence older than 7 days: Egress policy enforced observed 8 days ago" },
    ]);
    expect(card(slugs.ready!).notEvidenced).toEqual([]);
    expect(card(slugs.bare!).notEvidenced.map((n) => [n.control, n.why])).toEqual(
      requiredControls("L0").map((c) => [c, "no evidence recorded"]),
    );
  });

  it("counts every tenant for a platform admin, and a chosen tenant only", async () => {
    const all = (await board(admin))!;
    expect(column(all, "limited")).toMatchObject({ total: 4, short: 3 });
    expect(column(all, "limited").cards.map((c) => c.slug)).toContain(slugs.foreign);
    const globex = (await board(admin, { range: "day", tenant: globexSlug }))!;
    expect(globex.total).toBe(1);
    expect(column(globex, "limited").cards.map((c) => c.slug)).toEqual([slugs.foreign]);
  });

  it("caps the cards per column but keeps the column's totals", async () => {
    const b = (await board(member, DAY, readinessLoader({ perColumn: 2 })))!;
    const limited = column(b, "limited");
    expect(limited.cards.map((c) => c.slug)).toEqual([slugs.bare, slugs.twoGaps]);
    expect(limited).toMatchObject({ total: 3, short: 2 });
    expect(b.perColumn).toBe(2);
  });

  it("narrows to one stage, or to one profile", async () => {
    const rolled = (await board(member, DAY, readinessLoader({ stage: "rolled_back" })))!;
    expect(rolled.columns.map((c) => c.stage)).toEqual(["rolled_back"]);
    expect(rolled.total).toBe(1);
    const one = (await board(member, { range: "day", profile: slugs.twoGaps }))!;
    expect(one.total).toBe(1);
    expect(column(one, "limited").cards.map((c) => c.slug)).toEqual([slugs.twoGaps]);
  });

  it("resolves another tenant's tenant or profile exactly like a missing one (null)", async () => {
    expect(await board(member, { range: "day", tenant: globexSlug })).toBeNull();
    expect(await board(member, { range: "day", profile: slugs.foreign })).toBeNull();
    expect(await board(member, { range: "day", tenant: "no-such-tenant" })).toBeNull();
  });

  it("gives an actor without tenants an empty board", async () => {
    const b = (await board({ userId: "nobody", platformAdmin: false, memberships: [] }))!;
    expect(b.total).toBe(0);
    expect(b.columns.every((c) => c.cards.length === 0)).toBe(true);
  });

  it("ranks and counts in SQL exactly as the cards judge each control, over the edge cases of the judgement", async () => {
    const prisma = database.prisma;
    const edge = await createTenant(prisma, "edge");
    const digest = `sha256:${"ab".repeat(32)}`;
    type Row = { item: string; passed?: boolean; ageSec?: number; detail?: Record<string, unknown> };
    const cases: Record<string, { tier: TierName; evidence: Row[]; without?: string[] }> = {
      drillAtLimit: { tier: "L2", evidence: [{ item: "rollback_proven", detail: { durationSec: 300 } }] },
      drillJustUnder: { tier: "L2", evidence: [{ item: "rollback_proven", detail: { durationSec: 299.4 } }] },
      drillNoDuration: { tier: "L2", evidence: [{ item: "rollback_proven", detail: {} }] },
      drillTextDuration: { tier: "L2", evidence: [{ item: "rollback_proven", detail: { durationSec: "60" } }] },
      drillNegative: { tier: "L2", evidence: [{ item: "rollback_proven", detail: { durationSec: -1 } }] },
      otherDigest: { tier: "L1", evidence: [{ item: "intended_digest", detail: { digest: `sha256:${"ef".repeat(32)}` } }] },
      ownDigest: { tier: "L1", evidence: [{ item: "intended_digest", detail: { digest } }] },
      staleL4: { tier: "L4", evidence: [{ item: "egress_enforced", ageSec: 25 * 3600 }] },
      freshL4: { tier: "L4", evidence: [{ item: "egress_enforced", ageSec: 23 * 3600 }] },
      failingUnattested: { tier: "L1", evidence: [{ item: "egress_enforced", passed: false }], without: ["default_deny_egress"] },
      unknownItem: { tier: "L0", evidence: [{ item: "not_an_item", passed: false }] },
      twoBroken: { tier: "L3", evidence: [{ item: "intended_digest", passed: false }, { item: "secrets_not_logged", ageSec: 80 * 3600 }] },
    };
    for (const [key, c] of Object.entries(cases)) {
      const p = await createProfile(prisma, edge.id, { slug: `edge-${key.toLowerCase()}-${edge.slug}`, tier: c.tier, canaryStage: "limited", artifactDigest: digest });
      await controls(p.id, c.tier, c.without);
      await prisma.profileEvidence.createMany({
        data: c.evidence.map((e) => ({ profileId: p.id, item: e.item, passed: e.passed ?? true, observedAt: ago(e.ageSec ?? 600), detail: (e.detail ?? {}) as object })),
      });
    }
    const b = (await board(admin, { range: "day", tenant: edge.slug }))!;
    const limited = column(b, "limited");
    expect(limited.total).toBe(Object.keys(cases).length);
    const unmet = (key: string) => limited.cards.find((c) => c.slug.startsWith(`edge-${key.toLowerCase()}-`))!.notEvidenced.map((n) => n.control);
    expect(unmet("drillAtLimit")).toEqual(["tested_rollback"]);
    expect(unmet("drillJustUnder")).toEqual([]);
    for (const key of ["drillNoDuration", "drillTextDuration", "drillNegative"]) expect(unmet(key), key).toEqual(["tested_rollback"]);
    expect(unmet("otherDigest")).toEqual(expect.arrayContaining(["digest_pinning"]));
    expect(unmet("ownDigest")).toEqual([]);
    expect(unmet("staleL4")).toEqual(["default_deny_egress"]);
    expect(unmet("freshL4")).toEqual([]);
    expect(unmet("failingUnattested")).toEqual(["default_deny_egress"]);
    expect(unmet("unknownItem")).toEqual([]);
    expect(unmet("twoBroken").length).toBeGreaterThanOrEqual(2);
    // The SQL's count and order agree with what each card says.
    expect(limited.short).toBe(limited.cards.filter((c) => c.notEvidenced.length > 0).length);
    const counts = limited.cards.map((c) => c.notEvidenced.length);
    expect(counts).toEqual([...counts].sort((x, y) => y - x));
  });

  describe("per-profile detail", () => {
    it("lists required controls with evidence and age, gaps, extras, and the evidence items backing each", async () => {
      const d = (await getReadinessDetail(database.prisma, member, slugs.rolled!, NOW))!;
      expect(d.tier).toBe("L3");
      expect(d.requiredCount).toBe(15);
      // slo has no attestation; tested_rollback is attested but its drill took 6 min 52 s.
      expect(d.gaps).toEqual(["tested_rollback", "slo"]);
      expect(d.complete).toBe(false);
      const required = d.controls.filter((c) => c.required);
      expect(required.map((c) => c.control)).toEqual(requiredControls("L3"));
      const slo = required.find((c) => c.control === "slo")!;
      expect(slo).toMatchObject({ have: null, evidenced: false, why: "no evidence recorded" });
      const rollback = required.find((c) => c.control === "tested_rollback")!;
      expect(rollback.have).toMatchObject({ ageSec: 86_400, source: "evidence/tested_rollback.json" });
      expect(rollback).toMatchObject({ evidenced: false, why: "Rollback drill: took 6 min 52 s (limit 5 min), observed 2 h ago" });
      expect(rollback.backedBy).toEqual([{ item: "rollback_proven", label: "Rollback proven (< 5 min)", state: "fail" }]);
      expect(required.filter((c) => c.evidenced)).toHaveLength(13);
      expect(d.controls.filter((c) => !c.required).map((c) => [c.control, c.have?.ageSec, c.evidenced])).toEqual([["tenant_isolation", 10, true]]);
      expect(d.checklist.counts).toEqual({ pass: 0, fail: 1, missing: 6 });
    });

    it("reports each evidence item's age", async () => {
      const d = (await getReadinessDetail(database.prisma, member, slugs.ready!, NOW))!;
      expect(d.checklist.ready).toBe(true);
      expect(d.checklist.entries.map((e) => e.ageSec)).toEqual([600, 1200, 1800, 2400, 3000, 3600, 4200]);
      expect(d.gaps).toEqual([]);
      expect(d.complete).toBe(true);
      expect(d.maxEvidenceAgeSec).toBe(72 * 3600);
      expect(d.controls.every((c) => c.evidenced && c.why === null)).toBe(true);
    });

    it("is not complete when every control is attested but a backing item fails (acme-ticket-triage)", async () => {
      const d = (await getReadinessDetail(database.prisma, member, slugs.triage!, NOW))!;
      expect(d.controls.filter((c) => c.required).every((c) => c.have !== null)).toBe(true);
      expect(d.complete).toBe(false);
      expect(d.gaps).toEqual(["no_secrets"]);
      const secrets = d.controls.find((c) => c.control === "no_secrets")!;
      expect(secrets).toMatchObject({
        evidenced: false,
        why: "Secrets not logged: failing (observed 5 h ago) — an API-key pattern was found in app.log",
        backedBy: [{ item: "secrets_not_logged", label: "Secrets not logged", state: "fail" }],
      });
      // A backing item never observed (canary survived) does not void an attestation.
      expect(d.checklist.counts).toEqual({ pass: 5, fail: 1, missing: 1 });
    });

    it("is not complete when a backing item passed longer ago than the tier allows", async () => {
      const d = (await getReadinessDetail(database.prisma, member, slugs.deploy!, NOW))!;
      expect(d.tier).toBe("L1");
      expect(d.gaps).toEqual(["default_deny_egress"]);
      expect(d.complete).toBe(false);
      const egress = d.controls.find((c) => c.control === "default_deny_egress")!;
      expect(egress).toMatchObject({ evidenced: false, why: "Evidence older than 7 days: Egress policy enforced observed 8 days ago" });
      expect(egress.backedBy).toEqual([{ item: "egress_enforced", label: "Egress policy enforced", state: "stale" }]);
    });

    it("names each required control not evidenced once, whatever the reason", async () => {
      const d = (await getReadinessDetail(database.prisma, member, slugs.twoGaps!, NOW))!;
      expect(d.gaps).toEqual(["default_deny_egress", "human_approval_writes", "scoped_tokens"]);
      expect(d.controls.find((c) => c.control === "default_deny_egress")!.why).toBe("Egress policy enforced: failing (observed 30 s ago) — reached 1.2.3.4:443");
      expect(d.controls.filter((c) => c.required && !c.evidenced).map((c) => c.control)).toEqual(d.gaps);
    });

    it("is null for another tenant's profile and for an unknown one", async () => {
      expect(await getReadinessDetail(database.prisma, member, slugs.foreign!, NOW)).toBeNull();
      expect(await getReadinessDetail(database.prisma, member, "no-such-profile", NOW)).toBeNull();
      expect(await getReadinessDetail(database.prisma, admin, slugs.foreign!, NOW)).not.toBeNull();
    });
  });
});
