import fs from "node:fs";
import { formatManifestError, parseManifest } from "@/lib/domain/registry/parse-manifest";
import { applySync, planSync } from "@/lib/server/registry/sync";
import { CommandFailed, flag, parse, UsageError } from "../args";
import { ACTOR_HELP, actorEmail, DB_HELP, describeDatabase, origin, userPath, withDatabase } from "../context";
import { printApplied, printPlan } from "../print-plan";

export const REGISTRY_HELP = `
Usage: cellgate registry sync FILE [--apply] [--actor EMAIL] [--json]

Compare a registry manifest (YAML, see docs/registry-manifest.md) with the
database and print the plan: + create, ~ update (with field changes),
= unchanged, - revoke/unbind. Profiles missing from the manifest are kept.
Nothing changes without --apply; --apply makes every change in one
transaction with one receipt, as the named console user, who needs
registry.write in every tenant the plan touches (creating a tenant needs a
platform admin).

Options:
  --apply         make the changes
${ACTOR_HELP}
  --json          print the plan (and receipt) as JSON

${DB_HELP}
`;

export async function registryCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h" || sub === undefined) {
    if (sub === undefined) throw new UsageError("missing subcommand", REGISTRY_HELP);
    process.stdout.write(`${REGISTRY_HELP.trim()}\n`);
    return;
  }
  if (sub !== "sync") throw new UsageError(`unknown registry subcommand ${sub}`, REGISTRY_HELP);
  const parsed = parse(rest, { apply: { type: "boolean" }, actor: { type: "string" }, json: { type: "boolean" } }, REGISTRY_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const file = parsed.positionals[0]!;
  const apply = flag(parsed, "apply");
  const json = flag(parsed, "json");
  const email = apply ? actorEmail(parsed, REGISTRY_HELP) : undefined;

  let text: string;
  try {
    text = fs.readFileSync(userPath(file), "utf8");
  } catch (error) {
    throw new CommandFailed(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = parseManifest(text);
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(`${formatManifestError(file, e)}\n`);
    throw new CommandFailed(`${file}: ${result.errors.length} error(s); nothing was changed`);
  }
  const title = `Registry sync ${file} → ${describeDatabase()}${apply ? "" : " (dry run)"}`;
  await withDatabase(async (database) => {
    if (!email) return printPlan(await planSync(database, result.manifest), { json, title });
    printApplied(await applySync(database, result.manifest, { actorEmail: email, origin: origin(), file }), { json, title });
  });
}
