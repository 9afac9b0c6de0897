/**
 * Budgets come from the registry manifest: a sync sets them on new and
 * existing tenants and profiles, shows them in the plan, clears them when the
 * manifest leaves `budget` out, and a re-sync is a no-op.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPlan } from "@/lib/domain/registry/format-plan";
import type { Manifest, ProfileSpec } from "@/lib/domain/registry/manifest-schema";
import { applySync, planSync } from "./registry-helpers";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { TEST_DIGEST } from "../support/factories";

function profileSpec(slug: string, tenant: string, monthlyUsd?: number): ProfileSpec {
  return {
    slug, tenant, owner: "ops", ring: 2, tier: "L1", unit: `${slug}.service`, artifactDigest: TEST_DIGEST,
    rollbackTarget: { endpoint: `https://deploy.internal/${slug}`, manifestDigest: TEST_DIGEST }, evidencePath: `evidence/${slug}/`,
    tools: [], deniedTools: [], egress: [], secrets: [], ...(monthlyUsd === undefined ? {} : { budget: { monthlyUsd } }),
  };
}

function manifest(tenant: string, tenantBudget: number | undefined, profiles: ProfileSpec[]): Manifest {
  return {
    apiVersion: "cellgate/v1",
    kind: "Registry",
    tenants: [{ slug: tenant, name: `Tenant ${tenant}`, ...(tenantBudget === undefined ? {} : { budget: { monthlyUsd: tenantBudget } }) }],
    profiles,
    hosts: [],
  };
}

describe.each(BACKENDS)("budgets through registry sync (%s)", (backend) => {
  let database: TestDatabase;
  let admin: string;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    admin = `${randomSlug("admin")}@example.test`;
    await database.prisma.user.create({ data: { email: admin, name: "Admin", platformAdmin: true } });
  });
  afterAll(() => database?.close());

  const budgets = async (tenant: string) => {
    const t = await database.prisma.tenant.findUniqueOrThrow({ where: { slug: tenant }, include: { profiles: { orderBy: { slug: "asc" } } } });
    return {
      tenant: t.monthlyBudgetUsd?.toString() ?? null,
      profiles: Object.fromEntries(t.profiles.map((p) => [p.slug, p.monthlyBudgetUsd?.toString() ?? null])),
    };
  };

  it("sets budgets on creation, changes and clears them, and re-syncs as a no-op", async () => {
    const tenant = randomSlug("bud");
    const [a, b] = [`${tenant}-a`, `${tenant}-b`];
    await applySync(database, manifest(tenant, 2500, [profileSpec(a, tenant, 100.25), profileSpec(b, tenant)]), { actorEmail: admin, origin: "test" });
    expect(await budgets(tenant)).toEqual({ tenant: "2500", profiles: { [a]: "100.25", [b]: null } });

    const changed = manifest(tenant, 3000, [profileSpec(a, tenant), profileSpec(b, tenant, 40)]);
    const plan = await planSync(database, changed);
    expect(formatPlan(plan)).toEqual([
      `~ tenant ${tenant}: budget.monthlyUsd 2500.00 → 3000.00`,
      `~ profile ${a}: budget.monthlyUsd 100.25 → none`,
      `~ profile ${b}: budget.monthlyUsd none → 40.00`,
    ]);
    expect(await budgets(tenant)).toEqual({ tenant: "2500", profiles: { [a]: "100.25", [b]: null } }); // planning writes nothing

    const applied = await applySync(database, changed, { actorEmail: admin, origin: "test" });
    expect(applied.receipt?.id).toMatch(/^rcpt_/);
    expect(await budgets(tenant)).toEqual({ tenant: "3000", profiles: { [a]: null, [b]: "40" } });
    const receipt = await database.prisma.receipt.findUniqueOrThrow({ where: { id: applied.receipt!.id } });
    expect(JSON.stringify(receipt.summary)).toContain("budget.monthlyUsd 2500.00 → 3000.00");

    const again = await planSync(database, changed);
    expect(again.changes).toEqual([]);
    expect(again.unchanged.profiles).toEqual([a, b]);

    await applySync(database, manifest(tenant, undefined, [profileSpec(a, tenant), profileSpec(b, tenant)]), { actorEmail: admin, origin: "test" });
    expect(await budgets(tenant)).toEqual({ tenant: null, profiles: { [a]: null, [b]: null } });
  });

  it("lets an operator of the tenant set its budgets, not another tenant's", async () => {
    const [mine, theirs] = [randomSlug("own"), randomSlug("other")];
    await applySync(database, manifest(mine, undefined, [profileSpec(`${mine}-a`, mine)]), { actorEmail: admin, origin: "test" });
    await applySync(database, manifest(theirs, undefined, []), { actorEmail: admin, origin: "test" });
    const operator = `${randomSlug("op")}@example.test`;
    const tenant = await database.prisma.tenant.findUniqueOrThrow({ where: { slug: mine } });
    await database.prisma.user.create({ data: { email: operator, name: "Op", memberships: { create: { tenantId: tenant.id, role: "operator" } } } });

    await applySync(database, manifest(mine, 75, [profileSpec(`${mine}-a`, mine, 12)]), { actorEmail: operator, origin: "test" });
    expect(await budgets(mine)).toEqual({ tenant: "75", profiles: { [`${mine}-a`]: "12" } });
    await expect(applySync(database, manifest(theirs, 75, []), { actorEmail: operator, origin: "test" })).rejects.toThrow();
    expect((await budgets(theirs)).tenant).toBeNull();
  });
});
