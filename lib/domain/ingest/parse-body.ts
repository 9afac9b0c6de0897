/**
 * `parseIngestBody`: the body of `POST /api/v1/ingest` → a validated batch,
 * or a 400/415 problem naming every bad index and field (all-or-nothing).
 * Pure: the route passes the bytes (≤ 1 MiB, already enforced) and a clock.
 */
import type { z } from "zod";
import {
  ATTRIBUTE_SCHEMAS,
  EVENT_ID_PATTERN,
  isKnownEventType,
  MAX_EVENTS_PER_BATCH,
  MAX_FUTURE_SKEW_SEC,
  ZEventEnvelope,
} from "./event-schemas";
import { fieldError, joinPath, parseJsonBytes, unsafeContentErrors } from "./json-guard";
import type { IngestEventInput, IngestFieldError, IngestProblem, ParseIngestResult } from "./types";

/** Problem `type` URIs (tag URIs, like lib/server/problem.ts). */
export const INGEST_PROBLEM_TYPES = {
  malformed: "tag:cellgate,2026:problem/malformed-json",
  invalid: "tag:cellgate,2026:problem/invalid-batch",
  mediaType: "tag:cellgate,2026:problem/unsupported-media-type",
} as const;

/** At most this many errors are listed in one problem (the detail says how many there were). */
export const MAX_LISTED_ERRORS = 200;

export interface ParseIngestOptions {
  /** Server clock, for the "not in the future" check. Defaults to the current time. */
  now?: Date;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function problem(status: 400 | 415, type: string, title: string, errors: IngestFieldError[], detail?: string): ParseIngestResult {
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  const more = errors.length - listed.length;
  const body: IngestProblem = {
    type,
    title,
    detail:
      detail ??
      `${errors.length} problem${errors.length === 1 ? "" : "s"} in the batch${more > 0 ? ` (first ${listed.length} listed)` : ""}; nothing was stored`,
    errors: listed,
  };
  return { ok: false, status, problem: body };
}

/** 415 problem when a Content-Type is not JSON (UTF-8), else null. */
export function ingestContentTypeProblem(contentType: string | null): { status: 415; problem: IngestProblem } | null {
  const [mediaType = "", ...params] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "");
  if (mediaType === "application/json" && (charset === undefined || charset === "utf-8")) return null;
  return {
    status: 415,
    problem: {
      type: INGEST_PROBLEM_TYPES.mediaType,
      title: "Unsupported media type",
      detail: "the body must be application/json (UTF-8)",
      errors: [{ field: "Content-Type", message: "must be application/json" }],
    },
  };
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/** zod issues → field errors under `base` (unknown keys named one by one). */
function issueErrors(issues: z.core.$ZodIssue[], base: string, input: unknown): IngestFieldError[] {
  const errors: IngestFieldError[] = [];
  for (const issue of issues) {
    const field = issue.path.reduce<string>((acc, key) => joinPath(acc, typeof key === "number" ? key : String(key)), base);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) errors.push(fieldError(joinPath(field, key), "is not a known field"));
    } else if (issue.code === "invalid_type" && valueAt(input, issue.path) === undefined) {
      errors.push(fieldError(field, "is required"));
    } else {
      errors.push(fieldError(field, issue.message));
    }
  }
  return errors;
}

function validateEvent(raw: unknown, index: number, now: Date): { event?: IngestEventInput; errors: IngestFieldError[] } {
  const base = `events[${index}]`;
  if (!isPlainObject(raw)) return { errors: [fieldError(base, "must be a JSON object")] };
  const envelope = ZEventEnvelope.safeParse(raw);
  if (!envelope.success) {
    const errors = issueErrors(envelope.error.issues, base, raw);
    // Still check the attributes when the type is fine, so one round trip names every problem.
    if (typeof raw.type === "string" && isKnownEventType(raw.type) && isPlainObject(raw.attributes)) {
      errors.push(...attributeErrors(raw.type, raw.attributes, base));
    }
    return { errors };
  }
  const data = envelope.data;
  const attributes = (raw.attributes ?? {}) as Record<string, unknown>;
  const errors: IngestFieldError[] = [];
  if (isKnownEventType(data.type)) errors.push(...attributeErrors(data.type, attributes, base));
  else if (!data.type.startsWith("x-")) {
    errors.push(fieldError(`${base}.type`, `unknown event type "${data.type}" (custom types must start with "x-")`));
  }
  const occurred = Date.parse(data.occurredAt);
  if (occurred - now.getTime() > MAX_FUTURE_SKEW_SEC * 1000) {
    errors.push(fieldError(`${base}.occurredAt`, `is more than ${MAX_FUTURE_SKEW_SEC} s in the future (server clock ${now.toISOString()})`));
  }
  if (errors.length > 0) return { errors };
  const event: IngestEventInput = { id: data.id, type: data.type, profile: data.profile, occurredAt: data.occurredAt, attributes };
  if (data.traceId !== undefined) event.traceId = data.traceId;
  return { event, errors };
}

function attributeErrors(type: keyof typeof ATTRIBUTE_SCHEMAS, attributes: Record<string, unknown>, base: string): IngestFieldError[] {
  const parsed = ATTRIBUTE_SCHEMAS[type].safeParse(attributes);
  return parsed.success ? [] : issueErrors(parsed.error.issues, `${base}.attributes`, attributes);
}

/**
 * Parse and validate an ingest body. Either every event is valid and the batch
 * is returned (values as received), or nothing is: the problem lists each bad
 * `events[i]…` field, duplicate ids naming both indexes.
 */
export function parseIngestBody(bytes: Uint8Array, options: ParseIngestOptions = {}): ParseIngestResult {
  const now = options.now ?? new Date();
  const parsed = parseJsonBytes(bytes);
  if (!parsed.ok) {
    return problem(400, INGEST_PROBLEM_TYPES.malformed, "Malformed JSON body", [{ field: "body", message: parsed.message }], parsed.message);
  }
  const root = parsed.value;
  if (!isPlainObject(root)) {
    return problem(400, INGEST_PROBLEM_TYPES.invalid, "Invalid ingest batch", [
      { field: "body", message: 'must be a JSON object {"events":[…]}' },
    ]);
  }
  const unsafe = unsafeContentErrors(root);
  if (unsafe.length > 0) return problem(400, INGEST_PROBLEM_TYPES.invalid, "Invalid ingest batch", unsafe);

  const errors: IngestFieldError[] = [];
  for (const key of Object.keys(root)) if (key !== "events") errors.push({ field: key, message: "is not a known field" });
  const events = root.events;
  if (!Array.isArray(events)) {
    errors.push({ field: "events", message: events === undefined ? "is required" : "must be an array of events" });
  } else if (events.length === 0) {
    errors.push({ field: "events", message: "must contain at least one event" });
  } else if (events.length > MAX_EVENTS_PER_BATCH) {
    errors.push({ field: "events", message: `must contain at most ${MAX_EVENTS_PER_BATCH} events (got ${events.length})` });
  }
  if (errors.length > 0 || !Array.isArray(events)) return problem(400, INGEST_PROBLEM_TYPES.invalid, "Invalid ingest batch", errors);

  const accepted: IngestEventInput[] = [];
  const firstIndexOfId = new Map<string, number>();
  events.forEach((raw, index) => {
    const result = validateEvent(raw, index, now);
    errors.push(...result.errors);
    if (result.event) accepted.push(result.event);
    const id = isPlainObject(raw) ? raw.id : undefined;
    if (typeof id !== "string" || !EVENT_ID_PATTERN.test(id)) return;
    const first = firstIndexOfId.get(id);
    if (first === undefined) firstIndexOfId.set(id, index);
    else errors.push(fieldError(`events[${index}].id`, `duplicates the id of events[${first}] ("${id}") in this batch`));
  });
  if (errors.length > 0) {
    errors.sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
    return problem(400, INGEST_PROBLEM_TYPES.invalid, "Invalid ingest batch", errors);
  }
  return { ok: true, batch: { events: accepted } };
}
