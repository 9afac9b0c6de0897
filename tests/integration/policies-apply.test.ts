import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policySourceHash } from "@/lib/domain/policy";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { applyPolicyAs, createTenantWithPeople, createUser, planPolicyFile, platformPolicy, policyYaml } from "./policies-helpers";
import { sealedAt } from "../support/audit";

describe.each(BACKENDS)("policy plan and apply (%s)", (backend) => {
  let database: TestDatabase;
  let platformAdmin: string;
  let acme: Awaited<ReturnType<typeof createTenantWithPeople>>;
  let other: Awaited<ReturnType<typeof createTenantWithPeople>>;
  const as = (email: string) => email;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    platformAdmin = (await createUser(database.prisma, { platformAdmin: true })).email;
    acme = await createTenantWithPeople(database.prisma);
    other = await createTenantWithPeople(database.prisma);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a dry run shows the first version's diff and test results and stores nothing", async () => {
    const source = platformPolicy();
    const plan = await planPolicyFile(database, source);
    expect(plan.problems).toEqual([]);
    expect(plan.scope?.label).toBe("platform");
    expect(plan.active).toBeNull();
    expect(plan.nextVersion).toBe(1);
    expect(plan.hash).toBe(policySourceHash(source));
    expect(plan.diff.filter((l) => l.startsWith("+") && !l.startsWith("+++"))).toHaveLength(source.trimEnd().split("\n").length);
    expect(plan.tests).toEqual([expect.objectContaining({ name: "deletes are denied", passed: true })]);
    expect(plan.applicable).toBe(true);
    expect(await database.prisma.policyVersion.count()).toBe(0);
  });

  it("applies version 1 with its receipt and audit entry, then numbers versions per scope", async () => {
    const first = await applyPolicyAs(database, platformPolicy(), as(platformAdmin));
    expect(first.applied?.version).toBe(1);
    const row = await database.prisma.policyVersion.findUniqueOrThrow({ where: { id: first.applied!.id } });
    expect(row).toMatchObject({ level: "platform", scopeKey: "platform", version: 1, tenantId: null, hash: policySourceHash(platformPolicy()) });
    const receipt = await database.prisma.receipt.findUniqueOrThrow({ where: { id: row.receiptId } });
    expect(receipt).toMatchObject({ action: "policy.apply", scopeType: "platform", scopeId: "platform", auditSeq: first.applied!.receipt.auditSeq });
    const entry = await database.prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry.action).toBe("policy.apply");

    const changed = platformPolicy([{ id: "no-wipes", topics: ["job.*.wipe"], decision: "DENY" }]);
    const second = await applyPolicyAs(database, changed, as(platformAdmin));
    expect(second.applied?.version).toBe(2);
    expect(second.plan.active?.version).toBe(1);
    expect(second.plan.diff.some((l) => l.startsWith("+  - id: no-wipes"))).toBe(true);

    const tenantDoc = policyYaml({ level: "tenant", tenant: acme.tenant.slug }, [{ id: "reads", topics: ["job.*.read.*"], decision: "ALLOW" }]);
    const tenant = await applyPolicyAs(database, tenantDoc, as(acme.admin.email));
    expect(tenant.applied?.version).toBe(1);
    const tenantRow = await database.prisma.policyVersion.findUniqueOrThrow({ where: { id: tenant.applied!.id } });
    expect(tenantRow).toMatchObject({ level: "tenant", scopeKey: `tenant:${acme.tenant.id}`, tenantId: acme.tenant.id, authorId: acme.admin.id });

    const again = await applyPolicyAs(database, changed, as(platformAdmin));
    expect(again.applied).toBeNull();
    expect(again.plan.unchanged).toBe(true);
    expect(await database.prisma.policyVersion.count({ where: { scopeKey: "platform" } })).toBe(2);
    expect((await verifyAuditLog(database.sql)).ok).toBe(true);
  });

  it("refuses a document whose tests fail, and stores nothing", async () => {
    const before = await database.prisma.policyVersion.count();
    const source = policyYaml(
      { level: "tenant", tenant: other.tenant.slug },
      [{ id: "reads", topics: ["job.*.read.*"], decision: "ALLOW" }],
      [{ name: "reads need approval", topic: "job.tickets.read.one", decision: "REQUIRE_APPROVAL" }],
    );
    const result = await applyPolicyAs(database, source, as(other.admin.email));
    expect(result.applied).toBeNull();
    expect(result.plan.applicable).toBe(false);
    expect(result.plan.tests[0]).toMatchObject({ passed: false, actual: { decision: "ALLOW" } });
    expect(await database.prisma.policyVersion.count()).toBe(before);
  });

  it("takes ring and tier of a test's profile from the registry", async () => {
    const source = policyYaml(
      { level: "tenant", tenant: other.tenant.slug },
      [{ id: "regulated-writes", topics: ["job.*.write.**"], tiers: ["L4", "L5"], decision: "REQUIRE_APPROVAL", extra: ["approvals: 2"] }],
      [
        { name: "an L4 profile's writes wait", topic: "job.x.write.y", profile: other.regulated.slug, decision: "REQUIRE_APPROVAL" },
        { name: "the registry wins over the case's tier", topic: "job.x.write.y", profile: other.profile.slug, tier: "L5", decision: "ALLOW" },
        { name: "an unknown profile uses the case's tier", topic: "job.x.write.y", profile: "not-registered", tier: "L5", decision: "REQUIRE_APPROVAL" },
      ],
    );
    const plan = await planPolicyFile(database, source);
    expect(plan.tests.map((t) => [t.name, t.passed, t.message])).toEqual(plan.tests.map((t) => [t.name, true, "ok"]));
  });

  it("refuses a lower document that widens a higher level, naming the rule", async () => {
    const source = policyYaml({ level: "tenant", tenant: other.tenant.slug }, [{ id: "delete-freely", topics: ["job.**"], decision: "ALLOW" }]);
    const result = await applyPolicyAs(database, source, as(other.admin.email));
    expect(result.applied).toBeNull();
    expect(result.plan.widening).toContainEqual(
      expect.objectContaining({ document: "this document", rule: expect.stringContaining("delete-freely"), conflictsWith: "platform:no-deletes" }),
    );
    expect(result.plan.widening.every((w) => w.document === "this document")).toBe(true);
  });

  it("reports lower documents in force that a higher document would make widening", async () => {
    const tenantDoc = policyYaml({ level: "tenant", tenant: other.tenant.slug }, [
      { id: "exports", topics: ["job.reports.export"], decision: "ALLOW_WITH_CONSTRAINTS", extra: ["constraints: { maxRuntimeSec: 60 }"] },
    ]);
    expect((await applyPolicyAs(database, tenantDoc, as(other.admin.email))).applied?.version).toBe(1);
    const stricter = platformPolicy([{ id: "hold-reports", topics: ["job.reports.export"], decision: "REQUIRE_APPROVAL" }]);
    const plan = await planPolicyFile(database, stricter);
    expect(plan.applicable).toBe(false);
    expect(plan.widening).toEqual([
      expect.objectContaining({ document: `tenant ${other.tenant.slug}`, conflictsWith: expect.stringContaining("hold-reports") }),
    ]);
  });

  it("authorizes policy.write per scope", async () => {
    const tenantDoc = (slug: string) => policyYaml({ level: "tenant", tenant: slug }, [{ id: "r", topics: ["job.a.b"], decision: "DENY" }]);
    await expect(applyPolicyAs(database, platformPolicy([{ id: "x", topics: ["job.x"], decision: "DENY" }]), as(acme.admin.email))).rejects.toMatchObject({
      code: "forbidden",
      permission: "policy.write",
    });
    await expect(applyPolicyAs(database, tenantDoc(acme.tenant.slug), as(acme.viewer.email))).rejects.toThrow(/may not apply a policy here/);
    // Another tenant's document reads as "not found", never "forbidden": its existence does not leak.
    await expect(applyPolicyAs(database, tenantDoc(other.tenant.slug), as(acme.admin.email))).rejects.toMatchObject({ code: "not_found" });
    await expect(applyPolicyAs(database, tenantDoc("no-such-tenant"), as(acme.admin.email))).rejects.toMatchObject({ code: "not_found" });
    await expect(applyPolicyAs(database, tenantDoc(acme.tenant.slug), as("nobody@example.test"))).rejects.toThrow(/no active user/);
    await expect(applyPolicyAs(database, tenantDoc(acme.tenant.slug), as(acme.admin.email))).resolves.toMatchObject({ applied: { version: expect.any(Number) } });
    const profileDoc = policyYaml({ level: "profile", tenant: acme.tenant.slug, profile: acme.profile.slug }, [{ id: "r", topics: ["job.a.b"], decision: "DENY" }]);
    const applied = await applyPolicyAs(database, profileDoc, as(acme.admin.email));
    expect(applied.applied?.version).toBe(1);
    expect(await database.prisma.policyVersion.findUniqueOrThrow({ where: { id: applied.applied!.id } })).toMatchObject({
      level: "profile",
      scopeKey: `profile:${acme.profile.id}`,
      tenantId: acme.tenant.id,
      profileId: acme.profile.id,
    });
  });

  it("names unknown scopes and parse problems with their line", async () => {
    const missing = await planPolicyFile(database, policyYaml({ level: "tenant", tenant: "no-such-tenant" }, []));
    expect(missing.problems).toEqual(["tenant no-such-tenant does not exist"]);
    const foreign = await planPolicyFile(database, policyYaml({ level: "profile", tenant: acme.tenant.slug, profile: other.profile.slug }, []));
    expect(foreign.problems[0]).toContain(`does not exist in tenant ${acme.tenant.slug}`);
    const broken = await planPolicyFile(database, "apiVersion: cellgate/v1\nkind: Policy\nlevel: platform\ndefault: MAYBE\nrules: []\n");
    expect(broken.applicable).toBe(false);
    expect(broken.problems[0]).toMatch(/^line 4: default/);
  });

  it("two applies of one scope at the same moment get consecutive versions", async () => {
    const doc = (id: string) => policyYaml({ level: "tenant", tenant: acme.tenant.slug }, [{ id, topics: [`job.${id}.x`], decision: "DENY" }]);
    const before = await database.prisma.policyVersion.count({ where: { scopeKey: `tenant:${acme.tenant.id}` } });
    const results = await Promise.all([applyPolicyAs(database, doc("one"), as(acme.admin.email)), applyPolicyAs(database, doc("two"), as(acme.admin.email))]);
    expect(results.map((r) => r.applied?.version).sort()).toEqual([before + 1, before + 2]);
  });
});
