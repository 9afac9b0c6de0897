/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - Object members sorted by their names as UTF-16 code-unit sequences.
 * - Numbers serialized as ECMAScript's Number.prototype.toString does
 *   (which is exactly what RFC 8785 §3.2.2.3 prescribes); non-finite numbers
 *   are not JSON and are refused.
 * - Strings serialized as JSON.stringify does (RFC 8785 §3.2.2.2 matches it).
 * - No whitespace.
 */
export class CanonicalJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CanonicalJsonError";
  }
}

export function canonicalize(value: unknown): string {
  return serialize(value, new Set());
}

function serialize(value: unknown, seen: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError(`cannot canonicalize non-finite number ${value}`);
      }
      // -0 serializes as 0 (RFC 8785 §3.2.2.3).
      return Object.is(value, -0) ? "0" : String(value);
    case "string":
      return JSON.stringify(value);
    case "bigint":
      throw new CanonicalJsonError("cannot canonicalize a bigint; convert it to a string or number first");
    case "object":
      break;
    default:
      throw new CanonicalJsonError(`cannot canonicalize a value of type ${typeof value}`);
  }

  const obj = value as object;
  if (seen.has(obj)) throw new CanonicalJsonError("cannot canonicalize a cyclic structure");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      return `[${obj.map((item) => (item === undefined ? "null" : serialize(item, seen))).join(",")}]`;
    }
    if (obj instanceof Date) return JSON.stringify(obj.toISOString());
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort(compareUtf16);
    return `{${keys.map((key) => `${JSON.stringify(key)}:${serialize(record[key], seen)}`).join(",")}}`;
  } finally {
    seen.delete(obj);
  }
}

/** Plain `<` on JS strings already compares UTF-16 code units. */
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
