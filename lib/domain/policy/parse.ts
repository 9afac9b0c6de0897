/**
 * Parse and validate a policy document. Every problem names its field path
 * and the 1-based line it is about, e.g.
 *   policy.yaml:14: rules[2].match.topics[0]: "job..x" has an empty segment
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { sha256Hex } from "@/lib/domain/hash";
import { documentProblems, ZPolicyDocument } from "./schema";
import type { ParsedPolicy, PolicyDocument, PolicyProblem } from "./types";

type PathPart = string | number;

/** "sha256:<hex>" of the UTF-8 bytes of the source text. */
export function policySourceHash(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

export function formatPath(path: readonly PathPart[]): string {
  return path.reduce<string>((out, part) => (typeof part === "number" ? `${out}[${part}]` : out ? `${out}.${part}` : part), "");
}

/** `file:line: path: message`, the form the CLI prints. */
export function formatPolicyProblem(file: string, problem: PolicyProblem): string {
  return `${file}:${problem.line ?? 1}: ${problem.path ? `${problem.path}: ` : ""}${problem.message}`;
}

export function parsePolicy(text: string): ParsedPolicy {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line,
        path: "",
        message: `YAML: ${e.message.split("\n")[0]}`,
      })),
    };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, problems: [{ line: 1, path: "", message: "expected a mapping with apiVersion: cellgate/v1 and kind: Policy" }] };
  }
  const locate = locator(doc, lineCounter);
  const problems: PolicyProblem[] = [];
  const add = (path: PathPart[], message: string, keyLine = false) =>
    problems.push({ line: locate(path, keyLine), path: formatPath(path), message });

  const parsed = ZPolicyDocument.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, raw, add);
    return { ok: false, problems: sortProblems(problems) };
  }
  const document: PolicyDocument = parsed.data;
  for (const p of documentProblems(document)) add(p.path, p.message, p.keyLine);
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  document.rules.forEach((rule, i) => (rule.line = locate(["rules", i], false)));
  document.tests.forEach((test, i) => (test.line = locate(["tests", i], false)));
  return { ok: true, document, hash: policySourceHash(text) };
}

type Add = (path: PathPart[], message: string, keyLine?: boolean) => void;

function reportIssue(issue: z.core.$ZodIssue, raw: unknown, add: Add): void {
  const path = issue.path.filter((p): p is PathPart => typeof p !== "symbol");
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) add([...path, key], `unknown field "${key}"`, true);
    return;
  }
  if (issue.code === "invalid_type" && valueAt(raw, path) === undefined) {
    add(path, "is required", true);
    return;
  }
  if (issue.code === "invalid_value" && path.length === 1 && path[0] === "apiVersion") {
    add(path, 'must be "cellgate/v1"');
    return;
  }
  add(path, issue.message);
}

function valueAt(raw: unknown, path: readonly PathPart[]): unknown {
  let value: unknown = raw;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[part];
  }
  return value;
}

/** Maps a field path to the 1-based line of its node (or of the nearest existing parent). */
function locator(doc: Document, lineCounter: LineCounter) {
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

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.line}|${p.path}|${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
