import { env } from "@/lib/env";
import { seedDemo } from "@/lib/server/demo-seed";
import { flag, parse, UsageError } from "../args";
import { DB_HELP, describeDatabase, withDatabase } from "../context";

export const DEMO_HELP = `
Usage: cellgate demo seed [--apply]

Fill an EMPTY database (no tenants) with demo data: tenants acme, globex and
initech, 40+ profiles, hosts with Ed25519 keys, tier-control evidence, one
user per role per tenant (<role>@<tenant>.demo) and admin@cellgate.demo.
All demo users share one password: CELLGATE_DEMO_PASSWORD when set, else a
generated one printed once. A database that already has tenants is left
alone ("already seeded"). Nothing changes without --apply.

${DB_HELP}
`;

export async function demoCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${DEMO_HELP.trim()}\n`);
    return;
  }
  if (sub !== "seed") throw new UsageError(sub ? `unknown demo subcommand ${sub}` : "missing subcommand", DEMO_HELP);
  const parsed = parse(rest, { apply: { type: "boolean" } }, DEMO_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const apply = flag(parsed, "apply");
  await withDatabase(async (database) => {
    const result = await seedDemo(database, { apply, password: env().CELLGATE_DEMO_PASSWORD });
    if (result.status === "already-seeded") {
      process.stdout.write(`already seeded: ${describeDatabase()} has tenants; nothing was changed\n`);
      return;
    }
    const { counts } = result;
    process.stdout.write(
      `Demo data → ${describeDatabase()}: ${counts.tenants} tenants, ${counts.profiles} profiles, ${counts.hosts} hosts, ${counts.keys} keys, ${counts.users} users\n`,
    );
    if (result.status === "planned") {
      process.stdout.write("Dry run: nothing was changed. Re-run with --apply to seed.\n");
      return;
    }
    process.stdout.write(`Seeded: receipt ${result.receiptId}, audit seq ${result.auditSeq ?? "pending seal"}\n\nDemo sign-in (password shared by every demo user):\n`);
    process.stdout.write(`  password: ${result.password}${result.passwordGenerated ? "   (generated; shown only now — set CELLGATE_DEMO_PASSWORD to choose one)" : "   (from CELLGATE_DEMO_PASSWORD)"}\n`);
    for (const user of result.users) process.stdout.write(`  ${user.email.padEnd(28)} ${user.role}\n`);
  });
}
