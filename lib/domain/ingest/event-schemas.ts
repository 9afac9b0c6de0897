/**
 * zod schemas for the ingest envelope and for the attributes of each known
 * event type. Envelope objects are strict (an unknown field is an error, so a
 * typo is caught); attribute objects are loose: extra keys are kept, the typed
 * keys are validated. See docs/ingest-events.md.
 */
import { z } from "zod";
import { DIGEST_PATTERN, SECRET_REF_PATTERN, SLUG_PATTERN } from "../registry/manifest-schema";

export const MAX_EVENTS_PER_BATCH = 500;
/** `occurredAt` may be at most this far ahead of the server clock (host clock skew). */
export const MAX_FUTURE_SKEW_SEC = 300;

export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const TRACE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
/** Lower-case dotted names whose segments start and end with a letter or digit; custom types start with `x-`. */
export const EVENT_TYPE_PATTERN = /^[a-z](?:[a-z0-9_-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?)*$/;
export const MAX_EVENT_TYPE_LENGTH = 128;
/** Largest integer a CostRecord token count can hold (PostgreSQL integer). */
export const MAX_TOKENS = 2_147_483_647;
/** Largest cost a CostRecord can hold (numeric(18,6)). */
export const MAX_COST_USD = 999_999_999_999;

export const CANARY_EVIDENCE_ITEMS = [
  "intended_digest",
  "cross_profile_read_denied",
  "denied_tools_absent",
  "egress_enforced",
  "secrets_not_logged",
  "rollback_proven",
  "canary_survived",
] as const;
export type CanaryEvidenceItem = (typeof CANARY_EVIDENCE_ITEMS)[number];

const text = (max: number) => z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
const reason = text(1000).optional();
const durationSec = z.number().finite().min(0, "must be ≥ 0").max(31_536_000, "must be at most one year");

export const ZHeartbeatAttributes = z.looseObject({
  status: z.enum(["healthy", "degraded", "down"]).optional(),
  intervalSec: z.number().int("must be an integer").min(5, "must be ≥ 5").max(3600, "must be ≤ 3600").optional(),
});

export const ZServiceAttributes = z.looseObject({ unit: text(256).optional() });

export const ZCanaryEvidenceAttributes = z
  .looseObject({
    item: z.enum(CANARY_EVIDENCE_ITEMS),
    passed: z.boolean(),
    durationSec: durationSec.optional(),
    digest: z.string().regex(DIGEST_PATTERN, "must be sha256:<64 lowercase hex digits>").optional(),
    detail: z.union([z.string().max(2000, "must be at most 2000 characters"), z.record(z.string(), z.unknown())]).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.passed && value.item === "rollback_proven" && value.durationSec === undefined) {
      ctx.addIssue({ code: "custom", path: ["durationSec"], message: "is required when rollback_proven passed" });
    }
    if (value.passed && value.item === "intended_digest" && value.digest === undefined) {
      ctx.addIssue({ code: "custom", path: ["digest"], message: "is required when intended_digest passed" });
    }
  });

export const ZCostUsageAttributes = z.looseObject({
  model: text(128),
  tokensIn: z.number().int("must be an integer").min(0, "must be ≥ 0").max(MAX_TOKENS, `must be ≤ ${MAX_TOKENS}`),
  tokensOut: z.number().int("must be an integer").min(0, "must be ≥ 0").max(MAX_TOKENS, `must be ≤ ${MAX_TOKENS}`),
  cost: z.number().finite().min(0, "must be ≥ 0 (USD)").max(MAX_COST_USD, "is too large"),
});

export const ZToolAttributes = z.looseObject({ tool: text(256), reason });
export const ZEgressAttributes = z.looseObject({ destination: text(512), reason });
export const ZAuthAttributes = z.looseObject({ principal: text(256).optional(), reason });
export const ZSecretLoadedAttributes = z.looseObject({
  ref: z.string().regex(SECRET_REF_PATTERN, "must be a secret://<store>/<path> reference"),
});
export const ZAlignmentAttributes = z.looseObject({ passed: z.boolean().optional() });
export const ZRollbackAttributes = z.looseObject({
  target: text(256).optional(),
  durationSec: durationSec.optional(),
  /** The rollback directive carried out (its `id`): the console records the execution on that stage change. */
  rollback: z.uuid("must be the id of a rollback directive").optional(),
});
export const ZPolicyDecisionAttributes = z.looseObject({ decision: text(64), rule: text(256).optional() });

/** Attribute schema per known event type. */
export const ATTRIBUTE_SCHEMAS = {
  "service.start": ZServiceAttributes,
  "service.stop": ZServiceAttributes,
  "auth.accepted": ZAuthAttributes,
  "auth.denied": ZAuthAttributes,
  "tool.allowed": ZToolAttributes,
  "tool.denied": ZToolAttributes,
  "egress.denied": ZEgressAttributes,
  "secret.loaded": ZSecretLoadedAttributes,
  "alignment.checked": ZAlignmentAttributes,
  "rollback.executed": ZRollbackAttributes,
  "health.heartbeat": ZHeartbeatAttributes,
  "canary.evidence": ZCanaryEvidenceAttributes,
  "cost.usage": ZCostUsageAttributes,
  "policy.decision": ZPolicyDecisionAttributes,
} as const;

export type KnownEventType = keyof typeof ATTRIBUTE_SCHEMAS;
export const KNOWN_EVENT_TYPES = Object.keys(ATTRIBUTE_SCHEMAS) as KnownEventType[];
export type AttributesOf<T extends KnownEventType> = z.infer<(typeof ATTRIBUTE_SCHEMAS)[T]>;

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.prototype.hasOwnProperty.call(ATTRIBUTE_SCHEMAS, type);
}

/** Typed view of an accepted event's attributes (already validated by parseIngestBody). */
export function attributesOf<T extends KnownEventType>(
  event: { type: string; attributes: Record<string, unknown> },
  type: T,
): AttributesOf<T> | null {
  if (event.type !== type) return null;
  const parsed = ATTRIBUTE_SCHEMAS[type].safeParse(event.attributes);
  return parsed.success ? (parsed.data as AttributesOf<T>) : null;
}

/** The envelope of one event (attributes are checked separately, per type). */
export const ZEventEnvelope = z.strictObject({
  id: z.string().regex(EVENT_ID_PATTERN, "must be 1–128 characters of A–Z a–z 0–9 . _ : -"),
  type: z
    .string()
    .max(MAX_EVENT_TYPE_LENGTH, `must be at most ${MAX_EVENT_TYPE_LENGTH} characters`)
    .regex(EVENT_TYPE_PATTERN, "must be a lower-case dotted name such as health.heartbeat (custom types: x-…)"),
  profile: z.string().regex(SLUG_PATTERN, "must be a profile slug: lowercase letters, digits and hyphens"),
  occurredAt: z.iso.datetime({ offset: true, message: "must be an RFC 3339 timestamp with Z or an offset" }),
  traceId: z
    .string()
    .regex(TRACE_ID_PATTERN, "must be a W3C trace-id (32 hex) or 1–128 characters of A–Z a–z 0–9 . _ : -")
    .refine((value) => !/^0{32}$/.test(value), "must not be the all-zero W3C trace-id")
    .optional(),
  attributes: z.record(z.string(), z.unknown(), "must be a JSON object").optional(),
});
