/**
 * Request input no page or route can take faithfully, refused up front with
 * a 400 naming what is wrong (proxy.ts) instead of reaching a query and
 * failing there with a 500: a malformed percent-escape, a NUL or other C0
 * control character, and a lone UTF-16 surrogate (after decoding), in the
 * path or the query; and, for a server action, a body that does not parse.
 */

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** Why this text (one decoded path segment or query value) cannot be taken, or null. */
export function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "holds a NUL character";
  if (CONTROL.test(text)) return "holds a control character";
  if (LONE_SURROGATE.test(text)) return "holds broken Unicode (a lone surrogate)";
  return null;
}

/**
 * Why the raw (still percent-encoded) path and query cannot be taken, or
 * null. `search` may be empty or start with "?".
 */
export function urlInputProblem(pathname: string, search: string): string | null {
  for (const segment of pathname.split("/")) {
    const decoded = decode(segment);
    if (decoded === null) return "The address holds a malformed percent-escape (such as %E0%A4 cut short).";
    const problem = textProblem(decoded);
    if (problem) return `The address ${problem}.`;
  }
  const query = search.startsWith("?") ? search.slice(1) : search;
  if (!query) return null;
  for (const pair of query.split("&")) {
    const [rawKey = "", ...rest] = pair.split("=");
    const key = decode(rawKey);
    const value = decode(rest.join("="));
    if (key === null || value === null) return "The query string holds a malformed percent-escape.";
    const problem = textProblem(key) ?? textProblem(value);
    if (problem) return `The query parameter "${key.slice(0, 40)}" ${problem}.`;
  }
  return null;
}

/** Why a value posted to a server action (any string in it) cannot be taken, or null. */
export function valueProblem(value: unknown, depth = 0): string | null {
  if (depth > 32) return "is nested too deeply";
  if (typeof value === "string") return textProblem(value);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = valueProblem(item, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key) ?? valueProblem(item, depth + 1);
      if (problem) return problem;
    }
  }
  return null;
}
