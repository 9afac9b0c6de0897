import { canonicalHash } from "../hash";
import type { IngestBatchInput } from "./types";

/**
 * SHA-256 (lower-case hex) of the RFC 8785 canonical JSON of a batch as
 * parsed by `parseIngestBody` — before redaction, so the hash matches what the
 * host sent (modulo key order and whitespace; omitted `attributes` count as {}).
 */
export function batchHash(batch: IngestBatchInput): string {
  return canonicalHash(batch);
}
