/**
 * The platform key the agent trusts for directives: given on the command
 * line (--platform-key B64), or pinned in `<spool>/platform-key.json` — on
 * the very first run fetched from GET /api/v1/platform-key (trust on first
 * use) and never replaced afterwards.
 */
import fs from "node:fs";
import path from "node:path";
import { endpoint } from "./client";
import { platformKeyIdFor, type PinnedKey } from "./directives";
import { AgentConfigError } from "./key-file";
import { writeFileAtomic } from "./spool";

export const PIN_FILE = "platform-key.json";

function readPin(file: string): PinnedKey | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const pin = JSON.parse(text) as Partial<PinnedKey>;
  if (typeof pin.publicKey !== "string" || typeof pin.keyId !== "string" || platformKeyIdFor(pin.publicKey) !== pin.keyId) {
    throw new AgentConfigError(`${file} is not a valid platform key pin (delete it to pin again)`);
  }
  return { keyId: pin.keyId, publicKey: pin.publicKey };
}

export async function resolvePin(options: { spoolDir: string; url: string; platformKey?: string; log: (m: string) => void }): Promise<PinnedKey> {
  if (options.platformKey) {
    try {
      return { keyId: platformKeyIdFor(options.platformKey), publicKey: options.platformKey.trim() };
    } catch (error) {
      throw new AgentConfigError(`--platform-key: ${(error as Error).message}`);
    }
  }
  const file = path.join(options.spoolDir, PIN_FILE);
  const pinned = readPin(file);
  if (pinned) return pinned;
  const url = endpoint(options.url, "/api/v1/platform-key");
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  const body = (await response.json()) as { keyId?: unknown; alg?: unknown; publicKey?: unknown };
  if (body.alg !== "ed25519" || typeof body.publicKey !== "string" || typeof body.keyId !== "string") {
    throw new Error(`GET ${url} did not return an ed25519 platform key`);
  }
  if (platformKeyIdFor(body.publicKey) !== body.keyId) throw new Error(`GET ${url}: keyId does not match the public key`);
  const pin = { keyId: body.keyId, publicKey: body.publicKey };
  writeFileAtomic(file, `${JSON.stringify(pin)}\n`, 0o644);
  options.log(`pinned platform key ${pin.keyId} (trust on first use; pass --platform-key to pin explicitly)`);
  return pin;
}
