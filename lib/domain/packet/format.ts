/**
 * The evidence packet format (docs/evidence-packet.md): member names, the
 * manifest and the JSON shapes inside the members.
 */
import { z } from "zod";

export const PACKET_FORMAT = "cellgate.evidence-packet.v1";
export const KEY_FORMAT = "cellgate.platform-key.v1";

export const MEMBERS = {
  manifest: "manifest.json",
  signature: "manifest.sig",
  key: "platform-key.json",
  checkpoints: "checkpoints.json",
  entries: "entries.jsonl",
  proofs: "proofs.jsonl",
  decisions: "decisions.jsonl",
  approvals: "approvals.jsonl",
  killSwitches: "kill-switches.jsonl",
  stageChanges: "stage-changes.jsonl",
  registry: "registry.json",
} as const;

/** Listed in the manifest (everything but manifest.json and manifest.sig), in archive order. */
export const REQUIRED_MEMBERS = [
  MEMBERS.key,
  MEMBERS.checkpoints,
  MEMBERS.entries,
  MEMBERS.proofs,
  MEMBERS.decisions,
  MEMBERS.approvals,
  MEMBERS.killSwitches,
  MEMBERS.registry,
] as const;

/** policies/1.yaml, policies/2.yaml, … in manifest order. */
export const policyMember = (n: number) => `policies/${n}.yaml`;
export const POLICY_MEMBER = /^policies\/[1-9][0-9]*\.yaml$/;

export const RECORD_MEMBERS = {
  decisions: MEMBERS.decisions,
  approvals: MEMBERS.approvals,
  killSwitches: MEMBERS.killSwitches,
  stageChanges: MEMBERS.stageChanges,
} as const;
export type RecordKind = keyof typeof RECORD_MEMBERS;

const HEX64 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");
const ISO = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "must be an ISO-8601 UTC time with milliseconds")
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, "is not a real time");
const COUNT = z.number().int().min(0).max(0x7fffffff);
const NAMED = z.object({ id: z.string().min(1), slug: z.string().min(1) }).strict();

export const ZScope = z
  .object({ tenant: NAMED, profile: NAMED.nullable(), from: ISO, to: ISO })
  .strict()
  .refine((s) => Date.parse(s.from) < Date.parse(s.to), "scope: from must be before to");
export type PacketScope = z.infer<typeof ZScope>;

export const ZPolicyRef = z
  .object({
    member: z.string().regex(POLICY_MEMBER),
    level: z.string().min(1),
    scopeKey: z.string().min(1),
    tenantId: z.string().nullable(),
    profileId: z.string().nullable(),
    version: COUNT,
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 hex digits>"),
  })
  .strict();
export type PolicyRef = z.infer<typeof ZPolicyRef>;

export const ZMemberRef = z.object({ name: z.string().min(1), size: COUNT, sha256: HEX64 }).strict();

export const ZManifest = z
  .object({
    format: z.literal(PACKET_FORMAT),
    createdAt: ISO,
    scope: ZScope,
    /** The signed checkpoint every inclusion proof is checked against. */
    checkpoint: z.record(z.string(), z.unknown()),
    entries: z.object({ count: COUNT, firstSeq: COUNT.nullable(), lastSeq: COUNT.nullable() }).strict(),
    /**
     * stageChanges: packets made before the canary gate existed have no
     * stage-changes.jsonl and do not declare it; when declared, it is required.
     */
    records: z.object({ decisions: COUNT, approvals: COUNT, killSwitches: COUNT, stageChanges: COUNT.optional() }).strict(),
    policies: z.array(ZPolicyRef),
    members: z.array(ZMemberRef),
  })
  .strict();
export type Manifest = z.infer<typeof ZManifest>;

export const ZPlatformKey = z
  .object({
    format: z.literal(KEY_FORMAT),
    algorithm: z.literal("Ed25519"),
    keyId: z.string().regex(/^platform-[0-9a-f]{16}$/),
    publicKey: z.string().min(1),
  })
  .strict();

const ZPath = z.array(HEX64).max(64);
export const ZCheckpoints = z
  .object({
    /** Inclusion proof of the anchor's head entry (leaf seq−1) in the anchor's tree. */
    headProof: ZPath,
    /** Earlier signed checkpoints, each with a consistency proof to the anchor and its head's inclusion proof. */
    earlier: z.array(z.object({ checkpoint: z.record(z.string(), z.unknown()), consistency: ZPath, headProof: ZPath }).strict()),
    /**
     * C2SP signed notes of checkpoints in this packet that witnesses
     * cosigned: the log's signature line, then each witness's cosignature
     * (absent: no witness had cosigned any of them).
     */
    notes: z.array(z.string().min(1).max(64 * 1024)).max(64).optional(),
  })
  .strict();


/** "scope.from: must be …" — the first zod issue, readable. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  return `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}
