import { describe, expect, it } from "vitest";
import { checkNarrowing, matchesCanOverlap } from "./narrowing";
import type { PolicyDocument, PolicyRule } from "./types";

const rule = (id: string, decision: PolicyRule["decision"], match: PolicyRule["match"] = {}, extra: Partial<PolicyRule> = {}): PolicyRule => ({
  id, decision, match, reason: id, ...extra,
});
const doc = (level: PolicyDocument["level"], rules: PolicyRule[], extra: Partial<PolicyDocument> = {}): PolicyDocument => ({
  apiVersion: "cellgate/v1", kind: "Policy", level, rules, tests: [],
  ...(level === "platform" ? { default: "ALLOW" } : { tenant: "acme" }),
  ...(level === "profile" ? { profile: "acme-bot" } : {}),
  ...extra,
});

const platform = doc("platform", [
  rule("no-shell", "DENY", { topics: ["job.**.shell_exec"] }, { line: 7 }),
  rule("writes", "REQUIRE_APPROVAL", { topics: ["job.*.write.**"] }),
  rule("money", "REQUIRE_APPROVAL", { topics: ["job.*.write.issue_refund"] }, { approvals: 2 }),
  rule("reads", "ALLOW", { topics: ["job.*.read.**"] }),
]);

describe("checkNarrowing", () => {
  it("accepts a document that only restricts", () => {
    const t = doc("tenant", [
      rule("kb", "ALLOW_WITH_CONSTRAINTS", { topics: ["job.*.read.search_kb"] }, { constraints: { maxRuntimeSec: 5 } }),
      rule("refund-three", "REQUIRE_APPROVAL", { topics: ["job.*.write.issue_refund"] }, { approvals: 3 }),
      rule("deny-all-writes", "DENY", { topics: ["job.*.write.**"] }),
      rule("burst", "THROTTLE", {}, { throttle: { limit: 1, windowSec: 1, per: "profile" } }),
    ]);
    expect(checkNarrowing(t, [platform])).toEqual([]);
  });

  it("refuses an ALLOW under a DENY, naming both rules and lines", () => {
    const t = doc("tenant", [rule("let-shell", "ALLOW", { topics: ["job.ops.read.**"] }, { line: 12 })]);
    const problems = checkNarrowing(t, [platform]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ rule: "let-shell", conflictsWith: "platform:no-shell" });
    expect(problems[0]?.message).toContain('rule "let-shell" (line 12) decides ALLOW for jobs that platform:no-shell (line 7) denies');
  });

  it("refuses anything less than DENY under a DENY, and ALLOW kinds under REQUIRE_APPROVAL", () => {
    const t = doc("tenant", [
      rule("ask-shell", "REQUIRE_APPROVAL", { topics: ["job.a.read.shell_exec"] }),
      rule("auto-update", "ALLOW_WITH_CONSTRAINTS", { topics: ["job.*.write.update_ticket"] }, { constraints: { maxRetries: 0 } }),
    ]);
    expect(checkNarrowing(t, [platform]).map((p) => [p.rule, p.conflictsWith])).toEqual([
      ["ask-shell", "platform:no-shell"],
      ["auto-update", "platform:writes"],
    ]);
  });

  it("refuses a REQUIRE_APPROVAL with fewer approvals than an overlapping one", () => {
    const t = doc("tenant", [rule("refund-one", "REQUIRE_APPROVAL", { topics: ["job.*.write.*refund*"] }, { approvals: 1 })]);
    const problems = checkNarrowing(t, [platform]);
    expect(problems.map((p) => p.conflictsWith)).toEqual(["platform:money"]);
    expect(problems[0]?.message).toContain("asks for 1 approval(s) where platform:money asks for 2");
  });

  it("does not refuse rules whose match sets cannot meet", () => {
    const higher = doc("platform", [
      rule("prod", "DENY", { labels: { env: "prod" }, rings: [0, 1], tiers: ["L5"], profiles: ["acme-bot"] }),
    ]);
    const lower = (match: PolicyRule["match"]) => checkNarrowing(doc("tenant", [rule("x", "ALLOW", match)]), [higher]).length;
    expect(lower({ labels: { env: "dev" } })).toBe(0);
    expect(lower({ rings: [2, 3] })).toBe(0);
    expect(lower({ tiers: ["L4"] })).toBe(0);
    expect(lower({ profiles: ["acme-other"] })).toBe(0);
    expect(lower({ labels: { team: "x" }, rings: [1], riskTags: ["anything"] })).toBe(1);
  });

  it("a profile document only covers its own profile", () => {
    const higher = doc("tenant", [rule("other-deny", "DENY", { profiles: ["acme-other"] }), rule("bot-deny", "DENY", { profiles: ["acme-bot"] })]);
    const problems = checkNarrowing(doc("profile", [rule("a", "ALLOW")]), [higher]);
    expect(problems.map((p) => p.conflictsWith)).toEqual(["tenant:acme:bot-deny"]);
  });

  it("compares against every higher level but not its own or another tenant's", () => {
    const tenantDoc = doc("tenant", [rule("t-deny", "DENY", { topics: ["job.x.**"] })]);
    const otherTenant = doc("tenant", [rule("g-deny", "DENY")], { tenant: "globex" });
    const candidate = doc("profile", [rule("a", "ALLOW", { topics: ["job.x.read.shell_exec"] })]);
    expect(checkNarrowing(candidate, [platform, tenantDoc, otherTenant]).map((p) => p.conflictsWith)).toEqual([
      "platform:no-shell",
      "tenant:acme:t-deny",
    ]);
    expect(checkNarrowing(doc("tenant", [rule("a", "ALLOW")]), [tenantDoc])).toEqual([]);
  });
});

describe("matchesCanOverlap", () => {
  it("treats a missing field as matching anything and risk tags as never disjoint", () => {
    expect(matchesCanOverlap({}, { topics: ["job.a"] })).toBe(true);
    expect(matchesCanOverlap({ riskTags: ["a"] }, { riskTags: ["b"] })).toBe(true);
    expect(matchesCanOverlap({ topics: ["job.a.*"] }, { topics: ["job.b.*", "job.*.c"] })).toBe(true);
    expect(matchesCanOverlap({ topics: ["job.a.*"] }, { topics: ["job.b.*"] })).toBe(false);
  });
});
