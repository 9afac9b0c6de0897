/**
 * `npx cellgate <command>` (bin/cellgate.mjs runs this with tsx).
 * Exit codes: 0 ok, 1 failure, 2 usage error.
 */
import { RegistryError } from "@/lib/server/registry/errors";
import { CommandFailed, UsageError } from "./args";
import { agentCommand } from "./commands/agent";
import { auditCommand } from "./commands/audit";
import { dbCommand } from "./commands/db";
import { demoCommand } from "./commands/demo";
import { hostCommand } from "./commands/host";
import { policyCommand } from "./commands/policy";
import { registryCommand } from "./commands/registry";

const HELP = `
Usage: cellgate <command> [options]     (every command answers --help)

Commands:
  db migrate [--apply]                          apply database migrations
  demo seed [--apply]                           seed an empty database with demo data
  registry sync FILE [--apply] [--actor EMAIL]  sync the registry from a YAML manifest
  host add|rotate|revoke HOST …                 register hosts, rotate and revoke keys
  policy test|apply FILE [--apply] [--actor …]  run policy tests; plan or activate a policy document
  audit verify [--checkpoint FILE]              verify the audit chain and every signed checkpoint
  audit checkpoint [--apply]                    take a signed checkpoint now
  audit export-checkpoint [--out FILE]          write the latest signed checkpoint as JSON (keep it elsewhere)
  packet verify FILE [--public-key KEY]         verify an evidence packet offline (no database)
  agent keygen|send|run|job …                   the reference host agent (signed ingest, jobs, directives)

Commands that change something print their plan and change nothing without --apply.
Exit codes: 0 ok, 1 failure, 2 usage error.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = {
  db: dbCommand,
  demo: demoCommand,
  registry: registryCommand,
  host: hostCommand,
  policy: policyCommand,
  audit: auditCommand,
  agent: agentCommand,
  packet: (argv) => import("./commands/packet").then((m) => m.packetCommand(argv)),
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
    if (error instanceof CommandFailed || error instanceof RegistryError) {
      if (error.message) process.stderr.write(`cellgate: ${error.message}\n`);
      return 1;
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
