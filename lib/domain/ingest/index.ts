/** Pure ingest domain: body parsing and validation, redaction, health, batch hash. See docs/ingest-events.md. */
export * from "./types";
export { parseIngestBody, ingestContentTypeProblem, INGEST_PROBLEM_TYPES, MAX_LISTED_ERRORS } from "./parse-body";
export type { ParseIngestOptions } from "./parse-body";
export { MAX_JSON_DEPTH, FORBIDDEN_KEYS, parseJsonBytes } from "./json-guard";
export {
  ATTRIBUTE_SCHEMAS,
  CANARY_EVIDENCE_ITEMS,
  KNOWN_EVENT_TYPES,
  MAX_EVENTS_PER_BATCH,
  MAX_FUTURE_SKEW_SEC,
  attributesOf,
  isKnownEventType,
} from "./event-schemas";
export type { AttributesOf, CanaryEvidenceItem, KnownEventType } from "./event-schemas";
export { redactAttributes, redactEvent } from "./redact";
export {
  ASSIGNED_SECRET_MIN_ENTROPY,
  ASSIGNED_SECRET_MIN_LENGTH,
  SENSITIVE_KEY_SUFFIXES,
  isSensitiveKey,
  shannonEntropy,
} from "./redact-patterns";
export type { RedactionKind } from "./redact-patterns";
export {
  computeHealth,
  effectiveIntervalSec,
  healthDeadlines,
  worseHealth,
  DEFAULT_HEARTBEAT_INTERVAL_SEC,
  HEALTH_DEGRADED_AFTER_INTERVALS,
  HEALTH_DOWN_AFTER_INTERVALS,
} from "./health";
export { batchHash } from "./batch-hash";
