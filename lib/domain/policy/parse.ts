/**
 * Parse and validate a policy document. Every problem names its field path
 * and the 1-based line it is about, e.g.
 *   policy.yaml:14: rules[2].match.topics[0]: "job..x" has an empty segment
 */
import { LineCounter, parseDocument } from "yaml";
import { formatPath, locator, valueAt, type PathPart } from "@/lib/domain/yaml-paths";
import type { z } from "zod";
import { sha256Hex } from "@/lib/domain/hash";
import { documentProblems, ZPolicyDocument } from "./schema";
import type { ParsedPolicy, PolicyDocument, PolicyProblem } from "./types";


/** "sha256:<hex>" of the UTF-8 bytes of the source text. */
export function policySourceHash(text: string): string {
  return `sha256:${sha256Hex(text)}`;
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
