/**
 * The budget checker: each threshold (80 %, 100 %) of each budget fires once
 * per calendar month — with its audit entry in the same transaction and, when
 * a webhook URL is set, a Slack-compatible message delivered to it — however
 * often and however concurrently the check runs.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/lib/db";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { exceededBudgets } from "@/lib/server/budgets/banner";
import { checkBudgets } from "@/lib/server/budgets/checker";
import { deliverDue } from "@/lib/server/webhooks/outbox";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { startReceiver, type Receiver } from "./webhooks-receiver";

const NOW = new Date("2026-11-20T12:00:00Z");
const QUIET = { webhookUrl: null, consoleUrl: null } as const;

describe.each(BACKENDS)("budget alerts (%s)", (backend) => {
  let database: TestDatabase;
  let receiver: Receiver;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.close();
  });

  async function spend(tenantId: string, profileId: string, amount: string, occurredAt = "2026-11-10T08:00:00Z") {
    await database.prisma.costRecord.create({
      data: { tenantId, profileId, eventId: randomUUID(), occurredAt: new Date(occurredAt), model: "m", tokensIn: 1, tokensOut: 1, cost: amount },
    });
  }

  async function budgeted(tenantBudget: number | null, profileBudget: number | null) {
    const tenant = await createTenant(database.prisma, "bt");
    await database.prisma.tenant.update({ where: { id: tenant.id }, data: { monthlyBudgetUsd: tenantBudget } });
    const profile = await createProfile(database.prisma, tenant.id, { monthlyBudgetUsd: profileBudget });
    return { tenant, profile };
  }

  const alertsOf = (tenantId: string) =>
    database.prisma.budgetAlert.findMany({ where: { tenantId }, orderBy: { threshold: "asc" } });
  const auditsOf = (tenantId: string) =>
    database.prisma.auditEntry.findMany({ where: { tenantId, action: "budget.alert" }, orderBy: { seq: "asc" } });

  it("fires 80 % then 100 % exactly once each, with a system audit entry, and nothing on a re-check", async () => {
    const { tenant, profile } = await budgeted(100, null);
    await spend(tenant.id, profile.id, "50.00");
    await spend(tenant.id, profile.id, "500.00", "2026-10-31T23:59:59.999Z"); // last month: not this budget's
    expect(await checkBudgets(database, { now: NOW, ...QUIET })).toEqual([]);

    await spend(tenant.id, profile.id, "30.00"); // 80.00: exactly 80 %
    const first = await checkBudgets(database, { now: NOW, ...QUIET });
    expect(first.map((a) => [a.scopeKey, a.threshold, a.spendUsd])).toEqual([[`tenant:${tenant.id}`, 80, "80.000000"]]);
    expect(await checkBudgets(database, { now: NOW, ...QUIET })).toEqual([]);

    await spend(tenant.id, profile.id, "25.50");
    const second = await checkBudgets(database, { now: new Date("2026-11-21T00:00:00Z"), ...QUIET });
    expect(second.map((a) => [a.threshold, a.spendUsd, a.budgetUsd])).toEqual([[100, "105.500000", "100.00"]]);
    expect(await checkBudgets(database, { now: NOW, ...QUIET })).toEqual([]);

    const alerts = await alertsOf(tenant.id);
    expect(alerts.map((a) => [a.threshold, a.profileId, a.periodStart.toISOString()])).toEqual([
      [80, null, "2026-11-01T00:00:00.000Z"],
      [100, null, "2026-11-01T00:00:00.000Z"],
    ]);
    const audits = await auditsOf(tenant.id);
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ actorType: "system", actorId: "budget-checker", resource: `tenant:${tenant.id}` });
    expect(audits[1]!.data).toMatchObject({ alert: alerts[1]!.id, threshold: 100, period: "2026-11", tenant: tenant.slug });
    expect((await verifyAuditLog(database.sql)).ok).toBe(true);

    // A new month starts from nothing: December has no spend yet.
    expect(await checkBudgets(database, { now: new Date("2026-12-02T00:00:00Z"), ...QUIET })).toEqual([]);
  });

  it("checks profile budgets apart from their tenant's, and fires both thresholds at once when spend jumps past 100 %", async () => {
    const { tenant, profile } = await budgeted(1000, 10);
    await spend(tenant.id, profile.id, "12.34");
    const fired = await checkBudgets(database, { now: NOW, ...QUIET });
    expect(fired.map((a) => [a.scopeKey, a.threshold, a.profileSlug])).toEqual([
      [`profile:${profile.id}`, 80, profile.slug],
      [`profile:${profile.id}`, 100, profile.slug],
    ]);
    expect((await auditsOf(tenant.id)).map((e) => e.profileId)).toEqual([profile.id, profile.id]);
  });

  it("fires once when checkers run at the same time (separate connections on PostgreSQL)", async () => {
    const { tenant, profile } = await budgeted(50, null);
    await spend(tenant.id, profile.id, "60.00");
    const others: Database[] = database.url ? await Promise.all([1, 2, 3].map(() => openDatabase({ url: database.url!, poolSize: 2 }))) : [];
    try {
      const checkers = [database, ...others, database];
      const results = await Promise.all(checkers.map((db) => checkBudgets(db, { now: NOW, ...QUIET })));
      const fired = results.flat().filter((a) => a.tenantId === tenant.id);
      expect(fired.map((a) => a.threshold).sort()).toEqual([100, 80]);
      expect(await alertsOf(tenant.id)).toHaveLength(2);
      expect(await auditsOf(tenant.id)).toHaveLength(2);
      expect((await verifyAuditLog(database.sql)).ok).toBe(true);
    } finally {
      await Promise.all(others.map((db) => db.close()));
    }
  });

  it("sends each new alert to the webhook as a Slack-compatible message with a link to the cost dashboard", async () => {
    const { tenant, profile } = await budgeted(null, 40);
    await spend(tenant.id, profile.id, "33.00");
    const before = receiver.received.length;
    const fired = await checkBudgets(database, { now: NOW, webhookUrl: receiver.url, consoleUrl: "https://console.example.test" });
    expect(fired).toHaveLength(1);
    expect(fired[0]!.webhookId).toMatch(/^msg_/);
    const results = await deliverDue(database.sql, { now: new Date(), secret: null });
    expect(results.filter((r) => r.id === fired[0]!.webhookId)).toEqual([expect.objectContaining({ ok: true, status: "delivered" })]);
    await receiver.waitFor(before + 1);
    const body = JSON.parse(receiver.received.at(-1)!.body) as { type: string; text: string; blocks: unknown[]; data: Record<string, unknown> };
    expect(body.type).toBe("budget.alert");
    expect(body.text).toBe(`Budget warning: profile ${profile.slug} (${tenant.slug}) has spent $33.00 of $40.00 in 2026-11 (80 % reached)`);
    expect(body.data).toMatchObject({ alertId: fired[0]!.id, scope: "profile", threshold: 80, spendUsd: "33.000000", budgetUsd: "40.00" });
    expect(JSON.stringify(body.blocks)).toContain(`https://console.example.test/cost?range=month&tenant=${tenant.slug}&profile=${profile.slug}`);
    expect(receiver.received.at(-1)!.headers["webhook-id"]).toBe(fired[0]!.webhookId);

    // Checking again enqueues nothing more.
    expect(await checkBudgets(database, { now: NOW, webhookUrl: receiver.url, consoleUrl: null })).toEqual([]);
    expect(await deliverDue(database.sql, { now: new Date(), secret: null })).toEqual([]);
  });

  it("tells the console banner which budgets of the actor's tenants are past 100 % this month, and no one else", async () => {
    const { tenant, profile } = await budgeted(20, 5);
    await spend(tenant.id, profile.id, "21.00");
    await checkBudgets(database, { now: NOW, ...QUIET });
    const member = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: tenant.id, role: "viewer" as const }] };
    const mine = await exceededBudgets(database.prisma, member, NOW);
    expect(mine.count).toBe(2);
    expect([...mine.names].sort()).toEqual([profile.slug, tenant.slug].sort());
    const stranger = await createTenant(database.prisma, "bs");
    const outsider = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: stranger.id, role: "viewer" as const }] };
    expect(await exceededBudgets(database.prisma, outsider, NOW)).toEqual({ count: 0, names: [] });
    expect((await exceededBudgets(database.prisma, member, new Date("2026-12-01T00:00:00Z"))).count).toBe(0);
  });
});
