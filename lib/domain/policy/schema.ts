/**
 * The zod schema of a policy document (docs/policy.md "Format"). Every object
 * is strict: an unknown field is an error, so a typo never silently widens.
 * Cross-field rules (level-specific fields, unique ids, per-decision fields)
 * are checked in `documentProblems` so each problem names its own path.
 */
import { z } from "zod";
import { TIERS } from "@/lib/domain/tiers";
import { topicGlobProblem } from "./glob";
import { DECISIONS, POLICY_LEVELS, type PolicyDocument } from "./types";

const SLUG = /^[a-z0-9][a-z0-9-]*$/;
const RULE_ID = /^[a-z0-9][a-z0-9_.-]*$/;
const TAG = /^[a-z0-9][a-z0-9_.:-]{0,62}$/;

const ZTopicGlob = z.string().superRefine((glob, ctx) => {
  const problem = topicGlobProblem(glob);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const ZSlug = z.string().max(200).regex(SLUG, "a slug: lower-case letters, digits and -");
const ZPositiveInt = z.number().int().positive();

export const ZConstraints = z.strictObject({
  maxRuntimeSec: ZPositiveInt.optional(),
  maxRetries: z.number().int().min(0).optional(),
  egressProfile: z.string().min(1).max(100).optional(),
  pathLimits: z.array(z.string().min(1).max(500)).min(1).optional(),
});

export const ZThrottle = z.strictObject({
  limit: ZPositiveInt,
  // at most 31 days: throttle counters older than that are purged (lib/server/jobs/throttle.ts)
  windowSec: ZPositiveInt.max(2_678_400, "at most 2678400 seconds (31 days)"),
  per: z.enum(["profile", "tenant", "platform"]).default("profile"),
});

export const ZRuleMatch = z.strictObject({
  topics: z.array(ZTopicGlob).min(1).optional(),
  riskTags: z.array(z.string().regex(TAG, "lower-case letters, digits and _ . : -")).min(1).optional(),
  labels: z.record(z.string().min(1).max(100), z.string().max(500)).optional(),
  rings: z.array(z.number().int().min(0).max(5)).min(1).optional(),
  tiers: z.array(z.enum(TIERS)).min(1).optional(),
  profiles: z.array(ZSlug).min(1).optional(),
});

export const ZPolicyRule = z.strictObject({
  id: z.string().max(100).regex(RULE_ID, "a rule id: lower-case letters, digits and _ . -"),
  description: z.string().max(1000).optional(),
  match: ZRuleMatch,
  decision: z.enum(DECISIONS),
  reason: z.string().min(1).max(500),
  approvals: z.number().int().min(1).max(10).optional(),
  ttlSec: z.number().int().min(60).max(30 * 86_400).optional(),
  /** REQUIRE_APPROVAL: every vote on a matched job is signed with the voter's passkey. */
  passkey: z.literal(true, { error: "`passkey` is `true` or left out" }).optional(),
  constraints: ZConstraints.optional(),
  throttle: ZThrottle.optional(),
});

const ZTestInput = z.strictObject({
  topic: z.string().min(1).max(200),
  tenant: z.string().min(1).max(100).optional(),
  profile: z.string().min(1).max(200).optional(),
  riskTags: z.array(z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  ring: z.number().int().min(0).max(5).optional(),
  tier: z.enum(TIERS).optional(),
});

export const ZPolicyTestCase = z.strictObject({
  name: z.string().min(1).max(200),
  input: ZTestInput,
  expect: z.strictObject({
    decision: z.enum(DECISIONS),
    reason_contains: z.string().min(1).optional(),
  }),
});

export const ZPolicyDocument = z.strictObject({
  apiVersion: z.literal("cellgate/v1"),
  kind: z.literal("Policy"),
  level: z.enum(POLICY_LEVELS),
  tenant: ZSlug.optional(),
  profile: ZSlug.optional(),
  default: z.enum(["ALLOW", "DENY", "REQUIRE_APPROVAL"]).optional(),
  rules: z.array(ZPolicyRule).max(2000).default([]),
  tests: z.array(ZPolicyTestCase).max(2000).default([]),
});

type PathPart = string | number;
export interface DocumentProblem {
  path: PathPart[];
  message: string;
  /** Point at the key rather than the value (for missing/forbidden fields). */
  keyLine?: boolean;
}

/** Checks zod cannot express per field: level fields, unique ids, per-decision fields. */
export function documentProblems(doc: PolicyDocument): DocumentProblem[] {
  const problems: DocumentProblem[] = [];
  const add = (path: PathPart[], message: string, keyLine = true) => problems.push({ path, message, keyLine });
  if (doc.level === "platform") {
    if (doc.default === undefined) add(["level"], "a platform policy needs `default` (ALLOW, DENY or REQUIRE_APPROVAL)");
    if (doc.tenant !== undefined) add(["tenant"], "a platform policy applies to every tenant; remove `tenant`");
    if (doc.profile !== undefined) add(["profile"], "a platform policy applies to every profile; remove `profile`");
  } else {
    if (doc.default !== undefined) add(["default"], "only the platform policy has a `default`; lower levels can only add rules");
    if (doc.tenant === undefined) add(["level"], `a ${doc.level} policy needs \`tenant\` (the tenant slug)`);
    if (doc.level === "tenant" && doc.profile !== undefined) add(["profile"], "a tenant policy applies to the whole tenant; remove `profile`");
    if (doc.level === "profile" && doc.profile === undefined) add(["level"], "a profile policy needs `profile` (the profile slug)");
  }
  const seen = new Map<string, number>();
  doc.rules.forEach((rule, i) => {
    const first = seen.get(rule.id);
    if (first !== undefined) add(["rules", i, "id"], `duplicate rule id "${rule.id}" (first at rules[${first}])`, false);
    else seen.set(rule.id, i);
    const only = (field: "approvals" | "ttlSec" | "passkey" | "constraints" | "throttle", decisions: string[]) => {
      if (rule[field] !== undefined && !decisions.includes(rule.decision)) {
        add(["rules", i, field], `\`${field}\` only applies to ${decisions.join(" or ")} rules (this rule is ${rule.decision})`);
      }
    };
    only("approvals", ["REQUIRE_APPROVAL"]);
    only("ttlSec", ["REQUIRE_APPROVAL"]);
    only("passkey", ["REQUIRE_APPROVAL"]);
    only("constraints", ["ALLOW_WITH_CONSTRAINTS", "REQUIRE_APPROVAL"]);
    only("throttle", ["THROTTLE"]);
    if (rule.decision === "ALLOW_WITH_CONSTRAINTS" && !rule.constraints) add(["rules", i, "decision"], "an ALLOW_WITH_CONSTRAINTS rule needs `constraints`");
    if (rule.decision === "THROTTLE" && !rule.throttle) add(["rules", i, "decision"], "a THROTTLE rule needs `throttle: {limit, windowSec}`");
    if (rule.constraints && Object.keys(rule.constraints).length === 0) add(["rules", i, "constraints"], "`constraints` is empty", false);
    if (doc.level === "profile" && rule.match.profiles && doc.profile && !rule.match.profiles.includes(doc.profile)) {
      add(["rules", i, "match", "profiles"], `this profile policy only applies to ${doc.profile}; the rule could never match`, false);
    }
  });
  const names = new Map<string, number>();
  doc.tests.forEach((test, i) => {
    const first = names.get(test.name);
    if (first !== undefined) add(["tests", i, "name"], `duplicate test name "${test.name}" (first at tests[${first}])`, false);
    else names.set(test.name, i);
  });
  return problems;
}
