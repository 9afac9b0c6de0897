import { formatPlan } from "@/lib/domain/registry/format-plan";
import type { RegistryPlan } from "@/lib/domain/registry/plan-types";
import { CommandFailed } from "./args";
import type { PipelineAnswer } from "./console";

/** Print a dry-run plan (or JSON); fail (exit 1) when the plan has problems. */
export function printPlan(plan: RegistryPlan, options: { json: boolean; title: string }): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ applied: false, plan }, null, 2)}\n`);
  } else {
    process.stdout.write(`${options.title}\n${formatPlan(plan).map((l) => `  ${l}`).join("\n")}\n`);
    if (plan.problems.length === 0 && plan.changes.length > 0) {
      process.stdout.write("Dry run: nothing was changed. Re-run with --apply to make these changes.\n");
    }
  }
  if (plan.problems.length > 0) throw new CommandFailed(`the plan cannot be applied (${plan.problems.length} problem(s) above)`);
}

export function printApplied(answer: PipelineAnswer<{ plan: RegistryPlan }>, options: { json: boolean; title: string }): void {
  const { plan } = answer.data;
  const receipt = answer.receipt;
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ applied: receipt !== null, plan, receipt }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${options.title}\n${formatPlan(plan).map((l) => `  ${l}`).join("\n")}\n`);
  if (receipt) {
    process.stdout.write(`Applied: receipt ${receipt.id}, audit seq ${receipt.auditSeq ?? "pending seal"} (as ${answer.actor.email}, token ${receipt.tokenId})\n`);
  } else {
    process.stdout.write("Nothing to apply: no receipt written.\n");
  }
}
