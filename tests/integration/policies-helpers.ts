/**
 * Shared by the policies*.test.ts files: people with roles, and small policy
 * documents built from a few fields (YAML text, as a person would write it).
 */
import type { Database, Db } from "../../lib/db";
import { applyPolicyAction, planPolicy } from "../../lib/server/policies/apply";
import { actorByEmail, runAs } from "../support/actors";
import type { Role } from "../../lib/generated/prisma/client";
import { randomSlug } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";

export async function createUser(prisma: Db, options: { platformAdmin?: boolean; tenantId?: string; role?: Role } = {}) {
  const email = `${randomSlug(options.role ?? (options.platformAdmin ? "admin" : "user"))}@example.test`;
  const user = await prisma.user.create({ data: { email, name: email, platformAdmin: options.platformAdmin ?? false } });
  if (options.tenantId && options.role) {
    await prisma.membership.create({ data: { userId: user.id, tenantId: options.tenantId, role: options.role } });
  }
  return user;
}

/** A tenant with one L2 profile, one L4 profile, its tenant admin and its viewer. */
export async function createTenantWithPeople(prisma: Db) {
  const tenant = await createTenant(prisma, "pol");
  const profile = await createProfile(prisma, tenant.id, { tier: "L2", ring: 2 });
  const regulated = await createProfile(prisma, tenant.id, { tier: "L4", ring: 3 });
  const admin = await createUser(prisma, { tenantId: tenant.id, role: "tenant_admin" });
  const viewer = await createUser(prisma, { tenantId: tenant.id, role: "viewer" });
  return { tenant, profile, regulated, admin, viewer };
}

export interface RuleSpec {
  id: string;
  topics: string[];
  decision: string;
  reason?: string;
  tiers?: string[];
  extra?: string[];
}

export interface TestSpec {
  name: string;
  topic: string;
  profile?: string;
  decision: string;
  tier?: string;
}

function ruleYaml(r: RuleSpec): string[] {
  return [
    `  - id: ${r.id}`,
    `    match: { topics: [${r.topics.map((t) => `"${t}"`).join(", ")}]${r.tiers ? `, tiers: [${r.tiers.join(", ")}]` : ""} }`,
    `    decision: ${r.decision}`,
    `    reason: "${r.reason ?? `${r.id} says ${r.decision}`}"`,
    ...(r.extra ?? []).map((l) => `    ${l}`),
  ];
}

function testYaml(t: TestSpec): string[] {
  const input = [`topic: "${t.topic}"`, ...(t.profile ? [`profile: ${t.profile}`] : []), ...(t.tier ? [`tier: ${t.tier}`] : [])];
  return [`  - name: "${t.name}"`, `    input: { ${input.join(", ")} }`, `    expect: { decision: ${t.decision} }`];
}

export function policyYaml(
  head: { level: "platform"; default?: string } | { level: "tenant"; tenant: string } | { level: "profile"; tenant: string; profile: string },
  rules: RuleSpec[],
  tests: TestSpec[] = [],
): string {
  const lines = ["apiVersion: cellgate/v1", "kind: Policy", `level: ${head.level}`];
  if (head.level === "platform") lines.push(`default: ${head.default ?? "ALLOW"}`);
  else lines.push(`tenant: ${head.tenant}`);
  if (head.level === "profile") lines.push(`profile: ${head.profile}`);
  lines.push(rules.length ? "rules:" : "rules: []", ...rules.flatMap(ruleYaml));
  lines.push(tests.length ? "tests:" : "tests: []", ...tests.flatMap(testYaml));
  return `${lines.join("\n")}\n`;
}

/** A platform document: default ALLOW, deletes denied, with a passing test. */
export function platformPolicy(extraRules: RuleSpec[] = [], tests: TestSpec[] = []): string {
  return policyYaml(
    { level: "platform", default: "ALLOW" },
    [{ id: "no-deletes", topics: ["job.*.delete.**"], decision: "DENY", reason: "deletes are never automated" }, ...extraRules],
    [{ name: "deletes are denied", topic: "job.tickets.delete.all", decision: "DENY" }, ...tests],
  );
}

/** `policy apply --apply` through the pipeline, as the user with this e-mail. */
export async function applyPolicyAs(database: Database, source: string, email: string) {
  const actor = await actorByEmail(database.prisma, email);
  const { data, receipt } = await runAs(applyPolicyAction.definition, { actor, database }, { source, file: "policy.yaml", origin: "test" });
  return { plan: data.plan, applied: data.applied && receipt ? { ...data.applied, receipt } : null, refusal: data.refusal };
}

/** The plan of a document (the dry run's core), with no actor. */
export function planPolicyFile(database: Database, source: string) {
  return planPolicy(database.prisma, source);
}
