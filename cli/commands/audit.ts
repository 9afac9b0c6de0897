import fs from "node:fs";
import type { KeyObject } from "node:crypto";
import { checkpointShapeError, type SignedCheckpoint } from "@/lib/domain/checkpoint";
import { openDatabase } from "@/lib/db";
import { dataDir, env } from "@/lib/env";
import type { FullVerification } from "@/lib/server/checkpoints/full-verify";
import { CommandFailed, flag, parse, stringOpt, UsageError } from "../args";
import { callConsole, withConsole, type PipelineAnswer } from "../console";
import { userPath } from "../context";

export const AUDIT_HELP = `
Usage: cellgate audit verify [--checkpoint FILE] [--json]
       cellgate audit verify --database-url URL [--public-key B64|@FILE] [--checkpoint FILE] [--json]
       cellgate audit checkpoint [--apply] [--json]
       cellgate audit export-checkpoint [--out FILE]

verify             Recompute the audit chain: every entry's hash, its link to
                   the previous entry, gapless sequence numbers and the chain
                   head (so a removed tail is detected); then every stored
                   signed checkpoint: its signature (platform key), its head
                   hash and its Merkle tree root recomputed from the log.
                   Exit 0 with "audit chain OK: N entries", or exit 1 with
                   "audit chain BROKEN at entry <seq>: <why>".
                   By default the console you logged in to does it (needs
                   audit.verify). With --database-url it reads a PostgreSQL
                   database directly (a read replica, so an auditor need not
                   trust the console), never writes, and never creates a key:
                   the platform public key is --public-key, else
                   CELLGATE_PLATFORM_KEY, else the key file in
                   CELLGATE_DATA_DIR if there is one.
  --checkpoint FILE  also check a checkpoint exported earlier (kept outside
                   the database): detects a tail rewritten together with the
                   stored checkpoints.
checkpoint         Take a signed checkpoint of the log now (dry run without
                   --apply; a platform admin's token). The console takes one
                   every CELLGATE_CHECKPOINT_INTERVAL_SEC seconds anyway.
export-checkpoint  Write the latest signed checkpoint as JSON (to FILE, or
                   standard output), to keep outside the console.

Console: CELLGATE_URL and CELLGATE_TOKEN, else what \`cellgate login\` stored.
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
  const options = { json: { type: "boolean" }, checkpoint: { type: "string" }, "database-url": { type: "string" }, "public-key": { type: "string" } } as const;
  const parsed = parse(argv, options, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const file = stringOpt(parsed, "checkpoint");
  const external = file === undefined ? undefined : readCheckpointFile(file);
  const url = stringOpt(parsed, "database-url");
  if (stringOpt(parsed, "public-key") && !url) throw new UsageError("--public-key goes with --database-url (the console checks with its own key)", AUDIT_HELP);
  const result = url ? await verifyDirectly(url, stringOpt(parsed, "public-key"), external) : await verifyThroughConsole(external);
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
    process.stderr.write("note: no signed checkpoint yet (run `cellgate audit checkpoint --apply`)\n");
  }
  if (result.external) process.stdout.write(`checkpoint file OK: the log still matches seq ${result.external.seq} signed ${result.external.time}\n`);
}

function verifyThroughConsole(external: unknown): Promise<FullVerification> {
  return withConsole(async (credentials) => {
    const answer = await callConsole<PipelineAnswer<FullVerification>>(credentials, "POST", "/api/v1/audit/verify", external === undefined ? {} : { checkpoint: external });
    return answer.data;
  });
}

/** Read-only, straight from a PostgreSQL database (a replica): no console to trust, no key created. */
async function verifyDirectly(url: string, pinned: string | undefined, external: unknown): Promise<FullVerification> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError("--database-url must be a postgresql:// URL", AUDIT_HELP);
  const key = await platformPublicKey(pinned);
  // Every connection (and every worker's) is a read-only session: this command cannot write, whatever it runs.
  const readOnly = withReadOnlySessions(url);
  const database = await openDatabase({ url: readOnly, poolSize: 2 });
  try {
    const { verifyAuditLogAndCheckpoints } = await import("@/lib/server/checkpoints/full-verify");
    const { verifyAuditLogParallel } = await import("@/lib/server/audit-verify-parallel");
    // On four cores or more the chain is walked in stretches on worker threads (each its own read-only connection).
    const walkChain = (sql: typeof database.sql) => verifyAuditLogParallel(sql, { url: readOnly });
    return await verifyAuditLogAndCheckpoints(database.sql, { publicKey: key, external, walkChain });
  } finally {
    await database.close();
  }
}

/** The URL with `default_transaction_read_only=on` for every session it opens. */
export function withReadOnlySessions(url: string): string {
  const u = new URL(url);
  const options = u.searchParams.get("options");
  u.searchParams.set("options", `${options ? `${options} ` : ""}-c default_transaction_read_only=on`);
  return u.toString();
}

async function platformPublicKey(pinned: string | undefined): Promise<KeyObject> {
  // Loaded lazily: lib/server modules are only needed on this path.
  const { pinnedPlatformKey, readPlatformPublicKey } = await import("@/lib/server/platform-key");
  if (pinned) {
    let text = pinned;
    if (pinned.startsWith("@")) {
      try {
        text = fs.readFileSync(userPath(pinned.slice(1)), "utf8").trim();
      } catch (error) {
        throw new CommandFailed(`cannot read ${pinned.slice(1)} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
    }
    try {
      return pinnedPlatformKey(text).publicKey;
    } catch (error) {
      throw new CommandFailed(`--public-key: ${(error as Error).message}`);
    }
  }
  const found = readPlatformPublicKey({ ref: env().CELLGATE_PLATFORM_KEY, dataDir: dataDir() });
  if (!found) {
    throw new CommandFailed(
      `no platform public key to check the signed checkpoints with: pass --public-key B64|@FILE ` +
        `(the console serves it at GET /api/v1/platform-key), or set CELLGATE_PLATFORM_KEY; ` +
        `nothing was created in ${dataDir()}`,
    );
  }
  return found.publicKey;
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
  const text = await withConsole(async (credentials) => {
    if (flag(parsed, "apply")) {
      const answer = await callConsole<PipelineAnswer<SignedCheckpoint>>(credentials, "POST", "/api/v1/checkpoints", {});
      const c = answer.data;
      if (json) return JSON.stringify({ applied: true, checkpoint: c, receipt: answer.receipt }, null, 2);
      return `Checkpoint taken: seq ${c.seq}, head ${c.headHash}, tree root ${c.treeRoot}, ${c.time}, key ${c.keyId} (receipt ${answer.receipt?.id})`;
    }
    const plan = (await callConsole<PipelineAnswer<{ seq: number; latest: SignedCheckpoint | null }>>(credentials, "GET", "/api/v1/checkpoints")).data;
    if (json) return JSON.stringify({ applied: false, ...plan }, null, 2);
    const latest = plan.latest ? `the latest checkpoint is at seq ${plan.latest.seq} (${plan.latest.time})` : "no checkpoint was taken yet";
    return `Plan: sign a checkpoint of the log at seq ${plan.seq}; ${latest}.\nDry run: nothing was changed. Re-run with --apply to take it.`;
  });
  process.stdout.write(`${text}\n`);
}

async function exportCheckpoint(argv: string[]): Promise<void> {
  const parsed = parse(argv, { out: { type: "string" } }, AUDIT_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const latest = await withConsole(async (credentials) =>
    (await callConsole<PipelineAnswer<SignedCheckpoint>>(credentials, "GET", "/api/v1/checkpoints/latest")).data,
  );
  const json = `${JSON.stringify(latest, null, 2)}\n`;
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
