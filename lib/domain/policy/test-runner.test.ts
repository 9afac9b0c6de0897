import { describe, expect, it } from "vitest";
import { compilePolicySet } from "./evaluate";
import { parsePolicy } from "./parse";
import { documentTestCases, runPolicyTests, testCaseInput } from "./test-runner";

const TEXT = `apiVersion: cellgate/v1
kind: Policy
level: platform
default: DENY
rules:
  - id: reads
    match: { topics: ["job.*.read.**"], rings: [2] }
    decision: ALLOW
    reason: Reads in ring 2 are fine
tests:
  - name: read in ring 2
    input: { topic: job.a.read.x, ring: 2 }
    expect: { decision: ALLOW, reason_contains: reads in RING 2 }
  - name: read in ring 0 (wrong on purpose)
    input: { topic: job.a.read.x }
    expect: { decision: ALLOW }
  - name: wrong reason
    input: { topic: job.a.write.x }
    expect: { decision: DENY, reason_contains: never }
`;

describe("runPolicyTests", () => {
  const parsed = parsePolicy(TEXT);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const compiled = compilePolicySet({ platform: { document: parsed.document, hash: parsed.hash }, tenant: null, profile: null });

  it("reports pass and fail per case, with what differed", () => {
    const results = runPolicyTests(compiled, documentTestCases(parsed.document));
    expect(results.map((r) => r.passed)).toEqual([true, false, false]);
    expect(results[0]).toMatchObject({ name: "read in ring 2", message: "ok", actual: { decision: "ALLOW", ruleIds: ["platform:reads"] } });
    expect(results[1]?.message).toBe("expected ALLOW, got DENY from platform:default");
    expect(results[2]?.message).toContain('expected the reason to contain "never"');
    expect(results[2]?.expected).toEqual({ decision: "DENY", reason_contains: "never" });
  });

  it("fills a case's input from defaults, the case's own fields winning", () => {
    const test = { name: "x", input: { topic: "job.a", ring: 3 }, expect: { decision: "ALLOW" as const } };
    expect(testCaseInput(test, { tenant: "acme", ring: 1, tier: "L4" })).toEqual({
      topic: "job.a", tenant: "acme", profile: "", riskTags: [], labels: {}, ring: 3, tier: "L4",
    });
  });
});
