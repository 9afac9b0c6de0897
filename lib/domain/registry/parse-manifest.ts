/**
 * Parse and validate a registry manifest. Every error names the line it is
 * about (1-based) and the field path, e.g.
 *   registry.yaml:14: profiles[2].secrets[0]: a secret value where a secret:// reference belongs
 */
import { LineCounter, parseDocument } from "yaml";
import { formatPath, locator, valueAt, type PathPart } from "@/lib/domain/yaml-paths";
import type { z } from "zod";
import { ZManifest, type Manifest } from "./manifest-schema";
import { secretReferenceProblem, secretShape } from "./secret-values";

export interface ManifestError {
  line: number;
  path: string;
  message: string;
}

export type ParseResult = { ok: true; manifest: Manifest } | { ok: false; errors: ManifestError[] };


export function formatManifestError(file: string, error: ManifestError): string {
  return `${file}:${error.line}: ${error.path ? `${error.path}: ` : ""}${error.message}`;
}

export function parseManifest(text: string): ParseResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({
        line: e.linePos?.[0].line ?? lineCounter.linePos(e.pos[0]).line,
        path: "",
        message: `YAML: ${e.message.split("\n")[0]}`,
      })),
    };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const locate = locator(doc, lineCounter);
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: [{ line: 1, path: "", message: "expected a mapping with apiVersion: cellgate/v1 and kind: Registry" }] };
  }

  const errors: ManifestError[] = [];
  const add = (path: PathPart[], message: string, keyLine = false) =>
    errors.push({ line: locate(path, keyLine), path: formatPath(path), message });

  checkSecrets(raw, add);
  const parsed = ZManifest.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) reportIssue(issue, raw, add);
  } else {
    checkReferences(parsed.data, add);
  }
  if (errors.length > 0) return { ok: false, errors: dedupe(errors).sort((a, b) => a.line - b.line) };
  if (!parsed.success) throw new Error("unreachable: schema failed without issues");
  return { ok: true, manifest: parsed.data };
}

type Add = (path: PathPart[], message: string, keyLine?: boolean) => void;

function reportIssue(issue: z.core.$ZodIssue, raw: unknown, add: Add): void {
  const path = issue.path.filter((p): p is PathPart => typeof p !== "symbol");
  // `secrets` entries are judged by checkSecrets (without echoing values).
  if (path[0] === "profiles" && path[2] === "secrets" && path.length === 4) return;
  if (issue.code === "unrecognized_keys") {
    for (const key of issue.keys) add([...path, key], "unknown field", true);
    return;
  }
  if (issue.code === "invalid_type" && valueAt(raw, path) === undefined) {
    add(path, "is required", true);
    return;
  }
  add(path, issue.message);
}

function checkSecrets(raw: unknown, add: Add): void {
  const walk = (value: unknown, path: PathPart[]) => {
    if (path[0] === "profiles" && path[2] === "secrets" && path.length === 4) {
      const problem = secretReferenceProblem(value);
      if (problem) add(path, problem);
    } else if (typeof value === "string") {
      if (path[path.length - 1] !== "publicKey") {
        const shape = secretShape(value);
        if (shape) add(path, `looks like a secret value (${shape}); the manifest may only hold secret:// references`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, [...path, i]));
    } else if (value && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
    }
  };
  walk(raw, []);
}

function checkReferences(manifest: Manifest, add: Add): void {
  const tenants = firstSeen(manifest.tenants.map((t) => t.slug));
  manifest.tenants.forEach((t, i) => {
    const first = tenants.get(t.slug);
    if (first !== i) add(["tenants", i, "slug"], `duplicate tenant slug ${t.slug} (first at tenants[${first}])`);
  });
  const profiles = firstSeen(manifest.profiles.map((p) => p.slug));
  manifest.profiles.forEach((p, i) => {
    const first = profiles.get(p.slug);
    if (first !== i) add(["profiles", i, "slug"], `duplicate profile slug ${p.slug} (first at profiles[${first}])`);
    if (!tenants.has(p.tenant)) add(["profiles", i, "tenant"], `tenant ${p.tenant} is not declared under tenants`);
    const tools = firstSeen(p.tools.map((t) => t.name));
    p.tools.forEach((t, k) => {
      if (tools.get(t.name) !== k) add(["profiles", i, "tools", k, "name"], `duplicate tool ${t.name}`);
      if (p.deniedTools.includes(t.name)) add(["profiles", i, "tools", k, "name"], `tool ${t.name} is both allowed and denied`);
    });
  });
  const hosts = firstSeen(manifest.hosts.map((h) => h.id));
  const keys = new Map<string, string>();
  manifest.hosts.forEach((h, i) => {
    const first = hosts.get(h.id);
    if (first !== i) add(["hosts", i, "id"], `duplicate host id ${h.id} (first at hosts[${first}])`);
    const bound = firstSeen(h.profiles);
    h.profiles.forEach((slug, j) => {
      if (!profiles.has(slug)) add(["hosts", i, "profiles", j], `profile ${slug} is not declared under profiles`);
      else if (bound.get(slug) !== j) add(["hosts", i, "profiles", j], `profile ${slug} is listed twice`);
    });
    h.keys.forEach((k, j) => {
      const owner = keys.get(k.id);
      if (owner !== undefined) add(["hosts", i, "keys", j, "id"], `duplicate key id ${k.id} (also on host ${owner})`);
      else keys.set(k.id, h.id);
    });
  });
}

function firstSeen(values: string[]): Map<string, number> {
  const map = new Map<string, number>();
  values.forEach((v, i) => {
    if (!map.has(v)) map.set(v, i);
  });
  return map;
}

function dedupe(errors: ManifestError[]): ManifestError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.line}|${e.path}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
