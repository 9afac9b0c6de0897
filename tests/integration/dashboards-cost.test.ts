/**
 * Cost dashboard figures on seeded rows with known timestamps, through
 * loadDashboard with a fixed clock: series by tenant, profile and model,
 * top spenders, cost per allowed-or-approved job, and the month's budgets
 * and alerts. Another tenant's rows never count, and a tenant or profile the
 * actor may not see resolves like one that does not exist.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { checkBudgets } from "@/lib/server/budgets/checker";
import { costDashboard, OTHER_LABEL, SERIES_LIMIT } from "@/lib/server/dashboards/cost";
import type { CostDashboard } from "@/lib/server/dashboards/cost-types";
import { loadDashboard } from "@/lib/server/dashboards/load";
import type { DashboardQuery } from "@/lib/schemas/dashboards";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createJob } from "../support/job-factory";

const NOW = new Date("2026-11-20T12:30:00Z");
const at = (iso: string) => new Date(iso);

describe.each(BACKENDS)("cost dashboard (%s)", (backend) => {
  let database: TestDatabase;
  let member: Actor;
  let admin: Actor;
  const slugs = { a: "", b: "", a1: "", a2: "", b1: "" };
  const models = { sonnet: randomSlug("sonnet"), haiku: randomSlug("haiku"), gpt: randomSlug("gpt") };

  async function cost(tenantId: string, profileId: string, occurredAt: string, model: string, amount: string, tokensIn = 0, tokensOut = 0) {
    await database.prisma.costRecord.create({
      data: { tenantId, profileId, eventId: randomUUID(), occurredAt: at(occurredAt), model, tokensIn, tokensOut, cost: amount },
    });
  }

  async function load(actor: Actor, query: Partial<DashboardQuery> = {}): Promise<CostDashboard | null> {
    const result = await loadDashboard(database, actor, { range: "day", ...query }, costDashboard, NOW);
    return result?.data ?? null;
  }

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const p = database.prisma;
    const [a, b] = [await createTenant(p, "ta"), await createTenant(p, "tb")];
    const [a1, a2, b1] = [await createProfile(p, a.id), await createProfile(p, a.id), await createProfile(p, b.id)];
    Object.assign(slugs, { a: a.slug, b: b.slug, a1: a1.slug, a2: a2.slug, b1: b1.slug });
    await p.tenant.update({ where: { id: a.id }, data: { monthlyBudgetUsd: 20 } });
    await p.tenant.update({ where: { id: b.id }, data: { monthlyBudgetUsd: 1000 } });
    await p.profile.update({ where: { id: a1.id }, data: { monthlyBudgetUsd: 5 } });

    // In the day window (2026-11-19T13:00 – 2026-11-20T13:00):
    await cost(a.id, a1.id, "2026-11-20T10:10:00Z", models.sonnet, "1.50", 100, 50);
    await cost(a.id, a1.id, "2026-11-20T10:40:00Z", models.haiku, "0.25", 40, 10);
    await cost(a.id, a2.id, "2026-11-20T11:05:00Z", models.sonnet, "2.00", 200, 100);
    await cost(b.id, b1.id, "2026-11-20T10:15:00Z", models.sonnet, "7.00", 999, 999);
    // This month, outside the day window; and last month (no budget counts it).
    await cost(a.id, a1.id, "2026-11-19T12:59:59Z", models.sonnet, "5.00");
    await cost(a.id, a2.id, "2026-11-01T00:00:00Z", models.gpt, "10.00");
    await cost(a.id, a1.id, "2026-10-31T23:59:59Z", models.gpt, "100.00");

    const ta = { id: a.id, slug: a.slug };
    const jobAt = at("2026-11-20T09:00:00Z");
    for (const status of ["ALLOWED", "APPROVED", "APPROVED", "DENIED", "PENDING_APPROVAL", "REJECTED"] as const) {
      await createJob(p, { tenant: ta, profile: a1, status, createdAt: jobAt });
    }
    await createJob(p, { tenant: ta, profile: a2, status: "ALLOWED", createdAt: at("2026-11-18T09:00:00Z") }); // before the window
    await createJob(p, { tenant: { id: b.id, slug: b.slug }, profile: b1, status: "ALLOWED", createdAt: jobAt });

    member = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: a.id, role: "viewer" }] };
    admin = { userId: randomUUID(), platformAdmin: true, memberships: [] };
    await checkBudgets(database, { now: NOW, webhookUrl: null, consoleUrl: null });
  });
  afterAll(() => database?.close());

  it("sums the window's cost and tokens of the actor's tenants only", async () => {
    const data = (await load(member))!;
    expect(data.totals).toEqual({ cost: 3.75, tokensIn: 340, tokensOut: 160, records: 3 });
    expect(data.byTenant.keys).toEqual([{ id: "s0", label: slugs.a }]);
    expect(data.byModel.keys).toEqual([{ id: "s0", label: models.sonnet }, { id: "s1", label: models.haiku }]);
    expect(data.byModel.cost).toHaveLength(24);
    const ten = data.byModel.cost.find((pt) => pt.bucket === "2026-11-20T10:00:00.000Z");
    const eleven = data.byModel.cost.find((pt) => pt.bucket === "2026-11-20T11:00:00.000Z");
    expect(ten).toEqual({ bucket: "2026-11-20T10:00:00.000Z", s0: 1.5, s1: 0.25 });
    expect(eleven).toEqual({ bucket: "2026-11-20T11:00:00.000Z", s0: 2, s1: 0 });
    expect(data.byProfile.keys.map((k) => k.label)).toEqual([slugs.a2, slugs.a1]);
    const tokens = data.byProfile.tokens.find((pt) => pt.bucket === "2026-11-20T10:00:00.000Z");
    expect(tokens).toMatchObject({ s0: 0, s1: 200 });
  });

  it("ranks top spenders with their share, and divides cost by the jobs that ran", async () => {
    const data = (await load(member))!;
    expect(data.topSpenders).toEqual([
      { profile: slugs.a2, tenant: slugs.a, cost: 2, tokens: 300, share: 53.3 },
      { profile: slugs.a1, tenant: slugs.a, cost: 1.75, tokens: 200, share: 46.7 },
    ]);
    expect(data.costPerJob).toEqual({ jobs: 3, cost: 3.75, perJob: 1.25 });
  });

  it("widens to the month and to every tenant for a platform admin", async () => {
    // "month" is the last 30 days (it reaches back into October), unlike the calendar-month budgets.
    const month = (await load(member, { range: "month" }))!;
    expect(month.totals.cost).toBe(118.75);
    expect(month.budgets.rows.find((r) => r.scope === "tenant")!.spend).toBe(18.75);
    const all = (await load(admin))!;
    expect(all.totals.cost).toBe(10.75);
    expect(all.byTenant.keys.map((k) => k.label)).toEqual([slugs.b, slugs.a]);
    expect(all.costPerJob.jobs).toBe(4);
  });

  it("lists the month's budgets, most used first, with projection, state and burn-down", async () => {
    const { budgets } = (await load(member))!;
    expect(budgets.month).toBe("2026-11");
    expect(budgets.total).toBe(2);
    expect(budgets.rows).toEqual([
      { scope: "profile", slug: slugs.a1, tenant: slugs.a, budget: 5, spend: 6.75, percent: 135, projected: 10.37, state: "exceeded" },
      { scope: "tenant", slug: slugs.a, tenant: slugs.a, budget: 20, spend: 18.75, percent: 93.8, projected: 28.82, state: "warning" },
    ]);
    // No scope chosen: the most used budget's burn-down.
    expect(budgets.burnDown).toMatchObject({ scope: "profile", slug: slugs.a1, budget: 5 });
    const tenant = (await load(member, { tenant: slugs.a }))!.budgets.burnDown!;
    expect(tenant).toMatchObject({ scope: "tenant", slug: slugs.a, budget: 20 });
    expect(tenant.points).toHaveLength(30);
    expect(tenant.points.map((pt) => pt.remaining).slice(0, 1)).toEqual([10]);
    expect(tenant.points[18]!.remaining).toBe(5);
    expect(tenant.points[19]!.remaining).toBe(1.25);
    expect(tenant.points[20]!.remaining).toBeNull();
  });

  it("shows the month's alerts in scope: a profile scope keeps its tenant's", async () => {
    const { budgets } = (await load(member))!;
    expect(budgets.alerts.map((a) => `${a.scope}:${a.slug}:${a.threshold}`).sort()).toEqual(
      [`profile:${slugs.a1}:100`, `profile:${slugs.a1}:80`, `tenant:${slugs.a}:80`].sort(),
    );
    const a2 = (await load(member, { profile: slugs.a2 }))!;
    expect(a2.budgets.alerts.map((a) => `${a.scope}:${a.slug}:${a.threshold}`)).toEqual([`tenant:${slugs.a}:80`]);
    expect(a2.budgets.rows.map((r) => r.slug)).toEqual([slugs.a]);
    expect(a2.budgets.burnDown).toMatchObject({ scope: "tenant", slug: slugs.a });
    expect(a2.totals.cost).toBe(2);
  });

  it("answers null for another tenant's or an unknown tenant or profile", async () => {
    expect(await load(member, { tenant: slugs.b })).toBeNull();
    expect(await load(member, { profile: slugs.b1 })).toBeNull();
    expect(await load(member, { tenant: randomSlug("nope") })).toBeNull();
    expect(await load(member, { tenant: slugs.a, profile: slugs.b1 })).toBeNull();
    expect((await load(admin, { tenant: slugs.b }))!.totals.cost).toBe(7);
  });

  it("folds spenders past the top ones into (other)", async () => {
    const p = database.prisma;
    const c = await createTenant(p, "tc");
    const profile = await createProfile(p, c.id);
    for (let i = 0; i < SERIES_LIMIT + 2; i++) {
      await cost(c.id, profile.id, "2026-11-20T12:05:00Z", `m${i}-${randomSlug("x")}`, `${10 + i}.00`);
    }
    const { byModel } = (await load(admin, { tenant: c.slug }))!;
    expect(byModel.keys).toHaveLength(SERIES_LIMIT + 1);
    expect(byModel.keys.at(-1)).toEqual({ id: `s${SERIES_LIMIT}`, label: OTHER_LABEL });
    const noon = byModel.cost.find((pt) => pt.bucket === "2026-11-20T12:00:00.000Z")!;
    expect(noon[`s${SERIES_LIMIT}`]).toBe(10 + 11); // the two smallest
    expect(noon.s0).toBe(17);
  });
});
