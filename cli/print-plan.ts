import { formatPlan } from "@/lib/domain/registry/format-plan";
import type { RegistryPlan } from "@/lib/domain/registry/plan-types";
import type { Applied } from "@/lib/server/registry/sync";
import { CommandFailed } from "./args";

/** Print a dry-run plan (or JSON); fail (exit 1) when the plan has problems. */
export function printPlan(plan: RegistryPlan, options: { json: boolean; title: string }): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ applied: false, plan }, null, 2)}\n`);
  } else {
    process.stdout.write(`${options.title}\n${formatPlan(plan).map((l) => `  ${l}`).join("\n")}\n`);
    if (plan.problems.length === 0 && plan.changes.length > 0) {
      process.stdout.write("Dry run: nothing was changed. Re-run with --apply (and --actor EMAIL) to make these changes.\n");
    }
  }
  if (plan.problems.length > 0) throw new CommandFailed(`the plan cannot be applied (${plan.problems.length} problem(s) above)`);
}

export function printApplied(applied: Applied, options: { json: boolean; title: string }): void {
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ applied: applied.receipt !== null, plan: applied.plan, receipt: applied.receipt }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${options.title}\n${formatPlan(applied.plan).map((l) => `  ${l}`).join("\n")}\n`);
  if (applied.receipt) {
    process.stdout.write(`Applied: receipt ${applied.receipt.id}, audit seq ${applied.receipt.auditSeq}\n`);
  } else {
    process.stdout.write("Nothing to apply: no receipt written.\n");
  }
}
