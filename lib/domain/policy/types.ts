/**
 * Policy as data: the shapes shared by the parser, the evaluator, the
 * hierarchy check, the test runner, the server and the CLI.
 *
 * Semantics (docs/policy.md): "most restrictive wins". Within one level every
 * matching rule counts and the strictest decision wins (ties: the earlier rule
 * in the document). Levels are then combined the same way, so a lower level
 * can only ever restrict. The platform document's `default` applies when no
 * platform rule matches; lower levels without a matching rule have no say.
 * THROTTLE rules decide nothing until their counter (kept in the database) is
 * over the limit; then the job is THROTTLED unless something denies it.
 */
import type { TierName as Tier } from "@/lib/domain/tiers";

export const DECISIONS = ["ALLOW", "ALLOW_WITH_CONSTRAINTS", "THROTTLE", "REQUIRE_APPROVAL", "DENY"] as const;
/** Ordered from least to most restrictive. */
export type DecisionKind = (typeof DECISIONS)[number];

export const POLICY_LEVELS = ["platform", "tenant", "profile"] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

export interface Constraints {
  maxRuntimeSec?: number;
  maxRetries?: number;
  egressProfile?: string;
  /** Path prefixes the job may touch. */
  pathLimits?: string[];
}

export interface ThrottleSpec {
  limit: number;
  windowSec: number;
  /** What the counter is kept per (default "profile"). */
  per: "profile" | "tenant" | "platform";
}

export interface RuleMatch {
  /** Dot-separated topic globs: `*` one segment (or part of one), `**` any number of segments. Any may match. */
  topics?: string[];
  /** Any of these risk tags present on the job. */
  riskTags?: string[];
  /** Every label here equal on the job. */
  labels?: Record<string, string>;
  rings?: number[];
  tiers?: Tier[];
  /** Profile slugs. */
  profiles?: string[];
}

export interface PolicyRule {
  id: string;
  description?: string;
  match: RuleMatch;
  decision: DecisionKind;
  reason: string;
  /** REQUIRE_APPROVAL: distinct approvers needed (default 1). */
  approvals?: number;
  /** REQUIRE_APPROVAL: seconds a pending job waits before it expires (default 3600). */
  ttlSec?: number;
  /** REQUIRE_APPROVAL: votes on a matched job must be signed with a passkey. */
  passkey?: true;
  /** ALLOW_WITH_CONSTRAINTS (also carried into an approved job). */
  constraints?: Constraints;
  /** THROTTLE. */
  throttle?: ThrottleSpec;
  /** 1-based line of the rule in its source, for messages. */
  line?: number;
}

export interface PolicyTestCase {
  name: string;
  input: Partial<PolicyInput> & Pick<PolicyInput, "topic">;
  expect: { decision: DecisionKind; reason_contains?: string };
  line?: number;
}

export interface PolicyDocument {
  apiVersion: "cellgate/v1";
  kind: "Policy";
  level: PolicyLevel;
  /** Tenant slug (tenant and profile levels). */
  tenant?: string;
  /** Profile slug (profile level). */
  profile?: string;
  /** Platform level only (required there): the decision when no platform rule matches. */
  default?: "ALLOW" | "DENY" | "REQUIRE_APPROVAL";
  rules: PolicyRule[];
  tests: PolicyTestCase[];
}

export interface PolicyProblem {
  /** 1-based line in the source, when known. */
  line?: number;
  /** e.g. "rules[2].match.topics[0]" */
  path: string;
  message: string;
}

export type ParsedPolicy =
  | { ok: true; document: PolicyDocument; hash: string }
  | { ok: false; problems: PolicyProblem[] };

/** What a policy is evaluated against (a job, a simulator input or a test case). */
export interface PolicyInput {
  topic: string;
  tenant: string;
  profile: string;
  riskTags: string[];
  labels: Record<string, string>;
  ring: number;
  tier: Tier;
}

/** A parsed, stored version in force at one level. */
export interface LoadedPolicy {
  document: PolicyDocument;
  /** "sha256:<hex>" of the source. */
  hash: string;
  version?: number;
}

/**
 * The documents that apply to one profile. `failure` set means a version in
 * force could not be loaded or parsed (or no platform policy exists): the
 * evaluator then denies everything, naming the failure (fail closed).
 */
export interface PolicySet {
  platform: LoadedPolicy | null;
  tenant: LoadedPolicy | null;
  profile: LoadedPolicy | null;
  failure?: string;
}

export interface MatchedThrottle extends ThrottleSpec {
  /** Qualified rule id, e.g. "platform:burst-writes". */
  ruleId: string;
  /** Counter key for the database, e.g. "throttle:platform:burst-writes:profile:<slug>". */
  counterKey: string;
}

export interface Evaluation {
  decision: DecisionKind;
  /**
   * Qualified ids of every matched rule ("platform:<id>", "tenant:<slug>:<id>",
   * "profile:<slug>:<id>", "platform:default", "policy:unavailable"), the deciding one first.
   */
  ruleIds: string[];
  reason: string;
  /** REQUIRE_APPROVAL: distinct approvers the policy asks for (the server applies the L4/L5 floor with minimumApprovals). */
  approvalsNeeded: number | null;
  ttlSec: number | null;
  /** REQUIRE_APPROVAL: some matched approval rule asks for passkey-signed votes (absent: none does). */
  passkey?: true;
  /** Tightest merge of every matched constraints rule; null when none matched. */
  constraints: Constraints | null;
  /** THROTTLE rules that matched; the server counts them (lib/server) and calls `applyThrottle`. */
  throttles: MatchedThrottle[];
  /** Combined hash of the versions in force ("sha256:<hex>"), or "none" when failing closed without any. */
  policyHash: string;
}

export interface WideningProblem {
  /** The offending rule in the candidate document. */
  rule: string;
  /** The higher-level rule it conflicts with (qualified id). */
  conflictsWith: string;
  message: string;
}
