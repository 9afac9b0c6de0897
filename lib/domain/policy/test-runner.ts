/**
 * Runs a policy document's `tests:` cases against a compiled set. A case
 * names only what it cares about; the rest of its input comes from defaults
 * (the document's tenant and profile, no risk tags, no labels, ring 0, L0).
 */
import type { CompiledPolicySet } from "./evaluate";
import { evaluate } from "./evaluate";
import type { DecisionKind, PolicyDocument, PolicyInput, PolicyTestCase } from "./types";

export interface PolicyTestResult {
  name: string;
  passed: boolean;
  expected: PolicyTestCase["expect"];
  actual: { decision: DecisionKind; reason: string; ruleIds: string[] };
  /** "ok", or what differed. */
  message: string;
}

export const TEST_INPUT_DEFAULTS: Omit<PolicyInput, "topic"> = {
  tenant: "",
  profile: "",
  riskTags: [],
  labels: {},
  ring: 0,
  tier: "L0",
};

/** The full input of a test case: its own fields over `defaults` over TEST_INPUT_DEFAULTS. */
export function testCaseInput(test: PolicyTestCase, defaults: Partial<Omit<PolicyInput, "topic">> = {}): PolicyInput {
  return { ...TEST_INPUT_DEFAULTS, ...stripUndefined(defaults), ...stripUndefined(test.input) } as PolicyInput;
}

/** A document's cases ready for `runPolicyTests`, defaulting tenant and profile to the document's. */
export function documentTestCases(
  document: PolicyDocument,
  defaults: Partial<Omit<PolicyInput, "topic">> = {},
): Array<{ test: PolicyTestCase; input: PolicyInput }> {
  const base = { tenant: document.tenant, profile: document.profile, ...stripUndefined(defaults) };
  return document.tests.map((test) => ({ test, input: testCaseInput(test, base) }));
}

export function runPolicyTests(compiled: CompiledPolicySet, cases: Array<{ test: PolicyTestCase; input: PolicyInput }>): PolicyTestResult[] {
  return cases.map(({ test, input }) => {
    const evaluation = evaluate(compiled, input);
    const actual = { decision: evaluation.decision, reason: evaluation.reason, ruleIds: evaluation.ruleIds };
    const problems: string[] = [];
    if (evaluation.decision !== test.expect.decision) {
      problems.push(`expected ${test.expect.decision}, got ${evaluation.decision} from ${evaluation.ruleIds[0] ?? "no rule"}`);
    }
    const wanted = test.expect.reason_contains;
    if (wanted !== undefined && !evaluation.reason.toLowerCase().includes(wanted.toLowerCase())) {
      problems.push(`expected the reason to contain "${wanted}", got "${evaluation.reason}"`);
    }
    return { name: test.name, passed: problems.length === 0, expected: test.expect, actual, message: problems.length ? problems.join("; ") : "ok" };
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
