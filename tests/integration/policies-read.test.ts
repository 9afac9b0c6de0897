import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/authz";
import { setDatabase } from "@/lib/db";
import { policySourceHash } from "@/lib/domain/policy";
import { parseScopePath, policyScopeHref, ZSimulateQuery } from "@/lib/schemas/policies";
import { findReadableScope, getPolicyHistory, getPolicyVersion, listPolicies } from "@/lib/server/policies/read";
import { simulatePolicy } from "@/lib/server/policies/simulate";
import { readablePolicyProblems } from "@/lib/server/policies/status";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { applyPolicyAs, createTenantWithPeople, createUser, platformPolicy, policyYaml } from "./policies-helpers";

const member = (userId: string, tenantId: string): Actor => ({ userId, platformAdmin: false, memberships: [{ tenantId, role: "viewer" }] });

describe.each(BACKENDS)("policy reads, simulator and fail-closed notice (%s)", (backend) => {
  let database: TestDatabase;
  let a: Awaited<ReturnType<typeof createTenantWithPeople>>;
  let b: Awaited<ReturnType<typeof createTenantWithPeople>>;
  let admin: { id: string; email: string };
  const as = (email: string) => email;
  const simulate = (actor: Actor, q: Record<string, string>) => simulatePolicy(actor, ZSimulateQuery.parse(q));

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    admin = await createUser(database.prisma, { platformAdmin: true });
    a = await createTenantWithPeople(database.prisma);
    b = await createTenantWithPeople(database.prisma);
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  it("with no platform policy, everything fails closed and the overview says so", async () => {
    const problems = await readablePolicyProblems(member(a.viewer.id, a.tenant.id));
    expect(problems).toEqual([{ scope: "platform", message: "no platform policy has been applied" }]);
    const sim = await simulate(member(a.viewer.id, a.tenant.id), { profile: a.profile.slug, topic: "job.x.read.y" });
    expect(sim.ok && sim.simulation.evaluation).toMatchObject({ decision: "DENY", ruleIds: ["policy:unavailable"] });
  });

  it("lists the platform and own tenants' policies, never another tenant's", async () => {
    await applyPolicyAs(database, platformPolicy(), as(admin.email));
    const tenantDoc = (slug: string, topic: string) =>
      policyYaml({ level: "tenant", tenant: slug }, [{ id: "hold-writes", topics: [topic], decision: "REQUIRE_APPROVAL", extra: ["approvals: 2"] }]);
    await applyPolicyAs(database, tenantDoc(a.tenant.slug, "job.*.write.**"), as(a.admin.email));
    const second = await applyPolicyAs(database, tenantDoc(a.tenant.slug, "job.*.write.*"), as(a.admin.email));
    expect(second.applied?.version).toBe(2);
    await applyPolicyAs(database, tenantDoc(b.tenant.slug, "job.*.write.**"), as(b.admin.email));
    await applyPolicyAs(
      database,
      policyYaml({ level: "profile", tenant: b.tenant.slug, profile: b.profile.slug }, [{ id: "no-exports", topics: ["job.*.export"], decision: "DENY" }]),
      as(b.admin.email),
    );

    const rows = await listPolicies(member(a.viewer.id, a.tenant.id));
    expect(rows.map((r) => [r.ref.level, r.ref.slug, r.active?.version ?? null])).toEqual([
      ["platform", null, 1],
      ["tenant", a.tenant.slug, 2],
    ]);
    expect(rows[0]!.active?.author).toBe(admin.email);
    const all = await listPolicies({ userId: admin.id, platformAdmin: true, memberships: [] });
    expect(all.map((r) => r.ref.slug)).toEqual(expect.arrayContaining([null, a.tenant.slug, b.tenant.slug, b.profile.slug]));
    expect(await problemsFor(member(a.viewer.id, a.tenant.id))).toEqual([]);
  });

  it("history and version pages are scoped; a foreign scope reads as missing", async () => {
    const reader = member(a.viewer.id, a.tenant.id);
    const history = await getPolicyHistory(reader, { level: "tenant", slug: a.tenant.slug });
    expect(history?.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(history?.active?.version).toBe(2);
    const v2 = await getPolicyVersion(reader, { level: "tenant", slug: a.tenant.slug }, 2);
    expect(v2?.previous?.version).toBe(1);
    expect(v2?.diff).toContain('-    match: { topics: ["job.*.write.**"] }');
    expect(v2?.diff).toContain('+    match: { topics: ["job.*.write.*"] }');
    expect(v2?.version.hash).toBe(policySourceHash(v2!.version.source));
    expect((await getPolicyVersion(reader, { level: "platform", slug: null }, 1))?.diff[0]).toBe("--- (none)");

    expect(await findReadableScope(reader, { level: "tenant", slug: b.tenant.slug })).toBeNull();
    expect(await getPolicyHistory(reader, { level: "tenant", slug: b.tenant.slug })).toBeNull();
    expect(await getPolicyVersion(reader, { level: "profile", slug: b.profile.slug }, 1)).toBeNull();
    expect(await getPolicyVersion(reader, { level: "tenant", slug: a.tenant.slug }, 99)).toBeNull();
  });

  it("the simulator decides with the levels in force and stores nothing", async () => {
    const before = await Promise.all([database.prisma.policyDecision.count(), database.prisma.auditEntry.count(), database.prisma.rateCounter.count()]);
    const reader = member(b.viewer.id, b.tenant.id);
    const held = await simulate(reader, { profile: b.profile.slug, topic: "job.tickets.write.update", riskTags: "writes", labels: "env=prod" });
    expect(held.ok && held.simulation.evaluation).toMatchObject({ decision: "REQUIRE_APPROVAL", approvalsNeeded: 2 });
    expect(held.ok && held.simulation.evaluation.ruleIds[0]).toBe(`tenant:${b.tenant.slug}:hold-writes`);
    expect(held.ok && held.simulation.input).toMatchObject({ tenant: b.tenant.slug, ring: 2, tier: "L2", labels: { env: "prod" }, riskTags: ["writes"] });
    const denied = await simulate(reader, { profile: b.profile.slug, topic: "job.reports.export" });
    expect(denied.ok && denied.simulation.evaluation).toMatchObject({ decision: "DENY", ruleIds: [`profile:${b.profile.slug}:no-exports`, "platform:default"] });
    expect(denied.ok && denied.simulation.versions.map((v) => v.level)).toEqual(["platform", "tenant", "profile"]);
    expect(await simulate(reader, { profile: a.profile.slug, topic: "job.x" })).toEqual({
      ok: false,
      field: "profile",
      message: `No profile ${a.profile.slug} among the profiles you can see.`,
    });
    const after = await Promise.all([database.prisma.policyDecision.count(), database.prisma.auditEntry.count(), database.prisma.rateCounter.count()]);
    expect(after).toEqual(before);
  });

  it("a broken tenant version fails closed for that tenant only, and only its readers are told", async () => {
    await database.prisma.policyVersion.create({
      data: {
        level: "tenant", scopeKey: `tenant:${b.tenant.id}`, tenantId: b.tenant.id, version: 99,
        hash: policySourceHash("level: [broken"), source: "level: [broken", authorType: "system", authorId: "test", receiptId: "none",
      },
    });
    expect(await problemsFor(member(a.viewer.id, a.tenant.id))).toEqual([]);
    expect(await readablePolicyProblems(member(b.viewer.id, b.tenant.id))).toEqual([
      { scope: `tenant ${b.tenant.slug}`, message: expect.stringMatching(/tenant policy version 99 cannot be parsed/) },
    ]);
    const sim = await simulate(member(b.viewer.id, b.tenant.id), { profile: b.regulated.slug, topic: "job.x.read.y" });
    expect(sim.ok && sim.simulation.evaluation.decision).toBe("DENY");
    expect(sim.ok && sim.simulation.failure).toMatch(/cannot be parsed/);
  });

  async function problemsFor(actor: Actor): Promise<string[]> {
    return (await readablePolicyProblems(actor)).map((p) => p.message);
  }
});

describe("policy page paths", () => {
  it("parse scope and version segments, and round-trip through policyScopeHref", () => {
    expect(parseScopePath(["platform"])).toEqual({ ref: { level: "platform", slug: null }, version: null });
    expect(parseScopePath(["tenant", "acme", "versions", "3"])).toEqual({ ref: { level: "tenant", slug: "acme" }, version: 3 });
    for (const bad of [[], ["tenant"], ["team", "acme"], ["profile", "Bad Slug"], ["platform", "versions", "0"], ["tenant", "acme", "versions", "x"], ["platform", "extra"]]) {
      expect(parseScopePath(bad), bad.join("/")).toBeNull();
    }
    expect(policyScopeHref({ level: "profile", slug: "acme-ticket-triage" }, 2)).toBe("/policies/profile/acme-ticket-triage/versions/2");
    expect(parseScopePath(policyScopeHref({ level: "profile", slug: "acme-ticket-triage" }, 2).split("/").slice(2))).toEqual({
      ref: { level: "profile", slug: "acme-ticket-triage" },
      version: 2,
    });
  });
});

describe("simulator query parsing", () => {
  it("splits risk tags and labels, and names bad fields", () => {
    expect(ZSimulateQuery.parse({ profile: "p-1", topic: "job.a.b", riskTags: "writes, pii,,writes", labels: "env=prod, team=a=b" })).toEqual({
      profile: "p-1", topic: "job.a.b", riskTags: ["writes", "pii"], labels: { env: "prod", team: "a=b" },
    });
    const bad = ZSimulateQuery.safeParse({ profile: "Bad Slug", topic: "", riskTags: "", labels: "novalue" });
    expect(bad.success).toBe(false);
    expect([...new Set(bad.error?.issues.map((i) => i.path[0]))].sort()).toEqual(["labels", "profile", "topic"]);
  });
});
