import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase, type Db } from "@/lib/db";
import { DEFAULT_QUERY, type RegistryQuery } from "@/lib/domain/registry-query";
import { CANARY_STAGES, HEALTH_STATES, TIERS, requiredControls } from "@/lib/domain/tiers";
import { getOverview } from "@/lib/server/overview";
import { getProfile, listOwners, listProfiles } from "@/lib/server/profiles";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const DIGEST = `sha256:${"ab".repeat(32)}`;

interface Spec {
  slug: string;
  ring: number;
  tier: (typeof TIERS)[number];
  health: (typeof HEALTH_STATES)[number];
  stage: (typeof CANARY_STAGES)[number];
  owner: string;
  unit: string;
  lastSeenAt: Date | null;
}

function specs(prefix: string, count: number): Spec[] {
  return Array.from({ length: count }, (_, i) => ({
    slug: `${prefix}-p${String(i).padStart(2, "0")}`,
    ring: i % 6,
    tier: TIERS[Math.floor(i / 5) % 6]!,
    health: HEALTH_STATES[i % 4]!,
    stage: CANARY_STAGES[i % 5]!,
    owner: i % 3 === 0 ? "Build-Team" : "ops-team",
    unit: i === 7 ? "needle-finder.service" : `svc-${i}.service`,
    lastSeenAt: i % 2 ? new Date(Date.UTC(2026, 10, 1, 0, i)) : null,
  }));
}

async function createTenantWithProfiles(prisma: Db, count: number) {
  const slug = randomSlug("t");
  const tenant = await prisma.tenant.create({ data: { slug, name: `Tenant ${slug}` } });
  const list = specs(slug, count);
  await prisma.profile.createMany({
    data: list.map((s) => ({
      tenantId: tenant.id,
      slug: s.slug,
      owner: s.owner,
      ring: s.ring,
      tier: s.tier,
      unit: s.unit,
      health: s.health,
      canaryStage: s.stage,
      lastSeenAt: s.lastSeenAt,
      artifactDigest: DIGEST,
      rollbackEndpoint: "https://rollback.internal/x",
      rollbackManifestDigest: DIGEST,
      evidencePath: `evidence/${s.slug}/`,
      tools: [{ name: "read_ticket", schemaHash: DIGEST }],
      egress: ["tickets.internal:443"],
      secretRefs: ["secret://vault/x/token"],
    })),
  });
  return { tenant, specs: list };
}

const q = (over: Partial<RegistryQuery> = {}): RegistryQuery => ({ ...DEFAULT_QUERY, ...over });
const actorIn = (tenantId: string, role: "viewer" | "auditor" = "viewer"): Actor => ({
  userId: crypto.randomUUID(),
  platformAdmin: false,
  memberships: [{ tenantId, role }],
});
const platformAdmin: Actor = { userId: crypto.randomUUID(), platformAdmin: true, memberships: [] };

describe.each(BACKENDS)("registry reads on %s", (backend) => {
  let database: TestDatabase;
  let a: Awaited<ReturnType<typeof createTenantWithProfiles>>;
  let b: Awaited<ReturnType<typeof createTenantWithProfiles>>;
  let viewerA: Actor;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    a = await createTenantWithProfiles(database.prisma, 30);
    b = await createTenantWithProfiles(database.prisma, 8);
    viewerA = actorIn(a.tenant.id);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("lists only the actor's tenants, 25 a page by default, with the total", async () => {
    const first = await listProfiles(viewerA, q());
    expect(first).toMatchObject({ total: 30, page: 1, pageCount: 2, size: 25 });
    expect(first.rows).toHaveLength(25);
    expect(new Set(first.rows.map((r) => r.tenant.slug))).toEqual(new Set([a.tenant.slug]));
    expect(first.rows.map((r) => r.slug)).toEqual(a.specs.map((s) => s.slug).sort().slice(0, 25));
    const second = await listProfiles(viewerA, q({ page: 2 }));
    expect(second.rows.map((r) => r.slug)).toEqual(a.specs.map((s) => s.slug).sort().slice(25));
  });

  it("never reveals another tenant's profiles, even when filtering by its slug", async () => {
    expect((await listProfiles(viewerA, q({ tenant: b.tenant.slug }))).total).toBe(0);
    expect((await listProfiles(viewerA, q({ q: b.tenant.slug }))).total).toBe(0);
    const outsider: Actor = { userId: crypto.randomUUID(), platformAdmin: false, memberships: [] };
    expect((await listProfiles(outsider, q())).total).toBe(0);
  });

  it("lets a platform admin see every tenant and filter to one", async () => {
    expect((await listProfiles(platformAdmin, q({ size: 100 }))).total).toBe(38);
    const onlyB = await listProfiles(platformAdmin, q({ tenant: b.tenant.slug }));
    expect(onlyB.total).toBe(8);
    expect(onlyB.rows.every((r) => r.tenant.slug === b.tenant.slug)).toBe(true);
  });

  it("applies ring, tier, health, stage and owner filters together", async () => {
    const cases: [Partial<RegistryQuery>, (s: Spec) => boolean][] = [
      [{ ring: 3 }, (s) => s.ring === 3],
      [{ tier: "L1", health: "healthy" }, (s) => s.tier === "L1" && s.health === "healthy"],
      [{ stage: "limited" }, (s) => s.stage === "limited"],
      [{ owner: "build-team" }, (s) => s.owner === "Build-Team"],
      [{ ring: 0, owner: "BUILD-TEAM", stage: "deploy_only" }, (s) => s.ring === 0 && s.owner === "Build-Team" && s.stage === "deploy_only"],
    ];
    for (const [filters, match] of cases) {
      const page = await listProfiles(viewerA, q({ ...filters, size: 100 }));
      const expected = a.specs.filter(match).map((s) => s.slug).sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(page.rows.map((r) => r.slug), JSON.stringify(filters)).toEqual(expected);
      expect(page.total).toBe(expected.length);
    }
  });

  it("searches slug, unit and owner case-insensitively", async () => {
    expect((await listProfiles(viewerA, q({ q: "NEEDLE" }))).rows.map((r) => r.slug)).toEqual([a.specs[7]!.slug]);
    expect((await listProfiles(viewerA, q({ q: "uild-te" }))).total).toBe(a.specs.filter((s) => s.owner === "Build-Team").length);
    expect((await listProfiles(viewerA, q({ q: "p1" }))).total).toBe(10);
    expect((await listProfiles(viewerA, q({ q: "%" }))).total).toBe(0);
    expect((await listProfiles(viewerA, q({ q: "_" }))).total).toBe(0);
  });

  it("sorts by a column in either direction with slug as the tie-breaker", async () => {
    const byRing = await listProfiles(viewerA, q({ sort: "ring", dir: "desc", size: 100 }));
    const expected = [...a.specs].sort((x, y) => y.ring - x.ring || x.slug.localeCompare(y.slug)).map((s) => s.slug);
    expect(byRing.rows.map((r) => r.slug)).toEqual(expected);

    const bySlug = await listProfiles(viewerA, q({ sort: "slug", dir: "desc", size: 10 }));
    expect(bySlug.rows.map((r) => r.slug)).toEqual(a.specs.map((s) => s.slug).sort().reverse().slice(0, 10));

    const byLastSeen = await listProfiles(viewerA, q({ sort: "lastSeen", dir: "asc", size: 100 }));
    const seen = byLastSeen.rows.map((r) => r.lastSeenAt);
    expect(seen.slice(0, 15).every((d) => d !== null)).toBe(true);
    expect(seen.slice(15).every((d) => d === null)).toBe(true);
    const times = seen.slice(0, 15).map((d) => d!.getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it("pages with any allowed size and clamps a page past the end", async () => {
    const third = await listProfiles(viewerA, q({ size: 10, page: 3, sort: "ring" }));
    const expected = [...a.specs].sort((x, y) => x.ring - y.ring || x.slug.localeCompare(y.slug)).map((s) => s.slug);
    expect(third.rows.map((r) => r.slug)).toEqual(expected.slice(20, 30));
    const past = await listProfiles(viewerA, q({ size: 10, page: 99 }));
    expect(past).toMatchObject({ page: 3, pageCount: 3, total: 30 });
  });

  it("lists owners within scope only", async () => {
    expect(await listOwners(viewerA)).toEqual(["Build-Team", "ops-team"]);
  });

  it("returns a profile with hosts, keys, controls and tier gaps, or null outside scope", async () => {
    const target = a.specs[12]!; // tier L2
    const profile = await database.prisma.profile.findUniqueOrThrow({ where: { slug: target.slug } });
    const hostId = randomSlug("host");
    await database.prisma.host.create({
      data: {
        id: hostId,
        profiles: { create: { profileId: profile.id } },
        keys: { create: [{ id: `${hostId}-k1`, publicKey: "AAAA" }, { id: `${hostId}-k0`, publicKey: "BBBB", status: "revoked" }] },
      },
    });
    await database.prisma.profileControl.createMany({
      data: ["digest_pinning", "teardown", "auth"].map((control) => ({
        profileId: profile.id,
        control,
        evidencedAt: new Date(),
        source: "test",
      })),
    });

    const detail = await getProfile(viewerA, target.slug);
    expect(detail).toMatchObject({ slug: target.slug, tier: "L2", tenant: { slug: a.tenant.slug } });
    expect(detail!.tools).toEqual([{ name: "read_ticket", schemaHash: DIGEST }]);
    expect(detail!.secretRefs).toEqual(["secret://vault/x/token"]);
    expect(detail!.hosts).toHaveLength(1);
    expect(detail!.hosts[0]!.keys.map((k) => [k.id, k.status])).toEqual([
      [`${hostId}-k1`, "active"],
      [`${hostId}-k0`, "revoked"],
    ]);
    expect(detail!.controls.map((c) => c.control)).toEqual(["auth", "digest_pinning", "teardown"]);
    expect(detail!.gaps).toEqual(
      requiredControls("L2").filter((c) => !["digest_pinning", "teardown", "auth"].includes(c)),
    );
    expect(detail!.controlReport.complete).toBe(false);
    expect(detail!.controlReport.notEvidenced.map((c) => c.control)).toEqual(detail!.gaps);
    expect(detail!.controlReport.controls.find((c) => c.control === "auth")).toMatchObject({ evidenced: true, why: null });
    expect(detail!.controlReport.controls.find((c) => c.control === "scoped_tokens")).toMatchObject({ evidenced: false, why: "no evidence recorded" });

    // An attested control backed by a failing item is not evidenced, and says why.
    await database.prisma.profileEvidence.create({
      data: { profileId: profile.id, item: "intended_digest", passed: false, observedAt: new Date(Date.now() - 2 * 3600_000), detail: { reason: "digest drift" } },
    });
    const failing = (await getProfile(viewerA, target.slug))!;
    expect(failing.gaps[0]).toBe("digest_pinning");
    expect(failing.controlReport.controls.find((c) => c.control === "digest_pinning")).toMatchObject({
      evidenced: false,
      why: "Intended digest running: failing (observed 2 h ago) — digest drift",
    });
    expect(detail!.audit).toBeNull(); // a viewer may not read the audit log
    expect((await getProfile(actorIn(a.tenant.id, "auditor"), target.slug))!.audit).toEqual([]);

    expect(await getProfile(viewerA, b.specs[0]!.slug)).toBeNull();
    expect(await getProfile(viewerA, "no-such-profile")).toBeNull();
    expect(await getProfile(actorIn(b.tenant.id), target.slug)).toBeNull();
    expect((await getProfile(platformAdmin, b.specs[0]!.slug))?.slug).toBe(b.specs[0]!.slug);
  });

  it("counts the overview in the actor's scope and lists tier shortfalls", async () => {
    // Give one L0 profile every control its tier requires: it must leave the shortfall list.
    const complete = a.specs.find((s) => s.tier === "L0")!;
    const profile = await database.prisma.profile.findUniqueOrThrow({ where: { slug: complete.slug } });
    await database.prisma.profileControl.createMany({
      data: requiredControls("L0").map((control) => ({ profileId: profile.id, control, evidencedAt: new Date(), source: "test" })),
    });

    const overview = await getOverview(viewerA);
    expect(overview.total).toBe(30);
    for (const h of HEALTH_STATES) expect(overview.byHealth[h]).toBe(a.specs.filter((s) => s.health === h).length);
    for (const t of TIERS) expect(overview.byTier[t]).toBe(a.specs.filter((s) => s.tier === t).length);
    for (const st of CANARY_STAGES) expect(overview.byStage[st]).toBe(a.specs.filter((s) => s.stage === st).length);
    for (let r = 0; r <= 5; r++) expect(overview.byRing[r]).toBe(5);

    expect(overview.shortfall.total).toBe(29);
    expect(overview.shortfall.profiles).toHaveLength(20);
    expect(overview.shortfall.profiles.some((p) => p.slug === complete.slug)).toBe(false);
    expect(overview.shortfall.profiles.every((p) => p.tenant === a.tenant.slug && p.gaps.length > 0)).toBe(true);

    const all = await getOverview(platformAdmin);
    expect(all.total).toBe(38);
    expect(all.shortfall.total).toBe(37);
  });
});
