import fs from "node:fs";
import { Ed25519KeyError, publicKeyFromRaw } from "@/lib/domain/http-signatures/ed25519-keys";
import { verifyPacket, type PacketSummary } from "@/lib/domain/packet";
import { CommandFailed, parse, stringOpt, UsageError } from "../args";
import { userPath } from "../context";

export const PACKET_HELP = `
Usage: cellgate packet verify FILE [--public-key BASE64|@FILE] [--witness-key VKEY|@FILE …] [--json]

Verify an evidence packet offline, with nothing but the file: the archive
structure, the manifest signature, every member's SHA-256 and size, every
audit entry's hash, every Merkle inclusion proof against the signed
checkpoint, the checkpoints' signatures and consistency, and that every
entry lies in the packet's scope and time range. No database is opened.

  --public-key KEY   pin the platform public key: base64 of the raw 32-byte
                     Ed25519 key, or @FILE holding that text (or a
                     platform-key.json). Without it the packet is checked
                     against the key it carries.
  --witness-key VKEY require a cosignature by this witness (its C2SP verifier
                     key, as \`cellgate witness keygen\` printed it, or @FILE
                     holding it) on a checkpoint whose tree holds every entry
                     of the packet; repeat for several witnesses.
  --json             print the full result as JSON

Exit 0 when the packet verifies, 1 when anything fails (each problem named).
Format: docs/evidence-packet.md.
`;

export async function packetCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${PACKET_HELP.trim()}\n`);
    return;
  }
  if (sub !== "verify") throw new UsageError(sub ? `unknown packet subcommand ${sub}` : "missing subcommand", PACKET_HELP);
  const parsed = parse(rest, { "public-key": { type: "string" }, "witness-key": { type: "string", multiple: true }, json: { type: "boolean" } }, PACKET_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const file = parsed.positionals[0]!;
  const pinned = pinnedKey(stringOpt(parsed, "public-key"));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(userPath(file));
  } catch (error) {
    throw new CommandFailed(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const witnessKeys = ((parsed.values["witness-key"] as string[] | undefined) ?? []).map(witnessKey);
  const result = verifyPacket(bytes, { ...(pinned === undefined ? {} : { pinnedPublicKey: pinned }), witnessKeys });
  if (parsed.values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else if (result.ok && result.summary) {
    process.stdout.write(`evidence packet OK: ${file}\n${describe(result.summary)}`);
  } else {
    const lines = result.failures.map((f) => `  ${f.member ? `${f.member}: ` : ""}${f.message}\n`).join("");
    process.stdout.write(`evidence packet FAILED: ${file} (${result.failures.length} problem${result.failures.length === 1 ? "" : "s"})\n${lines}`);
    if (result.summary) process.stdout.write(`\nWhat the packet claims (NOT verified):\n${describe(result.summary)}`);
  }
  if (!result.ok) throw new CommandFailed("");
}

/** --witness-key value: the vkey text, or read from @FILE. */
function witnessKey(value: string): string {
  if (!value.startsWith("@")) return value.trim();
  try {
    return fs.readFileSync(userPath(value.slice(1)), "utf8").trim();
  } catch (error) {
    throw new UsageError(`cannot read the witness key file ${value.slice(1)} (${(error as NodeJS.ErrnoException).code ?? "error"})`, PACKET_HELP);
  }
}

/** --public-key value → raw key bytes; a usage error when it is not an Ed25519 key. */
function pinnedKey(value: string | undefined): Uint8Array | undefined {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith("@")) {
    try {
      text = fs.readFileSync(userPath(value.slice(1)), "utf8").trim();
    } catch (error) {
      throw new UsageError(`cannot read the public key file ${value.slice(1)} (${(error as NodeJS.ErrnoException).code ?? "error"})`, PACKET_HELP);
    }
    if (text.startsWith("{")) {
      try {
        const doc = JSON.parse(text) as { publicKey?: unknown };
        if (typeof doc.publicKey === "string") text = doc.publicKey;
      } catch {
        throw new UsageError(`the public key file ${value.slice(1)} is neither base64 nor JSON with a publicKey`, PACKET_HELP);
      }
    }
  }
  try {
    publicKeyFromRaw(text);
  } catch (error) {
    if (error instanceof Ed25519KeyError) throw new UsageError(`--public-key: ${error.message}`, PACKET_HELP);
    throw error;
  }
  return new Uint8Array(Buffer.from(text.trim(), "base64"));
}

function witnesses(s: PacketSummary): string {
  if (s.witnessed?.length) return s.witnessed.map((w) => `${w.witness} cosigned tree size ${w.treeSize} at ${w.cosignedAt} (verified)`).join("; ");
  if (s.cosigners.length) return `${[...new Set(s.cosigners.map((c) => c.name))].join(", ")} (not checked: pass --witness-key to require them)`;
  return "none";
}

function describe(s: PacketSummary): string {
  const scope = `tenant ${s.scope.tenant.slug} (${s.scope.tenant.id})${s.scope.profile ? `, profile ${s.scope.profile.slug} (${s.scope.profile.id})` : ""}`;
  const cp = s.checkpoint;
  const entries = s.entries.count === 0 ? "none" : `${s.entries.count} (seq ${s.entries.firstSeq}–${s.entries.lastSeq}): hashes recomputed, inclusion proofs verified`;
  return [
    `  scope:        ${scope}`,
    `  time range:   ${s.scope.from} – ${s.scope.to}`,
    `  created:      ${s.createdAt}`,
    `  signed by:    ${s.keyId}${s.pinned ? " (the pinned key)" : " (key carried in the packet; pin it with --public-key)"}`,
    `  checkpoint:   ${cp ? `log size ${cp.seq}, tree root ${cp.treeRoot}, taken ${cp.time}` : "invalid"}`,
    `  entries:      ${entries}`,
    `  earlier checkpoints: ${s.earlierCheckpoints}`,
    `  witnesses:    ${witnesses(s)}`,
    `  passkeys:     ${s.signedVotes} vote${s.signedVotes === 1 ? "" : "s"} and ${s.signedSwitches} kill-switch change${s.signedSwitches === 1 ? "" : "s"} signed with a passkey, each assertion verified`,
    `  records:      ${s.records.decisions} decisions, ${s.records.approvals} approvals, ${s.records.killSwitches} kill-switch records, ${s.records.stageChanges} stage changes, ${s.policies} policy versions`,
    "",
  ].join("\n");
}
