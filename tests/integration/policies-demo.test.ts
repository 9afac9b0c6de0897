import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase } from "@/lib/db";
import { DEMO_PLATFORM_POLICY, DEMO_TENANT_POLICIES, policySourceHash } from "@/lib/domain/policy";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { seedDemo } from "@/lib/server/demo-seed";
import { planPolicyFile } from "./policies-helpers";
import { seedDemoPolicies } from "@/lib/server/policies/demo";
import { simulatePolicy } from "@/lib/server/policies/simulate";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";

describe.each(BACKENDS)("demo policies (%s)", (backend) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    expect((await seedDemo(database, { apply: true, password: `pw-${randomUUID()}` })).status).toBe("seeded");
  }, 120_000);
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("applies the platform and every demo tenant document through plan/apply, each with a receipt; a second run changes nothing", async () => {
    const admin = await database.prisma.user.findUniqueOrThrow({ where: { email: "admin@cellgate.demo" } });
    // The demo seed may already have applied them (it calls seedDemoPolicies); then this run is a no-op.
    await database.prisma.$transaction((tx) => seedDemoPolicies(tx, admin.id), { timeout: 60_000 });
    const platform = await database.prisma.policyVersion.findFirstOrThrow({ where: { scopeKey: "platform" }, orderBy: { version: "desc" } });
    expect(platform).toMatchObject({ version: 1, hash: policySourceHash(DEMO_PLATFORM_POLICY), authorId: admin.id });
    for (const [slug, source] of Object.entries(DEMO_TENANT_POLICIES)) {
      const tenant = await database.prisma.tenant.findUniqueOrThrow({ where: { slug } });
      const row = await database.prisma.policyVersion.findFirstOrThrow({ where: { scopeKey: `tenant:${tenant.id}` } });
      expect(row).toMatchObject({ version: 1, hash: policySourceHash(source), tenantId: tenant.id });
      expect(await database.prisma.receipt.findUnique({ where: { id: row.receiptId } })).toMatchObject({ action: "policy.apply" });
    }
    const count = await database.prisma.policyVersion.count();
    expect(await database.prisma.$transaction((tx) => seedDemoPolicies(tx, admin.id), { timeout: 60_000 })).toEqual([]);
    expect(await database.prisma.policyVersion.count()).toBe(count);
    expect((await verifyAuditLog(database.sql)).ok).toBe(true);
  });

  it("every demo document's own tests pass against the seeded registry", async () => {
    for (const source of [DEMO_PLATFORM_POLICY, ...Object.values(DEMO_TENANT_POLICIES)]) {
      const plan = await planPolicyFile(database, source);
      expect(plan.problems).toEqual([]);
      expect(plan.tests.filter((t) => !t.passed)).toEqual([]);
      expect(plan.widening).toEqual([]);
      expect(plan.unchanged).toBe(true);
    }
  });

  it("the simulator gives a demo profile a decision from the seeded policy", async () => {
    const acme = await database.prisma.tenant.findUniqueOrThrow({ where: { slug: "acme" } });
    const viewer = { userId: randomUUID(), platformAdmin: false, memberships: [{ tenantId: acme.id, role: "viewer" as const }] };
    const result = await simulatePolicy(viewer, { profile: "acme-ticket-triage", topic: "job.mcp-bridge.write.update_ticket", riskTags: [], labels: {} });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.simulation.failure).toBeNull();
      expect(result.simulation.evaluation.ruleIds.length).toBeGreaterThan(0);
      expect(result.simulation.evaluation.ruleIds).not.toContain("policy:unavailable");
    }
  });
});
