/**
 * A line diff (longest common subsequence) of two texts, and the unified
 * format the CLI prints and the history page shows.
 */

export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
  /** 1-based line in the old text (same, removed). */
  oldLine?: number;
  /** 1-based line in the new text (same, added). */
  newLine?: number;
}

/** Above this many LCS cells the middle is shown as removed-then-added (still correct, less minimal). */
const MAX_CELLS = 16_000_000;

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function textDiff(oldText: string, newText: string): DiffLine[] {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const out: DiffLine[] = [];
  const same = (i: number, j: number) => out.push({ kind: "same", text: a[i]!, oldLine: i + 1, newLine: j + 1 });
  for (let i = 0; i < start; i += 1) same(i, i);
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i += 1) out.push({ kind: "removed", text: a[i]!, oldLine: i + 1 });
    for (let j = start; j < endB; j += 1) out.push({ kind: "added", text: b[j]!, newLine: j + 1 });
  } else {
    // lcs[i][j] = LCS length of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i * width + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        same(start + i, start + j);
        i += 1;
        j += 1;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
        out.push({ kind: "removed", text: a[start + i]!, oldLine: start + i + 1 });
        i += 1;
      } else {
        out.push({ kind: "added", text: b[start + j]!, newLine: start + j + 1 });
        j += 1;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k += 1) same(endA + k, endB + k);
  return out;
}

/** Unified diff text (`@@ -a,b +c,d @@` hunks with `context` lines around changes); "" when nothing changed. */
export function formatUnifiedDiff(lines: DiffLine[], options: { context?: number; from?: string; to?: string } = {}): string {
  const context = options.context ?? 3;
  const changed = lines.map((l, i) => (l.kind === "same" ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return "";
  const out = [`--- ${options.from ?? "active"}`, `+++ ${options.to ?? "candidate"}`];
  let k = 0;
  while (k < changed.length) {
    const first = Math.max(0, changed[k]! - context);
    let last = Math.min(lines.length - 1, changed[k]! + context);
    while (k + 1 < changed.length && changed[k + 1]! - context <= last + 1) {
      k += 1;
      last = Math.min(lines.length - 1, changed[k]! + context);
    }
    k += 1;
    const hunk = lines.slice(first, last + 1);
    out.push(`@@ -${rangeOf(lines, first, hunk, "oldLine")} +${rangeOf(lines, first, hunk, "newLine")} @@`);
    for (const l of hunk) out.push(`${l.kind === "same" ? " " : l.kind === "added" ? "+" : "-"}${l.text}`);
  }
  return `${out.join("\n")}\n`;
}

function rangeOf(lines: DiffLine[], first: number, hunk: DiffLine[], side: "oldLine" | "newLine"): string {
  const count = hunk.filter((l) => l[side] !== undefined).length;
  const firstLine = hunk.find((l) => l[side] !== undefined)?.[side];
  let start = firstLine;
  if (start === undefined) {
    // No line on this side: the hunk sits after the previous line of that side.
    const before = lines.slice(0, first).reverse().find((l) => l[side] !== undefined)?.[side];
    start = before ?? 0;
  }
  return `${start},${count}`;
}
