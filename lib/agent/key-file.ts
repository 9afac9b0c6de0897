/**
 * The host's private key file (PKCS#8 PEM, mode 0600) and the registry
 * manifest snippet that registers its public half.
 */
import { type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generateEd25519Key, privateKeyFromPem } from "@/lib/domain/http-signatures";
import { HOST_ID_PATTERN, SLUG_PATTERN } from "@/lib/domain/registry/manifest-schema";

export class AgentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AgentConfigError";
  }
}

export interface GeneratedKeyFile {
  file: string;
  keyId: string;
  publicKeyBase64: string;
}

/** `<host>-<yyyy>-<mm>` (or `host-<yyyy>-<mm>` without a host). */
export function defaultKeyId(host: string | undefined, now: Date): string {
  const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
  return `${host ?? "host"}-${month}`;
}

/** Writes a new key pair's private half to `file` (0600); refuses to overwrite unless `force`. */
export function writeKeyFile(file: string, options: { keyId: string; force?: boolean }): GeneratedKeyFile {
  if (!HOST_ID_PATTERN.test(options.keyId)) throw new AgentConfigError(`key id "${options.keyId}" must be letters, digits, '.', '_' or '-'`);
  const { privateKeyPem, publicKeyBase64 } = generateEd25519Key();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (options.force) fs.rmSync(file, { force: true });
  let fd: number;
  try {
    fd = fs.openSync(file, "wx", 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") throw new AgentConfigError(`${file} already exists (use --force to replace it)`);
    throw new AgentConfigError(`cannot create ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    fs.writeSync(fd, privateKeyPem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(file, 0o600); // in case a umask or an existing ACL widened it
  return { file, keyId: options.keyId, publicKeyBase64 };
}

/** Reads a PKCS#8 PEM Ed25519 private key; warns (via `warn`) when others may read it. */
export function readKeyFile(file: string, warn: (message: string) => void = () => undefined): KeyObject {
  let pem: string;
  try {
    pem = fs.readFileSync(file, "utf8");
    const mode = fs.statSync(file).mode & 0o777;
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      warn(`key file ${file} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    }
  } catch (error) {
    throw new AgentConfigError(`cannot read key file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return privateKeyFromPem(pem);
  } catch (error) {
    throw new AgentConfigError(`key file ${file}: ${(error as Error).message}`);
  }
}

/** A `hosts:` entry for the registry manifest (`cellgate registry sync`). */
export function manifestSnippet(input: { host: string; keyId: string; publicKeyBase64: string; profiles: string[] }): string {
  if (!HOST_ID_PATTERN.test(input.host)) throw new AgentConfigError(`host "${input.host}" must be letters, digits, '.', '_' or '-'`);
  for (const slug of input.profiles) {
    if (!SLUG_PATTERN.test(slug)) throw new AgentConfigError(`profile "${slug}" is not a slug`);
  }
  return [
    "hosts:",
    `  - id: ${input.host}`,
    `    profiles: [ ${input.profiles.join(", ")} ]`,
    "    keys:",
    `      - { id: ${input.keyId}, publicKey: "${input.publicKeyBase64}" }`,
    "",
  ].join("\n");
}
