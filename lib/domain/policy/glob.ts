/**
 * Topic globs. A topic is dot-separated segments (`job.mcp-bridge.write`).
 * In a glob, a segment `*` matches exactly one segment, a `*` inside a
 * segment matches any characters within that segment (`write*`, `*_ticket`),
 * and a segment `**` matches any number of segments, including none
 * (`job.**` matches `job`, `job.a` and `job.a.b`).
 */

const SEGMENT = /^[a-z0-9_*-]+$/;

/** Why a topic glob is not valid, or null when it is. */
export function topicGlobProblem(glob: string): string | null {
  if (glob.length === 0) return "a topic glob may not be empty";
  if (glob.length > 200) return "a topic glob may be at most 200 characters";
  for (const segment of glob.split(".")) {
    if (segment === "**") continue;
    if (segment === "") return `"${glob}" has an empty segment (two dots in a row, or a leading or trailing dot)`;
    if (segment.includes("**")) return `"${glob}": "**" must be a whole segment`;
    if (!SEGMENT.test(segment)) return `"${glob}": segments hold lower-case letters, digits, _ - and * only`;
  }
  return null;
}

/** Splits a glob into segments, collapsing `**.**` into one `**`. */
export function globSegments(glob: string): string[] {
  const out: string[] = [];
  for (const segment of glob.split(".")) {
    if (segment === "**" && out[out.length - 1] === "**") continue;
    out.push(segment);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function segmentSource(segment: string): string {
  if (segment === "*") return "[^.]+";
  return segment.split("*").map(escapeRegExp).join("[^.]*");
}

/** One regular expression for a glob (anchored). */
export function topicGlobRegExp(glob: string): RegExp {
  const segments = globSegments(glob);
  let source = "";
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const afterDoubleStar = i > 0 && segments[i - 1] === "**";
    if (segment === "**") {
      if (segments.length === 1) source += ".*";
      else if (last) source += "(?:\\.[^.]+)*";
      else source += `${i > 0 ? "\\." : ""}(?:[^.]+\\.)*`;
      return;
    }
    source += `${i > 0 && !afterDoubleStar ? "\\." : ""}${segmentSource(segment)}`;
  });
  return new RegExp(`^${source}$`);
}

/** Whether a topic matches a glob (uncompiled; the evaluator precompiles). */
export function matchesTopic(glob: string, topic: string): boolean {
  return topicGlobRegExp(glob).test(topic);
}

/** Whether some string matches both segment patterns (`*` = any characters). */
function segmentsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * 1024 + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let result: boolean;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === "*") result = walk(i + 1, j) || (j < b.length && walk(i, j + 1));
    else if (b[j] === "*") result = walk(i, j + 1) || (i < a.length && walk(i + 1, j));
    else result = i < a.length && j < b.length && a[i] === b[j] && walk(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}

/** Whether some topic matches both globs. */
export function topicGlobsIntersect(globA: string, globB: string): boolean {
  const a = globSegments(globA);
  const b = globSegments(globB);
  const memo = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * 1024 + j;
    const seen = memo.get(key);
    if (seen !== undefined) return seen;
    let result = false;
    if (i === a.length && j === b.length) result = true;
    else if (a[i] === "**" && walk(i + 1, j)) result = true;
    else if (b[j] === "**" && walk(i, j + 1)) result = true;
    else {
      const x = a[i];
      const y = b[j];
      // Both sides consume one concrete segment (a "**" stays, absorbing it).
      if (x === undefined || y === undefined) result = false;
      else if (x === "**" && y !== "**") result = walk(i, j + 1);
      else if (y === "**" && x !== "**") result = walk(i + 1, j);
      else if (x !== "**" && y !== "**") result = segmentsIntersect(x, y) && walk(i + 1, j + 1);
    }
    memo.set(key, result);
    return result;
  };
  return walk(0, 0);
}
