/**
 * `npx cellgate <command>` (bin/cellgate.mjs runs this with tsx).
 * Exit codes: 0 ok, 1 failure, 2 usage error.
 */
import { CommandFailed, UsageError } from "./args";
import { agentCommand } from "./commands/agent";
import { auditCommand } from "./commands/audit";
import { dbCommand } from "./commands/db";
import { demoCommand } from "./commands/demo";
import { hostCommand } from "./commands/host";
import { loginCommand, logoutCommand } from "./commands/login";
import { policyCommand } from "./commands/policy";
import { profileCommand } from "./commands/profile";
import { registryCommand } from "./commands/registry";

const HELP = `
Usage: cellgate <command> [options]     (every command answers --help)

Commands:
  db migrate [--apply]                          apply database migrations
  demo seed [--apply]                           seed an empty database with demo data
  admin create EMAIL [--name NAME]              create a platform admin (the first one) with a one-time password
  login --url URL | logout                      keep (or forget) the console's URL and your API token
  registry sync FILE [--apply]                  sync the registry from a YAML manifest, through the console
  host add|rotate|revoke HOST …                 register hosts, rotate and revoke keys, through the console
  policy test|apply FILE [--apply]              run policy tests; plan or activate a policy document
  profile promote|rollback SLUG …               the canary gate: ask to promote one stage, or roll back
  audit verify [--checkpoint FILE]              verify the audit chain and every signed checkpoint
  audit verify --database-url URL …             the same, read-only, straight from a (replica) database
  audit checkpoint [--apply]                    take a signed checkpoint now
  audit export-checkpoint [--out FILE]          write the latest signed checkpoint as JSON (keep it elsewhere)
  packet verify FILE [--public-key KEY]         verify an evidence packet offline (no database)
  witness keygen|run …                          an independent witness: check the log stayed append-only, cosign
  agent keygen|send|run|job …                   the reference host agent (signed ingest, jobs, directives)

Commands that change something print their plan and change nothing without --apply.
registry, host, policy, profile and audit talk to the console you logged in to (cellgate login),
or to CELLGATE_URL with CELLGATE_TOKEN; db, demo and admin use the database directly.
Exit codes: 0 ok, 1 failure, 2 usage error.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  db: dbCommand,
  admin: (argv) => import("./commands/admin").then((m) => m.adminCommand(argv)),
  login: loginCommand,
  logout: logoutCommand,
  demo: demoCommand,
  registry: registryCommand,
  host: hostCommand,
  policy: policyCommand,
  profile: profileCommand,
  audit: auditCommand,
  agent: agentCommand,
  packet: (argv) => import("./commands/packet").then((m) => m.packetCommand(argv)),
  witness: (argv) => import("./commands/witness").then((m) => m.witnessCommand(argv)),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(`${HELP.trim()}\n`);
      return command ? 0 : 2;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command ${command}`, HELP);
    await run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`cellgate: ${error.message}\n${error.help ? `\n${error.help.trim()}\n` : ""}`);
      return 2;
    }
    if (error instanceof CommandFailed) {
      if (error.message) process.stderr.write(`cellgate: ${error.message}\n`);
      return error.exitCode;
    }
    const known = describeKnownError(error);
    if (known) {
      process.stderr.write(`cellgate: ${known}\n`);
      return 1;
    }
    process.stderr.write(`cellgate: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

/** Environment, database and lock problems: a clear sentence, no stack trace. */
function describeKnownError(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  if (error.name === "DataDirLockedError" || error.name === "MigrationError") return error.message;
  if (error.message.startsWith("Invalid environment")) return error.message;
  const code = (error as { code?: string }).code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "28P01" || code === "3D000") {
    return `cannot use the database (${code}): ${error.message.split("\n")[0]}`;
  }
  return null;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cellgate: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
