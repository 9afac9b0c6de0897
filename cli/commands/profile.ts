import type { GateItem } from "@/lib/domain/gate";
import { CommandFailed, flag, parse, requireOpt, stringOpt, UsageError } from "../args";
import { callConsole, origin, withConsole, type PipelineAnswer } from "../console";

export const PROFILE_HELP = `
Usage:
  cellgate profile promote SLUG [--to STAGE] [--apply] [--json]
  cellgate profile rollback SLUG --reason TEXT [--apply] [--json]

promote: evaluate the governance gate for moving the profile one canary
stage up (deploy_only → read_only → limited → promoted) and print every
item, met or not. With --apply, ask for the promotion: a request that fails
the gate is refused with the unmet items (and a receipt, exit 1); one that
passes waits in the approval queue as a governance.promote job (one
approver, two for L4–L5, never you).

rollback: move the profile to rolled_back, to its registered rollback
target, at once (no approval: stopping is always allowed). Prints what it
would do; --apply does it.

Needs canary.promote / canary.rollback (operators and tenant admins of the
profile's tenant). Console: CELLGATE_URL and CELLGATE_TOKEN, else what
\`cellgate login\` stored.
`;

interface GateAnswer {
  passed: boolean;
  from: string;
  to: string;
  approvalsRequired: number;
  items: GateItem[];
  unmet: GateItem[];
  snapshotHash: string;
  snapshot: { profile: { rollback: { endpoint: string | null; manifestDigest: string | null } } };
}

function printGate(gate: GateAnswer, title: string): void {
  const lines = gate.items.map((i) => `  ${i.met ? "✓" : "✗"} ${i.detail}`);
  const verdict = gate.passed
    ? `Gate passes: the promotion needs ${gate.approvalsRequired} approval${gate.approvalsRequired === 1 ? "" : "s"}.`
    : `Gate refuses: ${gate.unmet.length} item${gate.unmet.length === 1 ? "" : "s"} unmet.`;
  process.stdout.write(`${title}\n${lines.join("\n")}\n${verdict}\n`);
}

export async function profileCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${PROFILE_HELP.trim()}\n`);
    return;
  }
  if (sub !== "promote" && sub !== "rollback") {
    throw new UsageError(sub ? `unknown profile subcommand ${sub}` : "missing subcommand", PROFILE_HELP);
  }
  const parsed = parse(rest, { apply: { type: "boolean" }, json: { type: "boolean" }, to: { type: "string" }, reason: { type: "string" } }, PROFILE_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const slug = parsed.positionals[0]!;
  const apply = flag(parsed, "apply");
  const json = flag(parsed, "json");
  const base = `/api/v1/profiles/${encodeURIComponent(slug)}`;
  const reason = sub === "rollback" ? requireOpt(parsed, "reason", PROFILE_HELP) : undefined;
  const to = stringOpt(parsed, "to");

  await withConsole(async (credentials) => {
    const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    if (!apply) {
      const answer = await callConsole<PipelineAnswer<{ gate: GateAnswer; pending: { jobId: string; to: string } | null }>>(credentials, "POST", `${base}/promote-plan`, to ? { to } : {});
      if (json) return print(answer.data);
      const { gate, pending } = answer.data;
      if (sub === "rollback") {
        const target = gate.snapshot.profile.rollback;
        process.stdout.write(
          `profile rollback ${slug} → ${credentials.url} (dry run)\n  ${gate.from} → rolled_back, to ${target.endpoint ?? "(no endpoint registered)"} (${target.manifestDigest ?? "no manifest digest"})\n  reason: ${reason}\nNothing changed: add --apply to roll back.\n`,
        );
        return;
      }
      printGate(gate, `profile promote ${slug} → ${credentials.url} (dry run)`);
      if (pending) process.stdout.write(`A promotion to ${pending.to} already waits for approval: job ${pending.jobId}.\n`);
      return;
    }
    if (sub === "rollback") {
      const answer = await callConsole<PipelineAnswer<{ from: string; target: { endpoint: string }; voided: string[] }>>(credentials, "POST", `${base}/rollback`, { reason, origin: origin() });
      if (json) return print(answer);
      process.stdout.write(
        `Rolled back ${slug}: ${answer.data.from} → rolled_back, to ${answer.data.target.endpoint}${answer.data.voided.length ? ` (${answer.data.voided.length} pending promotion voided)` : ""}\nReceipt ${answer.receipt?.id}, audit seq ${answer.receipt?.auditSeq ?? "pending seal"} (as ${answer.actor.email}, token ${answer.receipt?.tokenId})\n`,
      );
      return;
    }
    type Outcome = { outcome: "refused"; gate: GateAnswer } | { outcome: "requested"; gate: GateAnswer; jobId: string; approvalsNeeded: number; expiresAt: string };
    const answer = await callConsole<PipelineAnswer<Outcome>>(credentials, "POST", `${base}/promote`, { ...(to ? { to } : {}), origin: origin() });
    if (json) print(answer);
    else printGate(answer.data.gate, `profile promote ${slug} → ${credentials.url}`);
    const receipt = `receipt ${answer.receipt?.id}, audit seq ${answer.receipt?.auditSeq ?? "pending seal"} (as ${answer.actor.email})`;
    if (answer.data.outcome === "refused") throw new CommandFailed(`promotion refused by the gate; ${receipt}`);
    if (!json) {
      process.stdout.write(
        `Requested: job ${answer.data.jobId} waits for ${answer.data.approvalsNeeded} approval${answer.data.approvalsNeeded === 1 ? "" : "s"} until ${answer.data.expiresAt}; ${receipt}\n`,
      );
    }
  });
}
