import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase, type Db } from "@/lib/db";
import { DEFAULT_QUERY } from "@/lib/domain/registry-query";
import { computeHealth } from "@/lib/domain/ingest";
import { refreshHealth } from "@/lib/server/health-refresh";
import { getOverview } from "@/lib/server/overview";
import { listProfiles } from "@/lib/server/profiles";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const DIGEST = `sha256:${"cd".repeat(32)}`;
type Health = "healthy" | "degraded" | "down" | "unknown";

async function createTenant(prisma: Db) {
  const slug = randomSlug("t");
  return prisma.tenant.create({ data: { slug, name: `Tenant ${slug}` } });
}

async function createProfile(
  prisma: Db,
  tenantId: string,
  over: { health?: Health; lastHeartbeatAt?: Date | null; heartbeatIntervalSec?: number } = {},
) {
  const slug = randomSlug("p");
  return prisma.profile.create({
    data: {
      tenantId,
      slug,
      owner: "ops",
      ring: 2,
      tier: "L1",
      unit: `${slug}.service`,
      artifactDigest: DIGEST,
      rollbackEndpoint: "https://rollback.internal/x",
      rollbackManifestDigest: DIGEST,
      evidencePath: `evidence/${slug}/`,
      health: over.health ?? "unknown",
      lastHeartbeatAt: over.lastHeartbeatAt ?? null,
      heartbeatIntervalSec: over.heartbeatIntervalSec ?? 60,
    },
  });
}

const healthOf = async (prisma: Db, id: string) => (await prisma.profile.findUniqueOrThrow({ where: { id } })).health;

describe.each(BACKENDS)("live health on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    prisma = database.prisma;
    tenantId = (await createTenant(prisma)).id;
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("maps heartbeat age to healthy (< 2 intervals), degraded (< 5), down (≥ 5)", async () => {
    const now = new Date("2026-11-22T12:00:00Z");
    const beat = (sec: number) => new Date(now.getTime() - sec * 1000);
    const cases: [number, number, Health][] = [
      [0, 60, "healthy"],
      [119, 60, "healthy"],
      [120, 60, "degraded"],
      [299, 60, "degraded"],
      [300, 60, "down"],
      [86_400, 60, "down"],
      [1_000, 600, "healthy"],
      [1_200, 600, "degraded"],
    ];
    const ids = [];
    for (const [age, interval] of cases) {
      ids.push((await createProfile(prisma, tenantId, { lastHeartbeatAt: beat(age), heartbeatIntervalSec: interval })).id);
    }
    await refreshHealth(prisma, now);
    for (const [i, [age, interval, want]] of cases.entries()) {
      expect({ age, interval, health: await healthOf(prisma, ids[i]!) }).toEqual({ age, interval, health: want });
    }
    // Idempotent: nothing left to change at the same instant.
    expect(await refreshHealth(prisma, now)).toBe(0);
  });

  it("agrees with the pure computeHealth around every threshold, including clamped intervals", async () => {
    const now = new Date("2026-11-22T15:00:00Z");
    const grid: { age: number; interval: number; id: string }[] = [];
    for (const interval of [1, 5, 60, 3600, 7200]) {
      for (const factor of [0, 1, 1.999, 2, 2.001, 4.999, 5, 5.001, 40]) {
        const age = Math.round(interval * factor * 1000) / 1000;
        const p = await createProfile(prisma, tenantId, { lastHeartbeatAt: new Date(now.getTime() - age * 1000), heartbeatIntervalSec: interval });
        grid.push({ age, interval, id: p.id });
      }
    }
    await refreshHealth(prisma, now);
    for (const g of grid) {
      const want = computeHealth({ lastHeartbeatAt: new Date(now.getTime() - g.age * 1000), intervalSec: g.interval, now });
      expect({ ...g, health: await healthOf(prisma, g.id) }).toEqual({ ...g, health: want });
    }
  });

  it("leaves profiles without a heartbeat alone, and only escalates a reported state", async () => {
    const now = new Date("2026-11-22T13:00:00Z");
    const never = await createProfile(prisma, tenantId, { health: "degraded" });
    const reportedDown = await createProfile(prisma, tenantId, { health: "down", lastHeartbeatAt: new Date(now.getTime() - 10_000) });
    const reportedDegraded = await createProfile(prisma, tenantId, { health: "degraded", lastHeartbeatAt: new Date(now.getTime() - 400_000) });
    await refreshHealth(prisma, now);
    expect(await healthOf(prisma, never.id)).toBe("degraded");
    expect(await healthOf(prisma, reportedDown.id)).toBe("down");
    expect(await healthOf(prisma, reportedDegraded.id)).toBe("down");
  });

  it("moves a profile through degraded to down as time passes, without any new event", async () => {
    const start = new Date("2026-11-22T14:00:00Z");
    const p = await createProfile(prisma, tenantId, { health: "healthy", lastHeartbeatAt: start, heartbeatIntervalSec: 30 });
    const at = (sec: number) => new Date(start.getTime() + sec * 1000);
    await refreshHealth(prisma, at(59));
    expect(await healthOf(prisma, p.id)).toBe("healthy");
    await refreshHealth(prisma, at(60));
    expect(await healthOf(prisma, p.id)).toBe("degraded");
    await refreshHealth(prisma, at(150));
    expect(await healthOf(prisma, p.id)).toBe("down");
  });
});

describe.each(BACKENDS)("registry reads refresh health on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    prisma = database.prisma;
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("filters health=down to a profile whose heartbeat went stale, and counts it in the overview", async () => {
    const tenant = await createTenant(prisma);
    const other = await createTenant(prisma);
    // Stored as healthy when its last beat arrived an hour ago; nothing since.
    const stale = await createProfile(prisma, tenant.id, { health: "healthy", lastHeartbeatAt: new Date(Date.now() - 3_600_000) });
    const fresh = await createProfile(prisma, tenant.id, { health: "healthy", lastHeartbeatAt: new Date() });
    await createProfile(prisma, other.id, { health: "healthy", lastHeartbeatAt: new Date(Date.now() - 3_600_000) });
    const viewer: Actor = { userId: crypto.randomUUID(), platformAdmin: false, memberships: [{ tenantId: tenant.id, role: "viewer" }] };

    const down = await listProfiles(viewer, { ...DEFAULT_QUERY, health: "down" });
    expect(down.rows.map((r) => r.slug)).toEqual([stale.slug]);
    const healthy = await listProfiles(viewer, { ...DEFAULT_QUERY, health: "healthy" });
    expect(healthy.rows.map((r) => r.slug)).toEqual([fresh.slug]);
    const overview = await getOverview(viewer);
    expect(overview.byHealth).toMatchObject({ down: 1, healthy: 1 });
  });
});
