import { describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/domain/hash";
import { formatPolicyProblem, parsePolicy, policySourceHash } from "./parse";

const PLATFORM = `apiVersion: cellgate/v1
kind: Policy
level: platform
default: DENY
rules:
  - id: reads
    match: { topics: ["job.*.read.**"] }
    decision: ALLOW
    reason: reads are fine
tests:
  - name: a read
    input: { topic: job.a.read.x }
    expect: { decision: ALLOW }
`;

function problemsOf(text: string) {
  const parsed = parsePolicy(text);
  if (parsed.ok) throw new Error("expected problems");
  return parsed.problems;
}

describe("parsePolicy", () => {
  it("parses a valid document, with rule and test lines and the source hash", () => {
    const parsed = parsePolicy(PLATFORM);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.document.level).toBe("platform");
    expect(parsed.document.rules[0]).toMatchObject({ id: "reads", decision: "ALLOW", line: 6 });
    expect(parsed.document.tests[0]).toMatchObject({ name: "a read", line: 11 });
    expect(parsed.hash).toBe(`sha256:${sha256Hex(PLATFORM)}`);
  });

  it("defaults throttle.per to profile and empty rules/tests", () => {
    const parsed = parsePolicy(
      "apiVersion: cellgate/v1\nkind: Policy\nlevel: platform\ndefault: ALLOW\nrules:\n  - id: t\n    match: {}\n    decision: THROTTLE\n    throttle: { limit: 1, windowSec: 60 }\n    reason: slow down\n",
    );
    expect(parsed.ok && parsed.document.rules[0]?.throttle).toEqual({ limit: 1, windowSec: 60, per: "profile" });
    const bare = parsePolicy("apiVersion: cellgate/v1\nkind: Policy\nlevel: platform\ndefault: ALLOW\n");
    expect(bare.ok && [bare.document.rules, bare.document.tests]).toEqual([[], []]);
  });

  it("reports YAML syntax errors with their line", () => {
    const problems = problemsOf("apiVersion: cellgate/v1\nkind: Policy\nrules:\n  - id: [unclosed\n");
    expect(problems[0]?.message).toMatch(/^YAML:/);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it("rejects a document that is not a mapping", () => {
    expect(problemsOf("- just\n- a list\n")[0]?.message).toContain("expected a mapping");
  });

  it("rejects unknown fields at every depth, naming the line of the key", () => {
    const text = PLATFORM.replace("    decision: ALLOW\n", "    decision: ALLOW\n    approval: 2\n").replace("level: platform\n", "level: platform\nowner: me\n");
    const problems = problemsOf(text);
    expect(problems).toContainEqual({ line: 4, path: "owner", message: 'unknown field "owner"' });
    expect(problems).toContainEqual({ line: 10, path: "rules[0].approval", message: 'unknown field "approval"' });
    const typo = problemsOf(PLATFORM.replace("match: { topics:", "match: { topic:"));
    expect(typo).toContainEqual({ line: 7, path: "rules[0].match.topic", message: 'unknown field "topic"' });
  });

  it("names bad values with their path and line", () => {
    const problems = problemsOf(PLATFORM.replace('"job.*.read.**"', '"job..read"').replace("decision: ALLOW\n    reason", "decision: PERMIT\n    reason"));
    expect(problems).toContainEqual(expect.objectContaining({ line: 7, path: "rules[0].match.topics[0]" }));
    expect(problems.find((p) => p.path === "rules[0].match.topics[0]")?.message).toContain("empty segment");
    expect(problems).toContainEqual(expect.objectContaining({ line: 8, path: "rules[0].decision" }));
    expect(problemsOf(PLATFORM.replace("apiVersion: cellgate/v1", "apiVersion: v2"))).toContainEqual(
      expect.objectContaining({ line: 1, path: "apiVersion", message: 'must be "cellgate/v1"' }),
    );
  });

  it("takes passkey: true on approval rules only, naming the line otherwise", () => {
    const approval = PLATFORM.replace("decision: ALLOW\n    reason: reads are fine", "decision: REQUIRE_APPROVAL\n    reason: reads are fine\n    passkey: true").replace("expect: { decision: ALLOW }", "expect: { decision: REQUIRE_APPROVAL }");
    expect(parsePolicy(approval)).toMatchObject({ ok: true, document: { rules: [{ passkey: true }] } });
    expect(problemsOf(PLATFORM.replace("reason: reads are fine", "reason: reads are fine\n    passkey: true"))).toContainEqual(
      expect.objectContaining({ path: "rules[0].passkey", message: "`passkey` only applies to REQUIRE_APPROVAL rules (this rule is ALLOW)" }),
    );
    expect(problemsOf(approval.replace("passkey: true", "passkey: false"))).toContainEqual(expect.objectContaining({ path: "rules[0].passkey", message: "`passkey` is `true` or left out" }));
  });

  it("reports required fields as missing", () => {
    const problems = problemsOf(PLATFORM.replace("    reason: reads are fine\n", ""));
    expect(problems).toContainEqual(expect.objectContaining({ path: "rules[0].reason", message: "is required" }));
  });

  it("requires default on the platform and forbids it below", () => {
    expect(problemsOf(PLATFORM.replace("default: DENY\n", ""))).toContainEqual(expect.objectContaining({ line: 3, path: "level" }));
    const tenant = PLATFORM.replace("level: platform", "level: tenant\ntenant: acme");
    expect(problemsOf(tenant)).toContainEqual(expect.objectContaining({ line: 5, path: "default" }));
  });

  it("requires tenant and profile for their levels and refuses them on the platform", () => {
    const tenantNoSlug = PLATFORM.replace("level: platform\ndefault: DENY\n", "level: tenant\n");
    expect(problemsOf(tenantNoSlug).map((p) => p.message).join()).toContain("needs `tenant`");
    const profileNoSlug = PLATFORM.replace("level: platform\ndefault: DENY\n", "level: profile\ntenant: acme\n");
    expect(problemsOf(profileNoSlug).map((p) => p.message).join()).toContain("needs `profile`");
    const platformWithTenant = PLATFORM.replace("level: platform\n", "level: platform\ntenant: acme\n");
    expect(problemsOf(platformWithTenant)).toContainEqual(expect.objectContaining({ line: 4, path: "tenant" }));
  });

  it("refuses duplicate rule ids and test names", () => {
    const rule = "  - id: reads\n    match: {}\n    decision: DENY\n    reason: again\n";
    const problems = problemsOf(PLATFORM.replace("tests:\n", `${rule}tests:\n`));
    expect(problems).toContainEqual({ line: 10, path: "rules[1].id", message: 'duplicate rule id "reads" (first at rules[0])' });
  });

  it("refuses decision fields on the wrong decision and missing ones", () => {
    const approvalsOnAllow = problemsOf(PLATFORM.replace("decision: ALLOW\n", "decision: ALLOW\n    approvals: 2\n"));
    expect(approvalsOnAllow).toContainEqual(expect.objectContaining({ path: "rules[0].approvals", line: 9 }));
    const noConstraints = problemsOf(PLATFORM.replace("decision: ALLOW\n", "decision: ALLOW_WITH_CONSTRAINTS\n"));
    expect(noConstraints[0]?.message).toContain("needs `constraints`");
    const noThrottle = problemsOf(PLATFORM.replace("decision: ALLOW\n", "decision: THROTTLE\n"));
    expect(noThrottle[0]?.message).toContain("needs `throttle");
  });

  it("refuses a profile-level rule naming other profiles, and empty match lists", () => {
    const profileDoc = PLATFORM.replace("level: platform\ndefault: DENY\n", "level: profile\ntenant: acme\nprofile: acme-bot\n").replace(
      'match: { topics: ["job.*.read.**"] }',
      "match: { profiles: [acme-other] }",
    );
    expect(problemsOf(profileDoc)[0]).toMatchObject({ path: "rules[0].match.profiles", line: 8 });
    expect(problemsOf(PLATFORM.replace('topics: ["job.*.read.**"]', "rings: []"))[0]).toMatchObject({ path: "rules[0].match.rings", line: 7 });
  });

  it("refuses duplicate YAML keys", () => {
    expect(problemsOf(PLATFORM.replace("kind: Policy\n", "kind: Policy\nkind: Policy\n"))[0]).toMatchObject({ line: 3 });
  });

  it("formats a problem as file:line: path: message", () => {
    expect(formatPolicyProblem("p.yaml", { line: 7, path: "rules[0].match", message: "bad" })).toBe("p.yaml:7: rules[0].match: bad");
  });
});

describe("policySourceHash", () => {
  it("hashes the UTF-8 bytes", () => {
    expect(policySourceHash("é")).toBe(`sha256:${sha256Hex(Buffer.from("é", "utf8"))}`);
    expect(policySourceHash("a")).not.toBe(policySourceHash("a\n"));
    expect(policySourceHash("x")).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
