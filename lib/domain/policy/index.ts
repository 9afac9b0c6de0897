/**
 * Policy as data (docs/policy.md): parse YAML policy documents, evaluate a
 * job against the platform, tenant and profile documents in force ("most
 * restrictive wins"), refuse lower-level documents that would widen a higher
 * level, run a document's own test cases, and diff versions.
 */
export * from "./types";
export { parsePolicy, policySourceHash, formatPolicyProblem } from "./parse";
export { ZPolicyDocument } from "./schema";
export { compilePolicySet, evaluate, evaluatePolicy, applyThrottle, combinedPolicyHash, failClosed, withCandidate, qualifiedRuleId, POLICY_UNAVAILABLE, DEFAULT_APPROVALS, DEFAULT_TTL_SEC } from "./evaluate";
export type { CompiledPolicySet } from "./evaluate";
export { mergeConstraints, NO_EGRESS } from "./constraints";
export { checkNarrowing } from "./narrowing";
export { runPolicyTests, testCaseInput, documentTestCases, TEST_INPUT_DEFAULTS } from "./test-runner";
export type { PolicyTestResult } from "./test-runner";
export { textDiff, formatUnifiedDiff } from "./diff";
export type { DiffLine } from "./diff";
export { DEMO_PLATFORM_POLICY, DEMO_TENANT_POLICIES } from "./demo-policies";
export { topicGlobProblem, matchesTopic, topicGlobsIntersect } from "./glob";
