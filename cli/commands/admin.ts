import { AppError } from "@/lib/server/errors";
import { createPlatformAdmin } from "@/lib/server/admin-create";
import { CommandFailed, parse, stringOpt, UsageError } from "../args";
import { origin } from "../console";
import { DB_HELP, describeDatabase, withDatabase } from "../context";

export const ADMIN_HELP = `
Usage: cellgate admin create EMAIL [--name NAME]

Create a platform admin directly in the database (for the first one, when
nobody can yet sign in to create anyone) and print a one-time password,
shown only this once and stored only as a hash. The creation is audited.
Everything else a platform admin does goes through the console (sign in,
then create API tokens on the Tokens page for the CLI).

${DB_HELP}
`;

export async function adminCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${ADMIN_HELP.trim()}\n`);
    return;
  }
  if (sub !== "create") throw new UsageError(sub ? `unknown admin subcommand ${sub}` : "missing subcommand", ADMIN_HELP);
  const parsed = parse(rest, { name: { type: "string" } }, ADMIN_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const email = parsed.positionals[0]!;
  const created = await withDatabase(async (database) => {
    try {
      return await createPlatformAdmin(database, { email, name: stringOpt(parsed, "name"), origin: origin() });
    } catch (error) {
      if (error instanceof AppError) throw new CommandFailed(error.message);
      throw error;
    }
  });
  process.stdout.write(
    `Created platform admin ${created.email} in ${describeDatabase()} (receipt ${created.receipt.id}, audit seq ${created.receipt.auditSeq ?? "pending seal"}).\n` +
      `One-time password (shown only now): ${created.password}\n`,
  );
}
