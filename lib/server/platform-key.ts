import "server-only";
/**
 * The platform signing key (Ed25519): signs directives (and later audit
 * checkpoints and evidence packets).
 *
 * Source, in order:
 *  1. CELLGATE_PLATFORM_KEY — a secret reference ("file:/path" or "env:VAR",
 *     see lib/server/auth/secret-ref.ts) to a PKCS#8 PEM private key;
 *  2. else `$CELLGATE_DATA_DIR/platform-key.pem`, generated on first use
 *     (mode 0600). The file is created atomically (written to a private temp
 *     file, then hard-linked into place, which fails if it already exists),
 *     so two processes starting together end up using the same key.
 *
 * keyId = "platform-" + the first 16 hex digits of sha256(raw public key).
 */
import { createHash, createPublicKey, type KeyObject, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { generateEd25519Key, privateKeyFromPem, publicKeyFromRaw, rawPublicKey } from "@/lib/domain/http-signatures";
import { dataDir, env } from "@/lib/env";
import { resolveSecretRef } from "./auth/secret-ref";
import { fsyncDir } from "@/lib/durable-fs";

export interface PlatformKey {
  keyId: string;
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKeyBase64: string;
}

export const PLATFORM_KEY_FILE = "platform-key.pem";

export class PlatformKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlatformKeyError";
  }
}

export function platformKeyId(rawPublic: Uint8Array): string {
  return `platform-${createHash("sha256").update(rawPublic).digest("hex").slice(0, 16)}`;
}

export function platformKeyFromPem(pem: string, origin: string): PlatformKey {
  let privateKey: KeyObject;
  try {
    privateKey = privateKeyFromPem(pem);
  } catch (error) {
    throw new PlatformKeyError(`platform key from ${origin} is unusable: ${(error as Error).message}`);
  }
  const raw = rawPublicKey(createPublicKey(privateKey));
  return { keyId: platformKeyId(raw), privateKey, publicKeyBase64: Buffer.from(raw).toString("base64") };
}

/** Reads the key file in `dir`, creating it (exactly once, atomically) when absent. */
export function loadOrCreateKeyFile(dir: string): PlatformKey {
  const file = path.join(dir, PLATFORM_KEY_FILE);
  const existing = readIfExists(file);
  if (existing !== null) return platformKeyFromPem(existing, file);

  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${PLATFORM_KEY_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const { privateKeyPem } = generateEd25519Key();
  const fd = fs.openSync(tmp, "wx", 0o600);
  try {
    fs.writeSync(fd, privateKeyPem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file); // atomic; EEXIST when another process won the race
    fsyncDir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const pem = readIfExists(file);
  if (pem === null) throw new PlatformKeyError(`platform key file ${file} vanished while it was being created`);
  return platformKeyFromPem(pem, file);
}

function readIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new PlatformKeyError(`platform key file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}


/**
 * The platform PUBLIC key for read-only checks, never creating anything: from
 * CELLGATE_PLATFORM_KEY, else the data directory's key file if it exists.
 * Null when neither is there (the caller says so and asks for a pinned key).
 */
export function readPlatformPublicKey(options: { ref?: string; dataDir: string }): { keyId: string; publicKey: KeyObject; origin: string } | null {
  let key: PlatformKey;
  let origin: string;
  if (options.ref) {
    key = platformKeyFromPem(resolveSecretRef(options.ref), "CELLGATE_PLATFORM_KEY");
    origin = "CELLGATE_PLATFORM_KEY";
  } else {
    const file = path.join(options.dataDir, PLATFORM_KEY_FILE);
    const pem = readIfExists(file);
    if (pem === null) return null;
    key = platformKeyFromPem(pem, file);
    origin = file;
  }
  return { keyId: key.keyId, publicKey: createPublicKey(key.privateKey), origin };
}

/** A pinned raw Ed25519 public key (base64 of 32 bytes) as a KeyObject with its key id. */
export function pinnedPlatformKey(base64: string): { keyId: string; publicKey: KeyObject } {
  const raw = Buffer.from(base64.trim(), "base64");
  if (raw.length !== 32) throw new PlatformKeyError(`a platform public key is base64 of 32 bytes (got ${raw.length})`);
  return { keyId: platformKeyId(raw), publicKey: publicKeyFromRaw(raw) };
}

/** Resolves the platform key from explicit settings (testable without process.env). */
export function resolvePlatformKey(options: { ref?: string; dataDir: string }): PlatformKey {
  if (options.ref) return platformKeyFromPem(resolveSecretRef(options.ref), "CELLGATE_PLATFORM_KEY");
  return loadOrCreateKeyFile(options.dataDir);
}

const globalForKey = globalThis as unknown as { __cellgatePlatformKey?: Promise<PlatformKey> };

/** The process's platform key (resolved once). */
export function getPlatformKey(): Promise<PlatformKey> {
  if (!globalForKey.__cellgatePlatformKey) {
    globalForKey.__cellgatePlatformKey = (async () =>
      resolvePlatformKey({ ref: env().CELLGATE_PLATFORM_KEY, dataDir: dataDir() }))();
    globalForKey.__cellgatePlatformKey.catch(() => {
      globalForKey.__cellgatePlatformKey = undefined; // retry on the next call
    });
  }
  return globalForKey.__cellgatePlatformKey;
}

/** For tests that change the environment between cases. */
export function resetPlatformKeyCache(): void {
  globalForKey.__cellgatePlatformKey = undefined;
}
