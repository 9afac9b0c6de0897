import fs from "node:fs";
import type { RegistryPlan } from "@/lib/domain/registry/plan-types";
import { CommandFailed, flag, parse, UsageError } from "../args";
import { callConsole, ConsoleProblem, origin, withConsole, type PipelineAnswer } from "../console";
import { userPath } from "../context";
import { printApplied, printPlan } from "../print-plan";

export const REGISTRY_HELP = `
Usage: cellgate registry sync FILE [--apply] [--json]

Send a registry manifest (YAML, see docs/registry-manifest.md) to the
console and print its plan: + create, ~ update (with field changes),
= unchanged, - revoke/unbind. Profiles missing from the manifest are kept.
Nothing changes without --apply; --apply makes every change in one
transaction with one receipt, as the owner of the API token you logged in
with (\`cellgate login\`), who needs registry.write in every tenant the plan
touches (creating a tenant needs a platform admin).

Options:
  --apply         make the changes
  --json          print the plan (and receipt) as JSON

Console: CELLGATE_URL and CELLGATE_TOKEN, else what \`cellgate login\` stored.
`;

export async function registryCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === undefined) {
    if (sub === undefined) throw new UsageError("missing subcommand", REGISTRY_HELP);
    process.stdout.write(`${REGISTRY_HELP.trim()}\n`);
    return;
  }
  if (sub !== "sync") throw new UsageError(`unknown registry subcommand ${sub}`, REGISTRY_HELP);
  const parsed = parse(rest, { apply: { type: "boolean" }, json: { type: "boolean" } }, REGISTRY_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const file = parsed.positionals[0]!;
  const apply = flag(parsed, "apply");
  const json = flag(parsed, "json");
  const manifest = readText(file);

  await withConsole(async (credentials) => {
    const title = `Registry sync ${file} → ${credentials.url}${apply ? "" : " (dry run)"}`;
    const body = { manifest, file, origin: origin() };
    try {
      const answer = await callConsole<PipelineAnswer<{ plan: RegistryPlan }>>(credentials, "POST", apply ? "/api/v1/registry/apply" : "/api/v1/registry/plan", body);
      if (apply) printApplied(answer, { json, title });
      else printPlan(answer.data.plan, { json, title });
    } catch (error) {
      const lines = error instanceof ConsoleProblem && error.status === 400 ? error.problem.errors?.manifest : undefined;
      if (!lines) throw error;
      for (const line of lines) process.stderr.write(`${file}:${line}\n`);
      throw new CommandFailed(`${file}: ${lines.length} error(s); nothing was changed`);
    }
  });
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(userPath(file), "utf8");
  } catch (error) {
    throw new CommandFailed(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
