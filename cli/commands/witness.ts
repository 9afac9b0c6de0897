/**
 * `cellgate witness`: a small standalone witness of the console's audit log,
 * meant to run on another machine, by another team, with its own key and its
 * own state file. Each round it fetches the latest checkpoint (a C2SP signed
 * note), checks the log's signature with the key it pinned at first contact,
 * checks that the tree is an append-only extension of the last one it
 * cosigned (RFC 9162 consistency proof from the console), records the new
 * tree in its state file, and posts its cosignature back. A log that shrank
 * or was rewritten is refused: nothing is cosigned, the alert names both
 * tree sizes, and the command exits 3.
 */
import type { KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readKeyFile, writeKeyFile } from "@/lib/agent/key-file";
import { COSIGNATURE_V1, cosignNote, formatNote, NOTE_ED25519, NoteError, parseVerifierKey, verifierKey, type VerifierKey } from "@/lib/domain/checkpoint/note";
import { checkConsistency, checkFetchedNote, WitnessRefusal, type WitnessState } from "@/lib/domain/checkpoint/witness";
import { CommandFailed, flag, parse, requireOpt, stringOpt, UsageError } from "../args";
import { callConsole, ConsoleProblem, consoleCredentials, describeProblem, fetchConsoleText, type Credentials, type PipelineAnswer } from "../console";
import { userPath } from "../context";

export const WITNESS_HELP = `
Usage: cellgate witness keygen --name NAME --out FILE [--force]
       cellgate witness run --name NAME --key FILE --state FILE [--log-key VKEY] [--once] [--interval SEC]

keygen   Write a new Ed25519 private key for this witness (PKCS#8 PEM, mode
         0600) and print its verifier key (cosignature/v1), the line auditors
         give \`packet verify --witness-key\`.
  --name NAME   the witness's key name, a schema-less URL such as
                witness.example.com/audit (no spaces, no "+").
run      Witness the console's log: fetch GET /api/v1/checkpoints/latest (a
         C2SP signed note), check the log's signature, check consistency with
         the last tree this witness cosigned (GET /api/v1/checkpoints/
         consistency), save the new tree to --state, then post the
         cosignature (POST /api/v1/checkpoints/cosignatures; the token needs
         audit.witness: an auditor's or a platform admin's).
  --state FILE  the witness's own memory (JSON): the log's origin and key
                pinned at first contact, and the last tree it cosigned.
                Keep it; a witness that loses it forgets what it vouched for.
  --log-key VKEY  the log's verifier key to pin (GET /api/v1/platform-key
                shows it as logKey). Without it, the first run pins the key
                the console serves, and says so.
  --once        one round, then exit (for cron); default: a round every
                --interval seconds (default 60) until stopped.
Exit codes: 0 ok, 1 failure (console unreachable, bad key …), 2 usage error,
3 the log is not append-only: nothing was cosigned (the alert is on stderr).

Console: CELLGATE_URL and CELLGATE_TOKEN, else what \`cellgate login\` stored.
`;

export async function witnessCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${WITNESS_HELP.trim()}\n`);
    return;
  }
  if (sub === "keygen") return keygen(rest);
  if (sub === "run") return run(rest);
  throw new UsageError(sub ? `unknown witness subcommand ${sub}` : "missing subcommand", WITNESS_HELP);
}

function checkedName(name: string): string {
  try {
    verifierKey(name, COSIGNATURE_V1, Buffer.alloc(32));
  } catch (error) {
    if (error instanceof NoteError) throw new UsageError(`--name: ${error.message}`, WITNESS_HELP);
    throw error;
  }
  return name;
}

function keygen(argv: string[]): void {
  const parsed = parse(argv, { name: { type: "string" }, out: { type: "string" }, force: { type: "boolean" } }, WITNESS_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const name = checkedName(requireOpt(parsed, "name", WITNESS_HELP));
  const file = userPath(requireOpt(parsed, "out", WITNESS_HELP));
  let written;
  try {
    written = writeKeyFile(file, { keyId: "witness", force: flag(parsed, "force") });
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
  const vkey = verifierKey(name, COSIGNATURE_V1, Buffer.from(written.publicKeyBase64, "base64"));
  process.stdout.write(`private key written to ${file} (mode 0600) — keep it with this witness only\nverifier key: ${vkey}\n`);
}

interface Witness {
  name: string;
  key: KeyObject;
  vkey: string;
  stateFile: string;
  pinnedLogKey?: string;
}

async function run(argv: string[]): Promise<void> {
  const options = {
    name: { type: "string" },
    key: { type: "string" },
    state: { type: "string" },
    "log-key": { type: "string" },
    once: { type: "boolean" },
    interval: { type: "string" },
  } as const;
  const parsed = parse(argv, options, WITNESS_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const name = checkedName(requireOpt(parsed, "name", WITNESS_HELP));
  const keyFile = userPath(requireOpt(parsed, "key", WITNESS_HELP));
  let key;
  try {
    key = readKeyFile(keyFile, (message) => process.stderr.write(`cellgate: warning: ${message}\n`));
  } catch (error) {
    throw new CommandFailed((error as Error).message);
  }
  const witness: Witness = {
    name,
    key,
    vkey: verifierKey(name, COSIGNATURE_V1, key),
    stateFile: userPath(requireOpt(parsed, "state", WITNESS_HELP)),
    pinnedLogKey: stringOpt(parsed, "log-key"),
  };
  const interval = Number(stringOpt(parsed, "interval") ?? 60);
  if (!Number.isFinite(interval) || interval < 1) throw new UsageError("--interval must be a number of seconds ≥ 1", WITNESS_HELP);
  const credentials = consoleCredentials();
  if (flag(parsed, "once")) return round(credentials, witness);
  for (;;) {
    try {
      await round(credentials, witness);
    } catch (error) {
      // A refusal ends the witness (exit 3); a console that is down is retried next round.
      if (error instanceof CommandFailed && error.exitCode === 3) throw error;
      process.stderr.write(`cellgate: witness round failed, retrying in ${interval} s: ${(error as Error).message}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval * 1000));
  }
}

function readState(file: string): WitnessState | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CommandFailed(`cannot read the witness state ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  try {
    const state = JSON.parse(text) as WitnessState;
    if (typeof state.origin !== "string" || typeof state.logKey !== "string" || !Number.isSafeInteger(state.size) || typeof state.rootHex !== "string") throw new Error("fields");
    return state;
  } catch {
    throw new CommandFailed(`the witness state ${file} is damaged (not the JSON this witness writes); restore it from a backup rather than starting over`);
  }
}

/** Written to a temporary file, synced, then renamed over the old state: never half a state. */
function writeState(file: string, state: WitnessState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, "w", 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

async function logKeyFor(credentials: Credentials, witness: Witness, state: WitnessState | null): Promise<VerifierKey> {
  let text = state?.logKey;
  if (witness.pinnedLogKey) {
    if (text && text !== witness.pinnedLogKey.trim()) {
      throw new CommandFailed(`--log-key is not the log key this witness pinned in ${witness.stateFile} (${text}); refusing to switch logs silently`, 3);
    }
    text = witness.pinnedLogKey.trim();
  }
  if (!text) {
    const served = await callConsole<{ logKey?: string }>(credentials, "GET", "/api/v1/platform-key");
    if (!served.logKey) throw new CommandFailed(`${credentials.url} serves no log key (GET /api/v1/platform-key); pass --log-key`);
    text = served.logKey;
    process.stderr.write(`cellgate: first contact: pinning the log key the console serves (${text}); pass --log-key to pin one you obtained elsewhere\n`);
  }
  try {
    const key = parseVerifierKey(text);
    if (key.type !== NOTE_ED25519) throw new NoteError("the log key must be an Ed25519 note key (type 0x01)");
    return key;
  } catch (error) {
    if (error instanceof NoteError) throw new CommandFailed(`log key: ${error.message}`);
    throw error;
  }
}

async function round(credentials: Credentials, witness: Witness): Promise<void> {
  try {
    const state = readState(witness.stateFile);
    const logKey = await logKeyFor(credentials, witness, state);
    const note = await fetchConsoleText(credentials, "/api/v1/checkpoints/latest");
    const fetched = checkFetchedNote(note, logKey, state);
    if (fetched.needs.kind === "proof") {
      const answer = await callConsole<PipelineAnswer<{ proof: string[] }>>(
        credentials,
        "GET",
        `/api/v1/checkpoints/consistency?from=${fetched.needs.from}&to=${fetched.size}`,
      );
      checkConsistency(fetched, answer.data.proof);
    }
    const now = new Date();
    // The witness's promise is recorded before it is published: after a
    // crash it still refuses any tree inconsistent with what it cosigned.
    writeState(witness.stateFile, { origin: fetched.origin, logKey: verifierKey(logKey.name, NOTE_ED25519, logKey.publicKey), size: fetched.size, rootHex: fetched.rootHex, cosignedAt: now.toISOString() });
    const line = cosignNote(fetched.body, witness.name, witness.key, Math.floor(now.getTime() / 1000));
    const posted = await callConsole<PipelineAnswer<{ created: boolean; checkpoint: { seq: number } }>>(credentials, "POST", "/api/v1/checkpoints/cosignatures", {
      note: formatNote(fetched.body, [line]),
      vkey: witness.vkey,
    });
    const what = fetched.needs.kind === "proof" ? `consistent with tree size ${fetched.needs.from}` : fetched.needs.kind === "same" ? "unchanged" : "first tree seen";
    process.stdout.write(
      `cosigned tree size ${fetched.size} of ${fetched.origin} (${what})${posted.data.created ? "" : "; the console already had this witness's cosignature"}${posted.receipt ? ` — receipt ${posted.receipt.id}` : ""}\n`,
    );
  } catch (error) {
    if (error instanceof WitnessRefusal) throw new CommandFailed(`ALERT: refusing to cosign: ${error.message}`, 3);
    if (error instanceof ConsoleProblem) throw new CommandFailed(describeProblem(error, credentials));
    throw error;
  }
}
