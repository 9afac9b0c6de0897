import crypto from "node:crypto";
import { canonicalize } from "./canonical-json";

/**
 * `crypto.hash` (Node ≥ 20.12) skips building a Hash object: about 2.5× as
 * fast for the short texts the audit chain hashes one at a time.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }).hash;

/** Lower-case hex SHA-256 of bytes or a UTF-8 string. */
export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot("sha256", data, "hex") : crypto.createHash("sha256").update(data).digest("hex");
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of a value. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalize(value));
}
