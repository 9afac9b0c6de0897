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
  return serialize(value, []);
}

/** Printable ASCII except `"` and `\\`: JSON.stringify would return it unchanged, quoted. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal, as JSON.stringify writes it (RFC 8785 §3.2.2.2). */
export function jsonString(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** `open`: the objects and arrays being serialized, outermost first (a cycle repeats one). */
function serialize(value: unknown, open: object[]): string {
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
      return jsonString(value);
    case "bigint":
      throw new CanonicalJsonError("cannot canonicalize a bigint; convert it to a string or number first");
    case "object":
      break;
    default:
      throw new CanonicalJsonError(`cannot canonicalize a value of type ${typeof value}`);
  }

  const obj = value as object;
  if (open.includes(obj)) throw new CanonicalJsonError("cannot canonicalize a cyclic structure");
  if (obj instanceof Date) return JSON.stringify(obj.toISOString());
  open.push(obj);
  let out: string;
  if (Array.isArray(obj)) {
    out = "[";
    for (let i = 0; i < obj.length; i += 1) {
      const item: unknown = obj[i];
      out += `${i === 0 ? "" : ","}${item === undefined ? "null" : serialize(item, open)}`;
    }
    out += "]";
  } else {
    const record = obj as Record<string, unknown>;
    // The default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 prescribes.
    const keys = Object.keys(record).sort();
    out = "{";
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      out += `${out.length === 1 ? "" : ","}${jsonString(key)}:${serialize(member, open)}`;
    }
    out += "}";
  }
  open.pop();
  return out;
}
