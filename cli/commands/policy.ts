import { POLICY_UNAVAILABLE } from "@/lib/domain/policy";
import { shortHashOf } from "@/lib/server/policies/format";
import { refusalReason, type AppliedPolicy, type PlanTestResult, type PolicyPlan } from "@/lib/server/policies/apply";
import { CommandFailed, flag, parse, UsageError, type Options } from "../args";
import { callConsole, ConsoleProblem, origin, withConsole, type PipelineAnswer } from "../console";
import { readText } from "./registry";

export const POLICY_HELP = `
Usage: cellgate policy test FILE [--json]
       cellgate policy apply FILE [--apply] [--json]

Policy documents are YAML at three levels (platform, tenant, profile); see
docs/policy.md. A lower level may only restrict what a higher level allows.
Both commands send the document to the console you logged in to
(\`cellgate login\`); the token's owner needs policy.write for its scope.

  test    run the document's test cases against it and the levels in force
          above it; exit 0 when every case passes, 1 otherwise. Test inputs
          take ring, tier and tenant from the registry for a known profile,
          else from the values the case gives.
  apply   print the plan: the diff against the version in force, the test
          results, and any widening (this document widening a higher level,
          or a platform/tenant document making a lower one in force widen).
          Nothing changes without --apply; --apply stores the next version
          with a receipt, only when every test passes and nothing widens.

Options:
  --apply         activate the document (apply only)
  --json          print the result as JSON

Console: CELLGATE_URL and CELLGATE_TOKEN, else what \`cellgate login\` stored.
`;

export async function policyCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === undefined) {
    if (sub === undefined) throw new UsageError("missing subcommand", POLICY_HELP);
    process.stdout.write(`${POLICY_HELP.trim()}\n`);
    return;
  }
  if (sub !== "test" && sub !== "apply") throw new UsageError(`unknown policy subcommand ${sub}`, POLICY_HELP);
  const options: Options = sub === "apply" ? { apply: { type: "boolean" }, json: { type: "boolean" } } : { json: { type: "boolean" } };
  const parsed = parse(rest, options, POLICY_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const file = parsed.positionals[0]!;
  const json = flag(parsed, "json");
  const apply = sub === "apply" && flag(parsed, "apply");
  const body = { source: readText(file), file, origin: origin() };

  await withConsole(async (credentials) => {
    try {
      if (!apply) {
        const plan = (await callConsole<PipelineAnswer<PolicyPlan>>(credentials, "POST", "/api/v1/policies/plan", body)).data;
        if (sub === "test") return printTests(file, plan, json);
        return printApply(`Policy apply ${file} → ${credentials.url} (dry run)`, plan, null, json);
      }
      const answer = await callConsole<PipelineAnswer<AppliedPolicy>>(credentials, "POST", "/api/v1/policies/apply", body);
      const applied = answer.data.applied && answer.receipt ? { version: answer.data.applied.version, receipt: answer.receipt, as: answer.actor.email } : null;
      return printApply(`Policy apply ${file} → ${credentials.url}`, answer.data.plan, applied, json);
    } catch (error) {
      const lines = error instanceof ConsoleProblem && error.status === 400 ? error.problem.errors?.source : undefined;
      if (!lines) throw error;
      if (json) out([JSON.stringify({ file, problems: lines }, null, 2)]);
      else out([`Policy ${file}: cannot ${sub === "test" ? "run" : "apply"}`, ...lines.map((l) => `  ! line ${l}`)]);
      throw new CommandFailed(`${file}: ${lines.length} problem(s); nothing was changed`);
    }
  });
}

const out = (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`);

function testLines(tests: PlanTestResult[]): string[] {
  return tests.map((t) => {
    const rules = t.actual.ruleIds.length ? ` (${t.actual.ruleIds.join(", ")})` : "";
    if (t.passed) return `  ✓ ${t.name}: ${t.actual.decision}${rules}`;
    const got = `got ${t.actual.decision}${rules}, reason "${t.actual.reason}"`;
    return `  ✗ ${t.name}: expected ${t.expected.decision}${t.expected.reason_contains ? ` with reason containing "${t.expected.reason_contains}"` : ""}, ${got}`;
  });
}

function testSummary(tests: PlanTestResult[]): string {
  const failed = tests.filter((t) => !t.passed).length;
  const closed = tests.some((t) => t.actual.ruleIds.includes(POLICY_UNAVAILABLE))
    ? " (note: no valid platform policy is in force, so every case fails closed: DENY)"
    : "";
  return `${tests.length - failed} passed, ${failed} failed${closed}`;
}

function printTests(file: string, plan: PolicyPlan, json: boolean): void {
  if (json) out([JSON.stringify({ file, hash: plan.hash, scope: plan.scope?.label ?? null, problems: plan.problems, tests: plan.tests }, null, 2)]);
  else if (plan.problems.length > 0) out([`Policy tests ${file}: cannot run`, ...plan.problems.map((p) => `  ! ${p}`)]);
  else if (plan.tests.length === 0) out([`Policy tests ${file} (${plan.scope?.label}): no test cases`]);
  else out([`Policy tests ${file} (${plan.scope?.label}, ${plan.tests.length} case(s))`, ...testLines(plan.tests), testSummary(plan.tests)]);
  if (plan.problems.length > 0) throw new CommandFailed(`${file}: ${plan.problems.length} problem(s)`);
  const failed = plan.tests.filter((t) => !t.passed).length;
  if (failed > 0) throw new CommandFailed(`${failed} of ${plan.tests.length} test(s) failed`);
}

function planLines(plan: PolicyPlan): string[] {
  const lines: string[] = [];
  if (plan.scope) {
    lines.push(`  scope: ${plan.scope.label}`);
    lines.push(plan.active
      ? `  in force: version ${plan.active.version} (${shortHashOf(plan.active.hash)}, ${new Date(plan.active.createdAt).toISOString()})`
      : "  in force: none");
    lines.push(plan.unchanged ? `  this document is version ${plan.active?.version} (unchanged)` : `  next: version ${plan.nextVersion} (${shortHashOf(plan.hash)})`);
  }
  if (plan.problems.length > 0) lines.push("Problems:", ...plan.problems.map((p) => `  ! ${p}`));
  if (!plan.scope) return lines;
  if (!plan.unchanged) {
    lines.push(plan.active ? `Diff against version ${plan.active.version}:` : "Diff (first version):");
    lines.push(...plan.diff.map((l) => `  ${l}`));
  }
  lines.push(plan.tests.length ? `Tests: ${testSummary(plan.tests)}` : "Tests: none in this document", ...testLines(plan.tests));
  if (plan.widening.length === 0) lines.push("Widening: none");
  else {
    lines.push(`Widening (${plan.widening.length}):`);
    for (const w of plan.widening) lines.push(`  ✗ ${w.document}: ${w.message}`);
  }
  return lines;
}

function printApply(
  title: string,
  plan: PolicyPlan,
  applied: { version: number; receipt: { id: string; auditSeq: number | null; tokenId: string | null }; as: string | null } | null,
  json: boolean,
): void {
  const refusal = refusalReason(plan);
  if (json) {
    out([JSON.stringify({ applied: applied !== null, plan, version: applied?.version ?? null, receipt: applied?.receipt ?? null }, null, 2)]);
  } else {
    const lines = [title, ...planLines(plan)];
    if (applied) {
      lines.push(`applied version ${applied.version} (receipt ${applied.receipt.id}, audit seq ${applied.receipt.auditSeq ?? "pending seal"}, as ${applied.as}, token ${applied.receipt.tokenId})`);
    }
    else if (plan.unchanged) lines.push("unchanged: this version is already in force; nothing changed");
    else if (refusal) lines.push(`refused: ${refusal}; nothing changed`);
    else lines.push("dry run: nothing changed. Re-run with --apply to activate it.");
    out(lines);
  }
  if (!applied && refusal) throw new CommandFailed(`the policy cannot be applied (${refusal})`);
}
