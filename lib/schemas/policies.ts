/**
 * Inputs of the /policies pages: the simulator's GET query and the scope a
 * history or version page names in its path.
 */
import { z } from "zod";
import { parsePolicy } from "@/lib/domain/policy/parse";
import { POLICY_LEVELS, type PolicyLevel } from "@/lib/domain/policy/types";

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const LABEL_KEY = /^[A-Za-z0-9_.\/-]{1,63}$/;

/** "a, b,,c" → ["a", "b", "c"] (deduplicated, order kept). */
function csv(value: string): string[] {
  return [...new Set(value.split(",").map((s) => s.trim()).filter(Boolean))];
}

export const ZSimulateQuery = z.object({
  profile: z.string().trim().min(1, "Enter a profile slug").regex(SLUG, "A profile slug is lower-case letters, digits and hyphens"),
  topic: z
    .string()
    .trim()
    .min(1, "Enter a topic, e.g. job.mcp-bridge.write.update_ticket")
    .max(200, "At most 200 characters")
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, "A topic is dot-separated words (letters, digits, _ and -)"),
  riskTags: z
    .string()
    .default("")
    .transform(csv)
    .pipe(z.array(z.string().max(63, "A risk tag is at most 63 characters")).max(20, "At most 20 risk tags")),
  labels: z
    .string()
    .default("")
    .transform((value, ctx) => {
      const labels: Record<string, string> = {};
      for (const pair of csv(value)) {
        const at = pair.indexOf("=");
        const key = at > 0 ? pair.slice(0, at).trim() : "";
        if (!LABEL_KEY.test(key)) {
          ctx.addIssue({ code: "custom", message: `"${pair}" is not key=value (keys: letters, digits, _ . / -)` });
          return z.NEVER;
        }
        labels[key] = pair.slice(at + 1).trim();
      }
      if (Object.keys(labels).length > 20) {
        ctx.addIssue({ code: "custom", message: "At most 20 labels" });
        return z.NEVER;
      }
      return labels;
    }),
});
export type SimulateQuery = z.infer<typeof ZSimulateQuery>;

export type RawSearchParams = Record<string, string | string[] | undefined>;

export function firstParam(params: RawSearchParams, name: string): string | undefined {
  const v = params[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The form's raw values (echoed back into the inputs) and, when valid, the parsed query. */
export function parseSimulateQuery(params: RawSearchParams): {
  values: Record<"profile" | "topic" | "riskTags" | "labels", string>;
  submitted: boolean;
  result: ReturnType<typeof ZSimulateQuery.safeParse> | null;
} {
  const values = {
    profile: firstParam(params, "profile") ?? "",
    topic: firstParam(params, "topic") ?? "",
    riskTags: firstParam(params, "riskTags") ?? "",
    labels: firstParam(params, "labels") ?? "",
  };
  const submitted = values.profile !== "" || values.topic !== "";
  return { values, submitted, result: submitted ? ZSimulateQuery.safeParse(values) : null };
}

/** Which scope a /policies/... path names. */
export interface PolicyScopeRef {
  level: PolicyLevel;
  /** Tenant slug (tenant level) or profile slug (profile level); null for the platform. */
  slug: string | null;
}

/**
 * Path segments after /policies: ["platform"], ["tenant", slug], ["profile", slug],
 * each optionally followed by ["versions", N]. Null for anything else.
 */
export function parseScopePath(segments: string[]): { ref: PolicyScopeRef; version: number | null } | null {
  const [level, ...rest] = segments.map((s) => decodeURIComponent(s));
  if (!level || !(POLICY_LEVELS as readonly string[]).includes(level)) return null;
  let slug: string | null = null;
  if (level !== "platform") {
    slug = rest.shift() ?? null;
    if (!slug || !SLUG.test(slug)) return null;
  }
  if (rest.length === 0) return { ref: { level: level as PolicyLevel, slug }, version: null };
  if (rest.length !== 2 || rest[0] !== "versions" || !/^[1-9][0-9]{0,8}$/.test(rest[1]!)) return null;
  return { ref: { level: level as PolicyLevel, slug }, version: Number(rest[1]) };
}

export function policyScopeHref(ref: PolicyScopeRef, version?: number): string {
  const base = ref.level === "platform" ? "/policies/platform" : `/policies/${ref.level}/${encodeURIComponent(ref.slug ?? "")}`;
  return version ? `${base}/versions/${version}` : base;
}

/** A policy document is YAML text; 1 MiB is far beyond any real one. */
export const POLICY_MAX_BYTES = 1024 * 1024;

/**
 * `policy test` / `policy apply` through the console API: the document's
 * text, parsed here so a document that does not parse is refused before
 * anything else, each problem as "LINE: path: message" on `source`.
 */
export const ZPolicySourceInput = z.object({
  source: z
    .string({ error: "source must be the YAML text of a policy document" })
    .max(POLICY_MAX_BYTES, "the document is larger than 1 MiB")
    .superRefine((text, ctx) => {
      const parsed = parsePolicy(text);
      if (parsed.ok) return;
      for (const p of parsed.problems) ctx.addIssue({ code: "custom", message: `${p.line}: ${p.path ? `${p.path}: ` : ""}${p.message}` });
    }),
  file: z.string().trim().max(500).optional(),
  origin: z.string().trim().max(200).optional(),
});
export type PolicySourceInput = z.infer<typeof ZPolicySourceInput>;
