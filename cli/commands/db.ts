import { applyMigrations, planMigrations } from "@/lib/migrate";
import { flag, parse, UsageError } from "../args";
import { DB_HELP, describeDatabase, withDatabase } from "../context";

export const DB_HELP_TEXT = `
Usage: cellgate db migrate [--apply]

List the migrations (prisma/migrations) the database has not applied yet;
with --apply, apply them in order, each in its own transaction.

${DB_HELP}
`;

export async function dbCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${DB_HELP_TEXT.trim()}\n`);
    return;
  }
  if (sub !== "migrate") throw new UsageError(sub ? `unknown db subcommand ${sub}` : "missing subcommand", DB_HELP_TEXT);
  const parsed = parse(rest, { apply: { type: "boolean" } }, DB_HELP_TEXT, { min: 0, max: 0 });
  if (!parsed) return;
  await withDatabase(
    async (database) => {
      const plan = await planMigrations(database.sql);
      process.stdout.write(`Migrations → ${describeDatabase()}: ${plan.applied.length} applied, ${plan.pending.length} pending\n`);
      for (const m of plan.pending) process.stdout.write(`  + ${m.name}\n`);
      if (plan.pending.length === 0) return;
      if (!flag(parsed, "apply")) {
        process.stdout.write("Dry run: nothing was changed. Re-run with --apply to apply them.\n");
        return;
      }
      const applied = await applyMigrations(database.sql);
      process.stdout.write(`Applied ${applied.length} migration(s).\n`);
    },
    { migrating: true },
  );
}
