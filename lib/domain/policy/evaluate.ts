/**
 * The evaluator: "most restrictive wins", per level and then across levels
 * (see the header of ./types.ts and docs/policy.md). Fail closed: a set with
 * a failure, without a platform document, or an error while evaluating
 * denies, naming "policy:unavailable".
 */
import { canonicalHash } from "@/lib/domain/hash";
import { mergeConstraints } from "./constraints";
import { topicGlobRegExp } from "./glob";
import {
  DECISIONS,
  type Constraints,
  type DecisionKind,
  type Evaluation,
  type LoadedPolicy,
  type MatchedThrottle,
  type PolicyDocument,
  type PolicyInput,
  type PolicyLevel,
  type PolicyRule,
  type PolicySet,
} from "./types";

export const POLICY_UNAVAILABLE = "policy:unavailable";
export const DEFAULT_APPROVALS = 1;
export const DEFAULT_TTL_SEC = 3600;

interface CompiledRule {
  qualifiedId: string;
  rule: PolicyRule;
  rank: number;
  topics: RegExp[] | null;
  riskTags: ReadonlySet<string> | null;
  labels: ReadonlyArray<[string, string]> | null;
  rings: ReadonlySet<number> | null;
  tiers: ReadonlySet<string> | null;
  profiles: ReadonlySet<string> | null;
}

interface CompiledLevel {
  level: PolicyLevel;
  rules: CompiledRule[];
}

export interface CompiledPolicySet {
  levels: CompiledLevel[];
  /** The platform document's default, as a pseudo-rule "platform:default". */
  fallback: { decision: DecisionKind; reason: string } | null;
  /** Why the set fails closed, or null. */
  failure: string | null;
  policyHash: string;
}

export function rankOf(decision: DecisionKind): number {
  return DECISIONS.indexOf(decision);
}

/** "platform:<id>", "tenant:<slug>:<id>" or "profile:<slug>:<id>". */
export function qualifiedRuleId(document: PolicyDocument, ruleId: string): string {
  if (document.level === "platform") return `platform:${ruleId}`;
  if (document.level === "tenant") return `tenant:${document.tenant ?? "?"}:${ruleId}`;
  return `profile:${document.profile ?? "?"}:${ruleId}`;
}

/** One hash over the versions in force; "none" when there are none. */
export function combinedPolicyHash(set: PolicySet): string {
  if (!set.platform && !set.tenant && !set.profile) return "none";
  return `sha256:${canonicalHash({
    platform: set.platform?.hash ?? null,
    tenant: set.tenant?.hash ?? null,
    profile: set.profile?.hash ?? null,
  })}`;
}

/** The set with one level replaced by a candidate document (for tests and simulation before activating). */
export function withCandidate(set: PolicySet, candidate: LoadedPolicy): PolicySet {
  return { ...set, [candidate.document.level]: candidate };
}

function compileRule(document: PolicyDocument, rule: PolicyRule): CompiledRule {
  const m = rule.match;
  return {
    qualifiedId: qualifiedRuleId(document, rule.id),
    rule,
    rank: rankOf(rule.decision),
    topics: m.topics ? m.topics.map(topicGlobRegExp) : null,
    riskTags: m.riskTags ? new Set(m.riskTags) : null,
    labels: m.labels ? Object.entries(m.labels) : null,
    rings: m.rings ? new Set(m.rings) : null,
    tiers: m.tiers ? new Set(m.tiers) : null,
    profiles: m.profiles ? new Set(m.profiles) : null,
  };
}

export function compilePolicySet(set: PolicySet): CompiledPolicySet {
  const policyHash = combinedPolicyHash(set);
  const failure = set.failure ?? (set.platform ? null : "no platform policy is in force");
  if (failure || !set.platform) return { levels: [], fallback: null, failure, policyHash };
  try {
    const levels: CompiledLevel[] = [];
    for (const loaded of [set.platform, set.tenant, set.profile]) {
      if (!loaded) continue;
      levels.push({ level: loaded.document.level, rules: loaded.document.rules.map((r) => compileRule(loaded.document, r)) });
    }
    const fallbackDecision = set.platform.document.default;
    if (!fallbackDecision) return { levels: [], fallback: null, failure: "the platform policy has no default", policyHash };
    return {
      levels,
      fallback: { decision: fallbackDecision, reason: `no platform rule matched; the platform default is ${fallbackDecision}` },
      failure: null,
      policyHash,
    };
  } catch (error) {
    return { levels: [], fallback: null, failure: `policy could not be compiled: ${(error as Error).message}`, policyHash };
  }
}

function matchesRule(rule: CompiledRule, input: PolicyInput): boolean {
  if (rule.topics && !rule.topics.some((re) => re.test(input.topic))) return false;
  if (rule.riskTags) {
    const tags = rule.riskTags;
    if (!input.riskTags.some((tag) => tags.has(tag))) return false;
  }
  if (rule.labels && !rule.labels.every(([k, v]) => Object.hasOwn(input.labels, k) && input.labels[k] === v)) return false;
  if (rule.rings && !rule.rings.has(input.ring)) return false;
  if (rule.tiers && !rule.tiers.has(input.tier)) return false;
  if (rule.profiles && !rule.profiles.has(input.profile)) return false;
  return true;
}

/** The evaluation when policy cannot be loaded or evaluated: DENY everything, naming the failure. */
export function failClosed(failure: string, policyHash = "none"): Evaluation {
  return {
    decision: "DENY",
    ruleIds: [POLICY_UNAVAILABLE],
    reason: `policy unavailable, every job is denied (fail closed): ${failure}`,
    approvalsNeeded: null,
    ttlSec: null,
    constraints: null,
    throttles: [],
    policyHash,
  };
}

interface Candidate {
  id: string;
  decision: DecisionKind;
  rank: number;
  reason: string;
  rule: PolicyRule | null;
}

function throttleKey(qualifiedId: string, per: MatchedThrottle["per"], input: PolicyInput): string {
  const subject = per === "profile" ? `profile:${input.profile}` : per === "tenant" ? `tenant:${input.tenant}` : "platform";
  return `throttle:${qualifiedId}:${subject}`;
}

export function evaluate(compiled: CompiledPolicySet, input: PolicyInput): Evaluation {
  if (compiled.failure || !compiled.fallback) return failClosed(compiled.failure ?? "no platform default", compiled.policyHash);
  try {
    return evaluateLevels(compiled, compiled.fallback, input);
  } catch (error) {
    return failClosed(`evaluation failed: ${(error as Error).message}`, compiled.policyHash);
  }
}

function evaluateLevels(compiled: CompiledPolicySet, fallback: NonNullable<CompiledPolicySet["fallback"]>, input: PolicyInput): Evaluation {
  const matched: Candidate[] = [];
  const throttles: MatchedThrottle[] = [];
  const constraints: Constraints[] = [];
  let winner: Candidate | null = null;
  for (const level of compiled.levels) {
    let levelWinner: Candidate | null = null;
    for (const rule of level.rules) {
      if (!matchesRule(rule, input)) continue;
      const candidate: Candidate = { id: rule.qualifiedId, decision: rule.rule.decision, rank: rule.rank, reason: rule.rule.reason, rule: rule.rule };
      matched.push(candidate);
      if (rule.rule.constraints) constraints.push(rule.rule.constraints);
      if (rule.rule.throttle) {
        throttles.push({ ...rule.rule.throttle, ruleId: rule.qualifiedId, counterKey: throttleKey(rule.qualifiedId, rule.rule.throttle.per, input) });
        continue; // a throttle decides nothing until its counter is over the limit
      }
      if (!levelWinner || candidate.rank > levelWinner.rank) levelWinner = candidate;
    }
    if (!levelWinner && level.level === "platform") {
      levelWinner = { id: "platform:default", decision: fallback.decision, rank: rankOf(fallback.decision), reason: fallback.reason, rule: null };
      matched.push(levelWinner);
    }
    if (levelWinner && (!winner || levelWinner.rank > winner.rank)) winner = levelWinner;
  }
  if (!winner) return failClosed("no decision was reached", compiled.policyHash);
  const deciding = winner;
  const approvalRules = matched.filter((c) => c.decision === "REQUIRE_APPROVAL");
  const pending = deciding.decision === "REQUIRE_APPROVAL";
  return {
    decision: deciding.decision,
    ruleIds: [deciding.id, ...matched.filter((c) => c !== deciding).map((c) => c.id)],
    reason: deciding.reason,
    approvalsNeeded: pending ? Math.max(...approvalRules.map((c) => c.rule?.approvals ?? DEFAULT_APPROVALS)) : null,
    ttlSec: pending ? Math.min(...approvalRules.map((c) => c.rule?.ttlSec ?? DEFAULT_TTL_SEC)) : null,
    // The strictest wins, as for approvals: any matched approval rule asking for passkeys.
    ...(pending && approvalRules.some((c) => c.rule?.passkey === true) ? { passkey: true as const } : {}),
    constraints: mergeConstraints(constraints),
    throttles,
    policyHash: compiled.policyHash,
  };
}

/** Compile and evaluate in one step (the simulator and tests; the server caches the compiled set). */
export function evaluatePolicy(set: PolicySet, input: PolicyInput): Evaluation {
  return evaluate(compilePolicySet(set), input);
}

/**
 * The outcome once the server has counted a matched throttle over its limit:
 * THROTTLED unless the evaluation already denies.
 */
export function applyThrottle(evaluation: Evaluation, exceeded: MatchedThrottle, retryAfterSec: number): Evaluation {
  if (evaluation.decision === "DENY") return evaluation;
  const retry = Math.max(1, Math.ceil(retryAfterSec));
  const { passkey: _noApproval, ...rest } = evaluation;
  return {
    ...rest,
    decision: "THROTTLE",
    ruleIds: [exceeded.ruleId, ...evaluation.ruleIds.filter((id) => id !== exceeded.ruleId)],
    reason: `rate limit ${exceeded.ruleId}: more than ${exceeded.limit} jobs per ${exceeded.windowSec}s (per ${exceeded.per}); retry after ${retry}s`,
    approvalsNeeded: null,
    ttlSec: null,
  };
}
