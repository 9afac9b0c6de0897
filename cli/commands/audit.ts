import fs from "node:fs";
import { checkpointShapeError } from "@/lib/domain/checkpoint";
import { latestCheckpoint, publicCheckpoint, takeCheckpoint } from "@/lib/server/checkpoints";
import { env } from "@/lib/env";
import { verifyAuditLogAndCheckpoints } from "@/lib/server/checkpoints/full-verify";
import { CommandFailed, flag, parse, stringOpt, UsageError } from "../args";
import { DB_HELP, userPath, withDatabase } from "../context";

export const AUDIT_HELP = `
Usage: cellgate audit verify [--checkpoint FILE] [--json]
       cellgate audit checkpoint [--apply] [--json]
       cellgate audit export-checkpoint [--out FILE]

verify             Recompute the audit chain from the database: every entry's
                   hash, its link to the previous entry, gapless sequence
                   numbers and the chain head (so a removed tail is detected).
                   Then every stored signed checkpoint: its signature (platform
                   key), its head hash and its Merkle tree root recomputed from
                   the log. Exit 0 with "audit chain OK: N entries", or exit 1
                   with "audit chain BROKEN at entry <seq>: <why>".
  --checkpoint FILE  also check a checkpoint exported earlier (kept outside
                   the database): detects a tail rewritten together with the
                   stored checkpoints.
checkpoint         Take a signed checkpoint of the log now (dry run without
                   --apply). The console takes one every
                   CELLGATE_CHECKPOINT_INTERVAL_SEC seconds.
export-checkpoint  Write the latest signed checkpoint as JSON (to FILE, or
                   standard output), to keep outside the console.

${DB_HELP}
`;

export async function auditCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${AUDIT_HELP.trim()}\n`);
    return;
  }
  if (sub === "verify") return verify(rest);
  if (sub === "checkpoint") return checkpoint(rest);
  if (sub === "export-checkpoint") return exportCheckpoint(rest);
  throw new UsageError(sub ? `unknown audit subcommand ${sub}` : "missing subcommand", AUDIT_HELP);
}

async function verify(argv: string[]): Promise<void> {
  const parsed = parse(argv, { json: { type: "boolean" }, checkpoint: { type: "string" } }, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const file = stringOpt(parsed, "checkpoint");
  const external = file === undefined ? undefined : readCheckpointFile(file);
  const parallelUrl = env().DATABASE_URL; // PostgreSQL: the chain is walked by one worker thread per core
  const result = await withDatabase((database) => verifyAuditLogAndCheckpoints(database.sql, { external, parallelUrl }));
  if (flag(parsed, "json")) process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.ok) {
    process.stdout.write(`audit chain BROKEN at entry ${result.seq}: ${result.reason}\n`);
    throw new CommandFailed("");
  }
  if (flag(parsed, "json")) return;
  process.stdout.write(`audit chain OK: ${result.entries} entries\n`);
  if (result.latestCheckpoint) {
    const l = result.latestCheckpoint;
    process.stdout.write(`signed checkpoints OK: ${result.checkpoints} (latest #${l.id} at seq ${l.seq}, ${l.time})\n`);
  } else {
    process.stderr.write("note: no signed checkpoint in the database yet (run `cellgate audit checkpoint --apply`)\n");
  }
  if (result.external) process.stdout.write(`checkpoint file OK: the log still matches seq ${result.external.seq} signed ${result.external.time}\n`);
}

function readCheckpointFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(userPath(file), "utf8");
  } catch (error) {
    throw new CommandFailed(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CommandFailed(`${file} is not JSON`);
  }
  const problem = checkpointShapeError(value);
  if (problem) throw new CommandFailed(`${file}: ${problem}`);
  return value;
}

async function checkpoint(argv: string[]): Promise<void> {
  const parsed = parse(argv, { apply: { type: "boolean" }, json: { type: "boolean" } }, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const json = flag(parsed, "json");
  const text = await withDatabase(async (database) => {
    if (flag(parsed, "apply")) {
      const c = publicCheckpoint(await takeCheckpoint(database));
      if (json) return JSON.stringify({ applied: true, checkpoint: c }, null, 2);
      return `Checkpoint taken: seq ${c.seq}, head ${c.headHash}, tree root ${c.treeRoot}, ${c.time}, key ${c.keyId}`;
    }
    const heads = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
    const seq = Number(heads[0]?.seq ?? 0);
    const last = await latestCheckpoint(database.sql);
    if (json) return JSON.stringify({ applied: false, seq, latest: last && publicCheckpoint(last) }, null, 2);
    const latest = last ? `the latest checkpoint is at seq ${last.seq} (${last.time})` : "no checkpoint was taken yet";
    return `Plan: sign a checkpoint of the log at seq ${seq}; ${latest}.\nDry run: nothing was changed. Re-run with --apply to take it.`;
  });
  process.stdout.write(`${text}\n`);
}

async function exportCheckpoint(argv: string[]): Promise<void> {
  const parsed = parse(argv, { out: { type: "string" } }, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const latest = await withDatabase((database) => latestCheckpoint(database.sql));
  if (!latest) throw new CommandFailed("no signed checkpoint yet: take one with `cellgate audit checkpoint --apply`");
  const json = `${JSON.stringify(publicCheckpoint(latest), null, 2)}\n`;
  const out = stringOpt(parsed, "out");
  if (out === undefined) {
    process.stdout.write(json);
    return;
  }
  try {
    fs.writeFileSync(userPath(out), json, { mode: 0o644 });
  } catch (error) {
    throw new CommandFailed(`cannot write ${out} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  process.stdout.write(`Wrote checkpoint seq ${latest.seq} (${latest.time}) to ${out}\n`);
}
