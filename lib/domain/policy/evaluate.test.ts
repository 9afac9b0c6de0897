import { describe, expect, it } from "vitest";
import { applyThrottle, combinedPolicyHash, compilePolicySet, evaluate, evaluatePolicy, withCandidate } from "./evaluate";
import type { PolicyDocument, PolicyInput, PolicyRule, PolicySet } from "./types";

const h = (c: string) => `sha256:${c.repeat(64)}`;
const platform = (rules: PolicyRule[], fallback: PolicyDocument["default"] = "ALLOW"): PolicyDocument => ({
  apiVersion: "cellgate/v1", kind: "Policy", level: "platform", default: fallback, rules, tests: [],
});
const tenant = (rules: PolicyRule[]): PolicyDocument => ({ apiVersion: "cellgate/v1", kind: "Policy", level: "tenant", tenant: "acme", rules, tests: [] });
const profile = (rules: PolicyRule[]): PolicyDocument => ({
  apiVersion: "cellgate/v1", kind: "Policy", level: "profile", tenant: "acme", profile: "acme-bot", rules, tests: [],
});
const set = (p: PolicyDocument | null, t: PolicyDocument | null = null, f: PolicyDocument | null = null): PolicySet => ({
  platform: p && { document: p, hash: h("a") },
  tenant: t && { document: t, hash: h("b") },
  profile: f && { document: f, hash: h("c") },
});
const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  topic: "job.bridge.write.update_ticket", tenant: "acme", profile: "acme-bot", riskTags: [], labels: {}, ring: 2, tier: "L2", ...over,
});
const rule = (id: string, decision: PolicyRule["decision"], match: PolicyRule["match"] = {}, extra: Partial<PolicyRule> = {}): PolicyRule => ({
  id, decision, match, reason: `${id} says ${decision}`, ...extra,
});

describe("matching", () => {
  const only = (match: PolicyRule["match"], over: Partial<PolicyInput>) =>
    evaluatePolicy(set(platform([rule("r", "DENY", match)])), input(over)).decision;

  it("matches on topics (any glob), risk tags (any), labels (all), ring, tier and profile", () => {
    expect(only({ topics: ["job.x.**", "job.*.write.*"] }, {})).toBe("DENY");
    expect(only({ topics: ["job.*.read.*"] }, {})).toBe("ALLOW");
    expect(only({ riskTags: ["pii", "money"] }, { riskTags: ["money"] })).toBe("DENY");
    expect(only({ riskTags: ["pii"] }, { riskTags: ["money"] })).toBe("ALLOW");
    expect(only({ labels: { env: "prod", team: "a" } }, { labels: { env: "prod", team: "a", x: "y" } })).toBe("DENY");
    expect(only({ labels: { env: "prod", team: "a" } }, { labels: { env: "prod" } })).toBe("ALLOW");
    expect(only({ labels: { toString: "x" } }, {})).toBe("ALLOW");
    expect(only({ rings: [0, 1] }, { ring: 1 })).toBe("DENY");
    expect(only({ rings: [0, 1] }, { ring: 2 })).toBe("ALLOW");
    expect(only({ tiers: ["L4", "L5"] }, { tier: "L5" })).toBe("DENY");
    expect(only({ tiers: ["L4", "L5"] }, { tier: "L3" })).toBe("ALLOW");
    expect(only({ profiles: ["acme-bot"] }, {})).toBe("DENY");
    expect(only({ profiles: ["other"] }, {})).toBe("ALLOW");
    expect(only({}, {})).toBe("DENY");
  });

  it("needs every field of a match to hold", () => {
    expect(only({ topics: ["job.**"], rings: [5] }, { ring: 2 })).toBe("ALLOW");
    expect(only({ topics: ["job.**"], rings: [2] }, { ring: 2 })).toBe("DENY");
  });
});

describe("decisions", () => {
  it("falls back to the platform default when no platform rule matches", () => {
    const e = evaluatePolicy(set(platform([rule("reads", "ALLOW", { topics: ["job.*.read.**"] })], "REQUIRE_APPROVAL")), input());
    expect(e).toMatchObject({ decision: "REQUIRE_APPROVAL", ruleIds: ["platform:default"], approvalsNeeded: 1, ttlSec: 3600 });
    expect(e.reason).toContain("default is REQUIRE_APPROVAL");
  });

  it("produces each decision kind with its fields", () => {
    const allow = evaluatePolicy(set(platform([rule("a", "ALLOW")], "DENY")), input());
    expect(allow).toMatchObject({ decision: "ALLOW", ruleIds: ["platform:a"], reason: "a says ALLOW", approvalsNeeded: null, ttlSec: null, constraints: null });
    const awc = evaluatePolicy(set(platform([rule("c", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { maxRuntimeSec: 60 } })])), input());
    expect(awc).toMatchObject({ decision: "ALLOW_WITH_CONSTRAINTS", constraints: { maxRuntimeSec: 60 } });
    const approval = evaluatePolicy(set(platform([rule("q", "REQUIRE_APPROVAL", {}, { approvals: 2, ttlSec: 600 })])), input());
    expect(approval).toMatchObject({ decision: "REQUIRE_APPROVAL", approvalsNeeded: 2, ttlSec: 600 });
    const deny = evaluatePolicy(set(platform([rule("d", "DENY")])), input());
    expect(deny).toMatchObject({ decision: "DENY", ruleIds: ["platform:d"] });
  });

  it("leaves the L4/L5 floor to the server: the evaluator answers the policy's number", () => {
    const e = evaluatePolicy(set(platform([rule("q", "REQUIRE_APPROVAL")])), input({ tier: "L5" }));
    expect(e.approvalsNeeded).toBe(1);
  });

  it("within a level, the strictest matching rule wins and the earlier one breaks ties", () => {
    const doc = platform([rule("allow", "ALLOW"), rule("ask", "REQUIRE_APPROVAL"), rule("ask-two", "REQUIRE_APPROVAL", {}, { approvals: 2, ttlSec: 120 }), rule("c", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { maxRetries: 0 } })]);
    const e = evaluatePolicy(set(doc), input());
    expect(e.decision).toBe("REQUIRE_APPROVAL");
    expect(e.ruleIds).toEqual(["platform:ask", "platform:allow", "platform:ask-two", "platform:c"]);
    expect(e.reason).toBe("ask says REQUIRE_APPROVAL");
    expect([e.approvalsNeeded, e.ttlSec]).toEqual([2, 120]);
  });

  it("across levels, a lower level can only restrict", () => {
    const p = platform([rule("reads", "ALLOW", { topics: ["job.**"] })]);
    const t = tenant([rule("ask", "REQUIRE_APPROVAL", { topics: ["job.*.write.**"] })]);
    const f = profile([rule("deny", "DENY", { labels: { env: "prod" } })]);
    expect(evaluatePolicy(set(p, t), input()).ruleIds).toEqual(["tenant:acme:ask", "platform:reads"]);
    expect(evaluatePolicy(set(p, t, f), input({ labels: { env: "prod" } })).ruleIds[0]).toBe("profile:acme-bot:deny");
    const lowerAllows = evaluatePolicy(set(platform([rule("d", "DENY")]), tenant([rule("a", "ALLOW")]), profile([rule("a", "ALLOW")])), input());
    expect(lowerAllows).toMatchObject({ decision: "DENY", ruleIds: ["platform:d", "tenant:acme:a", "profile:acme-bot:a"] });
  });

  it("a tie across levels is decided by the higher level, and lower levels without a match have no say", () => {
    const e = evaluatePolicy(set(platform([rule("ask", "REQUIRE_APPROVAL")]), tenant([rule("ask", "REQUIRE_APPROVAL", {}, { approvals: 3 })])), input());
    expect(e).toMatchObject({ ruleIds: ["platform:ask", "tenant:acme:ask"], approvalsNeeded: 3 });
    const silent = evaluatePolicy(set(platform([]), tenant([rule("x", "DENY", { rings: [5] })])), input());
    expect(silent).toMatchObject({ decision: "ALLOW", ruleIds: ["platform:default"] });
  });

  it("merges constraints of every matched rule to the tightest", () => {
    const p = platform([rule("c1", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { maxRuntimeSec: 600, maxRetries: 3, egressProfile: "web", pathLimits: ["/srv/"] } })]);
    const t = tenant([rule("c2", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { maxRuntimeSec: 900, maxRetries: 1, pathLimits: ["/srv/app", "/tmp/"] } })]);
    const f = profile([rule("c3", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { egressProfile: "internal" } })]);
    expect(evaluatePolicy(set(p, t), input()).constraints).toEqual({ maxRuntimeSec: 600, maxRetries: 1, egressProfile: "web", pathLimits: ["/srv/app"] });
    expect(evaluatePolicy(set(p, t, f), input()).constraints).toMatchObject({ egressProfile: "none" });
    const disjoint = tenant([rule("c2", "ALLOW_WITH_CONSTRAINTS", {}, { constraints: { pathLimits: ["/srvx/"] } })]);
    expect(evaluatePolicy(set(p, disjoint), input()).constraints?.pathLimits).toEqual([]);
  });
});

describe("throttles", () => {
  const burst = rule("burst", "THROTTLE", { topics: ["job.*.write.**"] }, { throttle: { limit: 5, windowSec: 60, per: "profile" } });
  const perTenant = rule("t", "THROTTLE", {}, { throttle: { limit: 9, windowSec: 10, per: "tenant" } });

  it("decide nothing by themselves but are reported with their counter keys", () => {
    const e = evaluatePolicy(set(platform([burst]), tenant([perTenant])), input());
    expect(e.decision).toBe("ALLOW");
    expect(e.ruleIds).toEqual(["platform:default", "platform:burst", "tenant:acme:t"]);
    expect(e.throttles).toEqual([
      { limit: 5, windowSec: 60, per: "profile", ruleId: "platform:burst", counterKey: "throttle:platform:burst:profile:acme-bot" },
      { limit: 9, windowSec: 10, per: "tenant", ruleId: "tenant:acme:t", counterKey: "throttle:tenant:acme:t:tenant:acme" },
    ]);
  });

  it("an exceeded throttle turns the outcome into THROTTLE unless it denies", () => {
    const e = evaluatePolicy(set(platform([burst, rule("ask", "REQUIRE_APPROVAL")])), input());
    const throttled = applyThrottle(e, e.throttles[0]!, 12.2);
    expect(throttled).toMatchObject({ decision: "THROTTLE", ruleIds: ["platform:burst", "platform:ask"], approvalsNeeded: null, ttlSec: null });
    expect(throttled.reason).toContain("retry after 13s");
    const denied = evaluatePolicy(set(platform([burst, rule("no", "DENY")])), input());
    expect(applyThrottle(denied, denied.throttles[0]!, 5)).toEqual(denied);
  });
});

describe("fail closed", () => {
  it("denies everything when the set has a failure or no platform policy", () => {
    const broken = { ...set(platform([rule("a", "ALLOW")])), failure: "tenant policy v3 does not parse" };
    expect(evaluatePolicy(broken, input())).toMatchObject({ decision: "DENY", ruleIds: ["policy:unavailable"], throttles: [], constraints: null });
    expect(evaluatePolicy(broken, input()).reason).toContain("tenant policy v3 does not parse");
    const none = evaluatePolicy(set(null, tenant([rule("a", "ALLOW")])), input());
    expect(none).toMatchObject({ decision: "DENY", ruleIds: ["policy:unavailable"] });
    expect(none.reason).toContain("no platform policy");
    expect(evaluatePolicy(set(null), input()).policyHash).toBe("none");
  });

  it("denies when the platform document lacks a default or evaluation throws", () => {
    const noDefault = { ...platform([]), default: undefined };
    expect(evaluatePolicy(set(noDefault), input()).decision).toBe("DENY");
    const compiled = compilePolicySet(set(platform([rule("a", "ALLOW", { labels: { a: "b" } })])));
    const hostile = { ...input(), labels: null as unknown as Record<string, string> };
    expect(evaluate(compiled, hostile)).toMatchObject({ decision: "DENY", ruleIds: ["policy:unavailable"] });
  });
});

describe("combinedPolicyHash", () => {
  it("changes with any level and is stable otherwise", () => {
    const s = set(platform([]), tenant([]));
    expect(combinedPolicyHash(s)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(combinedPolicyHash(s)).toBe(combinedPolicyHash(set(platform([]), tenant([]))));
    expect(combinedPolicyHash(s)).not.toBe(combinedPolicyHash(set(platform([]))));
    expect(combinedPolicyHash({ ...s, tenant: { document: tenant([]), hash: h("d") } })).not.toBe(combinedPolicyHash(s));
    expect(evaluatePolicy(s, input()).policyHash).toBe(combinedPolicyHash(s));
  });

  it("withCandidate replaces one level", () => {
    const s = set(platform([]), tenant([]));
    const next = withCandidate(s, { document: tenant([rule("d", "DENY")]), hash: h("e") });
    expect(next.tenant?.hash).toBe(h("e"));
    expect(evaluatePolicy(next, input()).decision).toBe("DENY");
  });
});

describe("passkey-signed approvals", () => {
  it("a job held by an approval rule with passkey: true asks for passkeys; the strictest matched rule wins", () => {
    const signed = rule("refunds", "REQUIRE_APPROVAL", { topics: ["job.*.write.**"] }, { passkey: true });
    const plain = rule("writes", "REQUIRE_APPROVAL", { topics: ["job.*.write.**"] });
    expect(evaluatePolicy(set(platform([plain, signed])), input()).passkey).toBe(true);
    expect(evaluatePolicy(set(platform([plain])), input()).passkey).toBeUndefined();
    // A DENY that wins asks for no vote at all.
    expect(evaluatePolicy(set(platform([signed, rule("no", "DENY", { topics: ["job.*.write.**"] })])), input())).toMatchObject({ decision: "DENY" });
    expect(evaluatePolicy(set(platform([signed, rule("no", "DENY", { topics: ["job.*.write.**"] })])), input()).passkey).toBeUndefined();
  });
});
