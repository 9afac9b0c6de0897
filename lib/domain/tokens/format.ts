/**
 * API token format: `cgt_` + id (10 base32 characters, public, the lookup
 * key) + secret (32 base32 characters, 160 random bits) + check (6 base32
 * characters of the CRC-32 of everything before it). The check lets the CLI
 * and the console tell a mistyped or truncated token from a wrong one
 * without a lookup, and lets secret scanners recognise the format. Only the
 * SHA-256 of the whole token is stored.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKEN_PREFIX = "cgt_";
const ID_CHARS = 10;
const SECRET_CHARS = 32;
const CHECK_CHARS = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + ID_CHARS + SECRET_CHARS + CHECK_CHARS;

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lower case
const TOKEN_PATTERN = new RegExp(`^${TOKEN_PREFIX}([a-z2-7]{${ID_CHARS}})([a-z2-7]{${SECRET_CHARS}})([a-z2-7]{${CHECK_CHARS}})$`);

/** `count` characters of base32 from random bytes (5 bits each). */
function base32(bytes: Uint8Array, count: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < count) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (out.length < count) throw new Error("not enough bytes for the requested length");
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checkOf(body: string): string {
  const crc = crc32(body);
  let out = "";
  for (let i = CHECK_CHARS - 1; i >= 0; i -= 1) out += ALPHABET[Math.floor(crc / 32 ** i) % 32];
  return out;
}

export interface MintedToken {
  /** The whole token: shown once, never stored. */
  token: string;
  /** Public id (`tok_` + the id characters), the row key. */
  id: string;
  /** SHA-256 hex of the whole token: what the database keeps. */
  hash: string;
}

export function tokenRowId(idChars: string): string {
  return `tok_${idChars}`;
}

export function mintToken(random: (n: number) => Uint8Array = randomBytes): MintedToken {
  const id = base32(random(7), ID_CHARS);
  const secret = base32(random(20), SECRET_CHARS);
  const body = `${TOKEN_PREFIX}${id}${secret}`;
  const token = `${body}${checkOf(body)}`;
  return { token, id: tokenRowId(id), hash: hashToken(token) };
}

export type ParsedToken = { ok: true; id: string } | { ok: false; reason: "malformed" | "checksum" };

/** Shape and check only; says nothing about whether the console issued it. */
export function parseToken(text: string): ParsedToken {
  const match = TOKEN_PATTERN.exec(text.trim());
  if (!match) return { ok: false, reason: "malformed" };
  const [, id, secret, check] = match;
  if (checkOf(`${TOKEN_PREFIX}${id}${secret}`) !== check) return { ok: false, reason: "checksum" };
  return { ok: true, id: tokenRowId(id!) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token.trim(), "utf8").digest("hex");
}

/** Constant-time comparison of a presented token with a stored hash. */
export function tokenMatchesHash(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashToken(token), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

/** "cgt_abcd…" — enough to recognise a token in a list, nothing that helps guess it. */
export function tokenHint(token: string): string {
  return `${token.slice(0, TOKEN_PREFIX.length + 4)}…`;
}
