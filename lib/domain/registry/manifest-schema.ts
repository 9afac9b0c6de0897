/**
 * The registry manifest (`cellgate registry sync FILE`): a YAML document the
 * platform team keeps in git. Every object is strict (unknown fields are
 * errors); digests, secret references and public keys have exact formats.
 * See docs/registry-manifest.md.
 */
import { z } from "zod";
import { TIERS } from "../tiers";

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
export const SECRET_REF_PATTERN = /^secret:\/\/[a-z0-9][a-z0-9._-]*(\/[A-Za-z0-9._-]+)+$/;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const HOST_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,126}[A-Za-z0-9])?$/;
/** host:port, with an optional leading "*." wildcard label. */
export const EGRESS_PATTERN = /^(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})(?::\d{1,5})$/;
const B64_32 = /^[A-Za-z0-9+/]{43}=$/;

const digest = z.string().regex(DIGEST_PATTERN, "must be sha256:<64 lowercase hex digits>");
const slug = z.string().regex(SLUG_PATTERN, "must be a slug: lowercase letters, digits and hyphens");
const hostId = z.string().regex(HOST_ID_PATTERN, "must be letters, digits, '.', '_' or '-'");

/** Base64 of exactly 32 raw bytes (an Ed25519 public key). */
export function ed25519KeyProblem(value: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    return "must be base64 of the raw 32-byte Ed25519 public key (not valid base64)";
  }
  const bytes = Buffer.from(value, "base64").length;
  if (bytes !== 32 || !B64_32.test(value)) {
    return `must be base64 of the raw 32-byte Ed25519 public key (got ${bytes} bytes)`;
  }
  return null;
}

const publicKey = z.string().superRefine((value, ctx) => {
  const problem = ed25519KeyProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** Largest monthly budget accepted (the database column is DECIMAL(18, 2)). */
export const MAX_BUDGET_USD = 1_000_000_000_000;

/** `budget: { monthlyUsd: 2500 }`: a monthly cost budget in USD, cents at most; alerts at 80 % and 100 %. */
export const ZBudgetSpec = z.strictObject({
  monthlyUsd: z
    .number("must be a number of US dollars")
    .positive("must be greater than 0 (leave budget out for none)")
    .max(MAX_BUDGET_USD, "must be at most 1,000,000,000,000")
    .refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, "must have at most two decimal places (cents)"),
});

export const ZTenantSpec = z.strictObject({
  slug,
  name: z.string().trim().min(1, "must not be empty").max(200),
  budget: ZBudgetSpec.optional(),
});

export const ZToolSpec = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a tool name (letters, digits, _ . : -)"),
  schemaHash: digest,
});

export const ZProfileSpec = z.strictObject({
  slug,
  tenant: slug,
  owner: z.string().trim().min(1, "must not be empty").max(200),
  ring: z.number().int("must be a whole number 0–5").min(0, "must be 0–5").max(5, "must be 0–5"),
  tier: z.enum(TIERS, "must be one of L0, L1, L2, L3, L4, L5"),
  unit: z.string().regex(/^[A-Za-z0-9@._:-]{1,200}$/, "must be a service unit name"),
  artifactDigest: digest,
  rollbackTarget: z.strictObject({
    endpoint: z.string().url("must be a URL"),
    manifestDigest: digest,
  }),
  evidencePath: z.string().trim().min(1, "must not be empty").max(500),
  tools: z.array(ZToolSpec).default([]),
  deniedTools: z.array(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a tool name")).default([]),
  egress: z.array(z.string().regex(EGRESS_PATTERN, "must be host:port")).default([]),
  // Checked separately (so a secret value is reported as such, without echoing it).
  secrets: z.array(z.string()).default([]),
  budget: ZBudgetSpec.optional(),
});

export const ZKeySpec = z.strictObject({
  id: hostId,
  publicKey,
  status: z.enum(["active", "revoked"], "must be active or revoked").default("active"),
});

export const ZHostSpec = z.strictObject({
  id: hostId,
  profiles: z.array(slug).default([]),
  keys: z.array(ZKeySpec).default([]),
});

export const ZManifest = z.strictObject({
  apiVersion: z.literal("cellgate/v1", "must be cellgate/v1"),
  kind: z.literal("Registry", "must be Registry"),
  tenants: z.array(ZTenantSpec).default([]),
  profiles: z.array(ZProfileSpec).default([]),
  hosts: z.array(ZHostSpec).default([]),
});

export type BudgetSpec = z.infer<typeof ZBudgetSpec>;
export type TenantSpec = z.infer<typeof ZTenantSpec>;
export type ToolSpec = z.infer<typeof ZToolSpec>;
export type ProfileSpec = z.infer<typeof ZProfileSpec>;
export type KeySpec = z.infer<typeof ZKeySpec>;
export type HostSpec = z.infer<typeof ZHostSpec>;
export type Manifest = z.infer<typeof ZManifest>;
