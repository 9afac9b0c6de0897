import { describe, expect, it } from "vitest";
import { DEMO_PLATFORM_POLICY, DEMO_TENANT_POLICIES } from "./demo-policies";
import { checkNarrowing } from "./narrowing";
import { parsePolicy } from "./parse";
import { compilePolicySet, evaluate } from "./evaluate";
import { documentTestCases, runPolicyTests } from "./test-runner";
import type { LoadedPolicy } from "./types";

function load(text: string): LoadedPolicy {
  const parsed = parsePolicy(text);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`).join("\n"));
  return { document: parsed.document, hash: parsed.hash };
}

describe("demo policies", () => {
  const platform = load(DEMO_PLATFORM_POLICY);

  it("cover the three demo tenants", () => {
    expect(Object.keys(DEMO_TENANT_POLICIES).sort()).toEqual(["acme", "globex", "initech"]);
  });

  it("the platform policy passes its own tests", () => {
    const compiled = compilePolicySet({ platform, tenant: null, profile: null });
    const failed = runPolicyTests(compiled, documentTestCases(platform.document)).filter((r) => !r.passed);
    expect(failed).toEqual([]);
    expect(platform.document.tests.length).toBeGreaterThanOrEqual(5);
  });

  it.each(Object.entries(DEMO_TENANT_POLICIES))("%s parses, passes its tests with the platform policy and does not widen it", (slug, text) => {
    const tenant = load(text);
    expect(tenant.document).toMatchObject({ level: "tenant", tenant: slug });
    const compiled = compilePolicySet({ platform, tenant, profile: null });
    const results = runPolicyTests(compiled, documentTestCases(tenant.document));
    expect(results.filter((r) => !r.passed)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(checkNarrowing(tenant.document, [platform.document])).toEqual([]);
  });

  it("a refund from an L4 profile needs two approvals by policy", () => {
    const compiled = compilePolicySet({ platform, tenant: load(DEMO_TENANT_POLICIES.acme!), profile: null });
    const e = evaluate(compiled, {
      topic: "job.mcp-bridge.write.issue_refund", tenant: "acme", profile: "acme-refund-approver", riskTags: [], labels: {}, ring: 2, tier: "L4",
    });
    expect(e).toMatchObject({ decision: "REQUIRE_APPROVAL", approvalsNeeded: 2, ttlSec: 1800 });
    expect(e.throttles.map((t) => t.ruleId)).toEqual(["platform:write-burst"]);
  });
});
