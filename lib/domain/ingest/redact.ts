/**
 * Redaction of secret-like content in event attributes before storage.
 *
 * - Every string is scanned with the detectors of redact-patterns.ts; matches
 *   become `[REDACTED:<kind>]` (harmless context such as a URL's user is kept).
 * - Values under a sensitive key (`password`, `token`, `secret`, `api_key`,
 *   `private_key`, `authorization`, …, also as suffixes) are replaced whole,
 *   whatever they look like, unless they are `secret://` references.
 * - Secrets split across fields: the string values of sibling fields are also
 *   scanned joined by newlines; a match spanning several siblings redacts each
 *   of them whole. An AWS access key id anywhere among siblings makes a
 *   40-character base64 sibling (or part of one) an AWS secret access key.
 *
 * The input is never modified; the summary names paths and kinds, never values.
 */
import {
  AWS_ACCESS_KEY_ID,
  DETECTORS,
  isSensitiveKey,
  mayContainSecret,
  redactedMarker,
  redactString,
  type RedactionKind,
} from "./redact-patterns";
import { joinPath } from "./json-guard";
import type { IngestEventInput, RedactionSummary } from "./types";

interface Tally {
  fields: string[];
  seen: Set<string>;
  kinds: Record<string, number>;
}

const newTally = (): Tally => ({ fields: [], seen: new Set(), kinds: {} });

function record(tally: Tally, path: string, kinds: readonly string[]): void {
  if (kinds.length === 0) return;
  if (!tally.seen.has(path)) {
    tally.seen.add(path);
    tally.fields.push(path);
  }
  for (const kind of kinds) tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
}

function keepAsIs(value: string): boolean {
  return value === "" || value.startsWith("secret://") || value.startsWith("[REDACTED");
}

/**
 * Indexes of sibling strings covered by a secret that only appears when the
 * siblings are read together (one match overlapping two or more of them), with its kind.
 */
function splitSecrets(strings: Array<{ slot: number; value: string }>): Map<number, RedactionKind> {
  const marked = new Map<number, RedactionKind>();
  if (strings.length < 2) return marked;
  const starts: number[] = [];
  let joined = "";
  for (const { value } of strings) {
    starts.push(joined.length);
    joined += `${value}\n`;
  }
  if (!mayContainSecret(joined)) return marked;
  const slotsOverlapping = (from: number, to: number): number[] => {
    // Binary search for the first string ending after `from`, then walk while strings start before `to`.
    let lo = 0;
    let hi = strings.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] ?? 0) + (strings[mid]?.value.length ?? 0) <= from) lo = mid + 1;
      else hi = mid;
    }
    const hit: number[] = [];
    for (let i = lo; i < strings.length && (starts[i] ?? 0) < to; i++) hit.push(strings[i]?.slot ?? -1);
    return hit;
  };
  for (const detector of DETECTORS) {
    for (const hit of detector.find(joined)) {
      const end = hit.start + joined.slice(hit.start, hit.end).replace(/\n+$/, "").length;
      const slots = slotsOverlapping(hit.start, end);
      if (slots.length < 2) continue;
      for (const slot of slots) if (!marked.has(slot)) marked.set(slot, detector.kind);
    }
  }
  return marked;
}

function assign(target: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  // defineProperty keeps even a "__proto__" key an inert own data property.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function redactNode(node: unknown, path: string, sensitive: boolean, awsContext: boolean, tally: Tally): unknown {
  if (typeof node === "string") {
    if (sensitive) {
      if (keepAsIs(node)) return node;
      const kind = redactString(node, true).kinds[0] ?? "sensitive_field";
      record(tally, path, [kind]);
      return redactedMarker(kind);
    }
    const result = redactString(node, awsContext);
    record(tally, path, result.kinds);
    return result.value;
  }
  if (typeof node === "number" || typeof node === "bigint") {
    if (!sensitive) return node;
    record(tally, path, ["sensitive_field"]);
    return redactedMarker("sensitive_field");
  }
  if (node === null || typeof node !== "object") return node;

  const isArray = Array.isArray(node);
  const entries: Array<[string | number, unknown]> = isArray
    ? (node as unknown[]).map((value, i) => [i, value])
    : Object.keys(node).map((key) => [key, (node as Record<string, unknown>)[key]]);
  const strings = entries.flatMap(([, value], slot) => (typeof value === "string" ? [{ slot, value }] : []));
  const siblingsHaveAwsId = strings.some(({ value }) => AWS_ACCESS_KEY_ID.test(value));
  const split = sensitive ? new Map<number, RedactionKind>() : splitSecrets(strings);

  const out: Record<string, unknown> | unknown[] = isArray ? [] : {};
  entries.forEach(([key, value], slot) => {
    const childPath = joinPath(path, key);
    const splitKind = split.get(slot);
    if (splitKind !== undefined && typeof value === "string" && !keepAsIs(value)) {
      record(tally, childPath, [splitKind]);
      assign(out, key, redactedMarker(splitKind));
      return;
    }
    const childSensitive = sensitive || (typeof key === "string" && isSensitiveKey(key));
    assign(out, key, redactNode(value, childPath, childSensitive, siblingsHaveAwsId, tally));
  });
  return out;
}

/**
 * Redact secret-like content anywhere in `attributes`. Returns the redacted
 * copy and a summary `{ count, fields, kinds }` (count = number of
 * redactions), or a null summary when nothing was redacted.
 */
export function redactAttributes(
  attributes: unknown,
  basePath = "attributes",
): { value: unknown; summary: RedactionSummary | null } {
  const tally = newTally();
  const value = redactNode(attributes, basePath, false, false, tally);
  const count = Object.values(tally.kinds).reduce((sum, n) => sum + n, 0);
  return { value, summary: count === 0 ? null : { count, fields: tally.fields, kinds: tally.kinds } };
}

/** Redact an accepted event: its attributes, and its traceId should one look like a secret (e.g. a JWT). */
export function redactEvent(event: IngestEventInput): { event: IngestEventInput; redactions: RedactionSummary | null } {
  const { value, summary } = redactAttributes(event.attributes);
  const tally = newTally();
  if (summary) {
    tally.fields.push(...summary.fields);
    for (const field of summary.fields) tally.seen.add(field);
    Object.assign(tally.kinds, summary.kinds);
  }
  const redacted: IngestEventInput = { ...event, attributes: value as Record<string, unknown> };
  if (event.traceId !== undefined) {
    const trace = redactString(event.traceId);
    if (trace.kinds.length > 0) {
      record(tally, "traceId", trace.kinds);
      redacted.traceId = trace.value;
    }
  }
  const count = Object.values(tally.kinds).reduce((sum, n) => sum + n, 0);
  return { event: redacted, redactions: count === 0 ? null : { count, fields: tally.fields, kinds: tally.kinds } };
}
