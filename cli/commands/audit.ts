import { verifyAuditLog } from "@/lib/server/audit-verify";
import { CommandFailed, parse, UsageError } from "../args";
import { DB_HELP, withDatabase } from "../context";

export const AUDIT_HELP = `
Usage: cellgate audit verify [--json]

Recompute the audit chain from the database: every entry's hash, its link
to the previous entry, gapless sequence numbers, and the chain head (so a
removed tail is detected). Exit 0 with "audit chain OK: N entries", or exit 1
with "audit chain BROKEN at entry <seq>: <why>".

${DB_HELP}
`;

export async function auditCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${AUDIT_HELP.trim()}\n`);
    return;
  }
  if (sub !== "verify") throw new UsageError(sub ? `unknown audit subcommand ${sub}` : "missing subcommand", AUDIT_HELP);
  const parsed = parse(rest, { json: { type: "boolean" } }, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const result = await withDatabase((database) => verifyAuditLog(database.sql));
  if (parsed.values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  if (result.ok) {
    if (!parsed.values.json) process.stdout.write(`audit chain OK: ${result.entries} entries\n`);
    return;
  }
  process.stdout.write(`audit chain BROKEN at entry ${result.seq}: ${result.reason}\n`);
  throw new CommandFailed("");
}
