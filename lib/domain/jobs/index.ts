/**
 * The job contract (DESIGN.md "Jobs"): the body a host submits, the hash an
 * approval binds to, and the statuses a job moves through.
 *
 * jobHash = SHA-256 of the RFC 8785 canonical JSON of
 * {topic, tenant, profile, riskTags, labels, payload}; the canonical text is
 * stored with the job and shown to approvers exactly as hashed.
 */
import { z } from "zod";
import { canonicalize } from "@/lib/domain/canonical-json";
import { sha256Hex } from "@/lib/domain/hash";
import { HIDDEN_CHARS_TAG, jsonHasHiddenChars } from "@/lib/domain/text/hidden-chars";

export const JOB_STATUSES = ["ALLOWED", "DENIED", "PENDING_APPROVAL", "THROTTLED", "APPROVED", "REJECTED", "EXPIRED"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
/** Statuses that will not change any more. */
export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set(["ALLOWED", "DENIED", "THROTTLED", "APPROVED", "REJECTED", "EXPIRED"]);
/** Statuses under which the job may run. */
export const RUNNABLE_STATUSES: ReadonlySet<JobStatus> = new Set(["ALLOWED", "APPROVED"]);

/** The label naming the person an agent acts for (their console e-mail). */
export const REQUESTER_LABEL = "requester";

const TOPIC = /^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$/;
const TAG = /^[a-z0-9][a-z0-9_.:-]{0,62}$/;

/** Risk tags with this prefix are added by the console (never sent by a host): see `consoleTagsFor`. */
export const CONSOLE_TAG_PREFIX = "console:";

export const ZJobBody = z.strictObject({
  topic: z.string().max(200).regex(TOPIC, "a dot-separated topic such as job.mcp-bridge.write.update_ticket"),
  tenant: z.string().min(1).max(100),
  profile: z.string().min(1).max(200),
  riskTags: z
    .array(
      z
        .string()
        .regex(TAG, "lower-case letters, digits and _ . : -")
        .refine((tag) => !tag.startsWith(CONSOLE_TAG_PREFIX), `the "${CONSOLE_TAG_PREFIX}" prefix is reserved for tags the console adds`),
    )
    .max(32)
    .default([]),
  labels: z.record(z.string().max(100), z.string().max(500)).default({}),
  payload: z.json(),
});
export type JobBody = z.infer<typeof ZJobBody>;

/**
 * The tags the console adds to a job for its policy and kill switches, from
 * what the request holds: `console:hidden-characters` when a label or the
 * payload (keys included) holds invisible or direction-changing characters.
 * Not hashed: they are the console's finding about the request, stored beside it.
 */
export function consoleTagsFor(body: Pick<JobBody, "labels" | "payload">): string[] {
  return jsonHasHiddenChars(body.labels) || jsonHasHiddenChars(body.payload) ? [HIDDEN_CHARS_TAG] : [];
}

/** The risk tags policy and kill switches see: the host's, then the console's. */
export function effectiveRiskTags(job: { riskTags: readonly string[]; consoleTags: readonly string[] }): string[] {
  return [...job.riskTags, ...job.consoleTags.filter((t) => !job.riskTags.includes(t))];
}

/** The fields the hash covers, in a fixed shape (riskTags kept in the order sent). */
export function hashedJob(body: JobBody): JobBody {
  return {
    topic: body.topic,
    tenant: body.tenant,
    profile: body.profile,
    riskTags: body.riskTags,
    labels: body.labels,
    payload: body.payload,
  };
}

export interface CanonicalJob {
  /** The exact RFC 8785 text that was hashed. */
  canonical: string;
  /** "sha256:<hex>" */
  jobHash: string;
}

export function canonicalJob(body: JobBody): CanonicalJob {
  const canonical = canonicalize(hashedJob(body));
  return { canonical, jobHash: `sha256:${sha256Hex(canonical)}` };
}

/** A pending job is expired at and after its expiry time, whether or not anything swept it. */
export function effectiveStatus(job: { status: JobStatus; expiresAt: Date | null }, now: Date): JobStatus {
  if (job.status === "PENDING_APPROVAL" && job.expiresAt && job.expiresAt.getTime() <= now.getTime()) return "EXPIRED";
  return job.status;
}
