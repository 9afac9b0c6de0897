import { createHash } from "node:crypto";
import { canonicalize } from "./canonical-json";

/** Lower-case hex SHA-256 of bytes or a UTF-8 string. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 (hex) of the RFC 8785 canonical JSON of a value. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalize(value));
}
