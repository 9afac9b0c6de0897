/**
 * Bytes → JSON with guards, for bodies sent by hosts. Every refusal is a plain
 * message (never an exception): invalid UTF-8, nesting deeper than
 * MAX_JSON_DEPTH, malformed or truncated JSON (with the position), NUL
 * characters in keys or strings, and prototype-pollution keys (`__proto__`,
 * `constructor`, `prototype`), which are refused wherever they appear.
 * The size limit (1 MiB) is enforced by the route before the body is read.
 */
import type { IngestFieldError } from "./types";

/** Deepest nesting of arrays/objects accepted (the envelope itself uses 3 levels). */
export const MAX_JSON_DEPTH = 32;

/** Keys refused anywhere in a body: they could re-point prototypes in careless code. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export type JsonParseResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: "encoding" | "depth" | "syntax" | "empty"; message: string; position?: number };

/** Decode strict UTF-8 (a leading BOM is dropped) and parse, refusing excessive depth first. */
export function parseJsonBytes(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): JsonParseResult {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const position = firstInvalidUtf8Offset(bytes);
    return { ok: false, reason: "encoding", message: `body is not valid UTF-8 (decoding fails at byte ${position})`, position };
  }
  if (text.trim() === "") return { ok: false, reason: "empty", message: "body is empty; expected a JSON object" };
  const tooDeep = depthExceededAt(text, maxDepth);
  if (tooDeep !== null) {
    return {
      ok: false,
      reason: "depth",
      message: `JSON nests deeper than ${maxDepth} levels (at position ${tooDeep})`,
      position: tooDeep,
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const match = /position (\d+)/.exec(raw);
    const position = match ? Number(match[1]) : text.length;
    const truncated = !match || /end of JSON input|Unterminated/i.test(raw);
    const why = truncated ? "JSON ends unexpectedly (truncated?)" : "malformed JSON";
    return { ok: false, reason: "syntax", message: `${why} at position ${position}`, position };
  }
}

/**
 * Position of the first bracket that goes deeper than `maxDepth`, or null.
 * A linear scan that skips string contents, so a hostile `[[[[…` body is
 * refused before JSON.parse ever sees it.
 */
export function depthExceededAt(text: string, maxDepth: number): number | null {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > maxDepth) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  // Binary search for the shortest prefix that fails to decode (the prefix may
  // end mid-sequence, so decode with stream: true which tolerates an incomplete tail).
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/** An unpaired surrogate (from a `\ud800`-style escape): not storable as text in PostgreSQL. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Render a JSON path the way errors and redaction summaries name fields: `a.b[2]["odd key"]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return base === "" ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/**
 * Every NUL character or unpaired surrogate (in a key or a string), every
 * number too large for a double (`1e400` parses as Infinity) and every
 * forbidden key in a parsed value, as field errors; a path under `events[i]`
 * carries that event's index.
 */
export function unsafeContentErrors(value: unknown, base = ""): IngestFieldError[] {
  const errors: IngestFieldError[] = [];
  const visit = (node: unknown, path: string): void => {
    if (typeof node === "string") {
      if (node.includes("\u0000")) errors.push(fieldError(path, "must not contain NUL (U+0000) characters"));
      else if (LONE_SURROGATE.test(node)) errors.push(fieldError(path, "must not contain unpaired UTF-16 surrogates (\\ud800–\\udfff)"));
      return;
    }
    if (typeof node === "number") {
      if (!Number.isFinite(node)) errors.push(fieldError(path, "number is out of range"));
      return;
    }
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, joinPath(path, i)));
      return;
    }
    for (const key of Object.keys(node)) {
      const child = joinPath(path, key);
      if (key.includes("\u0000")) {
        errors.push(fieldError(joinPath(path, key.replaceAll("\u0000", "\\u0000")), "key must not contain NUL (U+0000) characters"));
        continue;
      }
      if (LONE_SURROGATE.test(key)) {
        errors.push(fieldError(path === "" ? "body" : path, "has a key with unpaired UTF-16 surrogates"));
        continue;
      }
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push(fieldError(child, `the key "${key}" is not allowed (reserved to avoid prototype pollution)`));
        continue;
      }
      visit((node as Record<string, unknown>)[key], child);
    }
  };
  visit(value, base);
  return errors;
}

/** A field error whose index is taken from a leading `events[i]` in the path. */
export function fieldError(field: string, message: string): IngestFieldError {
  const match = /^events\[(\d+)\]/.exec(field);
  return match ? { index: Number(match[1]), field, message } : { field, message };
}
