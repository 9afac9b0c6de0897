/**
 * Shared by the YAML documents the console reads (registry manifest, policy):
 * field paths as people read them, and the source line of a path, so every
 * validation error can name its line.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type PathPart = string | number;

/** ["rules", 2, "match"] → "rules[2].match" */
export function formatPath(path: readonly PathPart[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

/** The value at `path` in plain parsed data, or undefined. */
export function valueAt(raw: unknown, path: readonly PathPart[]): unknown {
  let value: unknown = raw;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/**
 * Maps a field path to the 1-based line of its node, or of the nearest
 * existing parent; `keyLine` prefers the line of the key itself (for a value
 * that is missing or of the wrong kind).
 */
export function locator(doc: Document, lineCounter: LineCounter) {
  return (path: readonly PathPart[], keyLine: boolean): number => {
    if (keyLine && path.length > 0) {
      const parent = doc.getIn(path.slice(0, -1), true);
      const last = path[path.length - 1];
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
        const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
        if (range) return lineCounter.linePos(range[0]).line;
      }
    }
    for (let n = path.length; n >= 0; n -= 1) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
      const range = node && typeof node === "object" && "range" in node ? node.range : undefined;
      if (range && (isMap(node) || isSeq(node) || isScalar(node))) return lineCounter.linePos(range[0]).line;
    }
    return 1;
  };
}
