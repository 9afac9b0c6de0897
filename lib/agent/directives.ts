/**
 * Directives on the host: the pinned platform key, verification of the
 * platform-signed response (signature, Content-Digest, expiry), and the
 * directives file the sandbox obeys (written atomically).
 *
 * Mode rules: "normal" only while the last VERIFIED directives are unexpired.
 * No verified directives yet, expired ones, or a response that fails
 * verification (tampered, wrong key) → "stop-risky". A console that cannot be
 * reached keeps the last verified directives in force until they expire.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { type HeaderInput, type RequestMessage, strictBase64, verifyResponse } from "@/lib/domain/http-signatures";
import { writeFileAtomic } from "./spool";

export const ZDirectives = z.object({
  host: z.string(),
  profiles: z.array(
    z.object({
      slug: z.string(),
      tenant: z.string(),
      policyVersion: z.string().nullable().optional(),
      /** True: a policy in force for this profile cannot be loaded, so the console denies its jobs. */
      policyFailClosed: z.boolean().optional(),
      /** A rollback to carry out, then report as `rollback.executed` with `rollback: id`. */
      rollback: z
        .object({ id: z.string(), endpoint: z.string(), manifestDigest: z.string(), requestedAt: z.string(), reason: z.string() })
        .optional(),
    }),
  ),
  killSwitches: z.array(
    z.object({
      id: z.string(),
      scope: z.enum(["global", "tenant", "profile"]),
      target: z.string().nullable(),
      reason: z.string(),
      engagedAt: z.string(),
      /** A capability switch: it covers only matching jobs within its tenant or profile. */
      capability: z.string().optional(),
      match: z.object({ topics: z.array(z.string()), riskTags: z.array(z.string()) }).optional(),
      autoReleaseAt: z.string().optional(),
    }),
  ),
  policyVersion: z.string().nullable(),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type AgentDirectives = z.infer<typeof ZDirectives>;

export interface PinnedKey {
  keyId: string;
  /** Raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
}

/** Same derivation as the console: "platform-" + 16 hex of sha256(raw public key). */
export function platformKeyIdFor(publicKeyBase64: string): string {
  const raw = strictBase64(publicKeyBase64.trim());
  if (!raw || raw.length !== 32) throw new Error("platform public key must be base64 of 32 raw bytes");
  return `platform-${createHash("sha256").update(raw).digest("hex").slice(0, 16)}`;
}

export const DIRECTIVE_REQUIRED_COMPONENTS = ["@status", "content-type", "content-digest", "@method;req", "@path;req"];

export type DirectivesCheck = { ok: true; directives: AgentDirectives } | { ok: false; check: string; reason: string };

export async function verifyDirectives(input: {
  status: number;
  headers: HeaderInput;
  body: Uint8Array | string;
  request: RequestMessage;
  now: Date;
  pin: PinnedKey;
}): Promise<DirectivesCheck> {
  if (input.status !== 200) return { ok: false, check: "status", reason: `the console answered ${input.status}` };
  const raw = strictBase64(input.pin.publicKey);
  if (!raw) return { ok: false, check: "pinned-key", reason: "the pinned platform key is not base64" };
  const verdict = await verifyResponse({
    status: input.status,
    headers: input.headers,
    body: input.body,
    request: input.request,
    now: input.now,
    requiredComponents: DIRECTIVE_REQUIRED_COMPONENTS,
    lookupKey: async (keyId) => (keyId === input.pin.keyId ? { publicKey: raw, status: "active", alg: "ed25519" } : null),
  });
  if (!verdict.ok) return { ok: false, check: verdict.check, reason: verdict.detail };
  let json: unknown;
  try {
    json = JSON.parse(typeof input.body === "string" ? input.body : new TextDecoder().decode(input.body));
  } catch {
    return { ok: false, check: "body", reason: "the signed body is not JSON" };
  }
  const parsed = ZDirectives.safeParse(json);
  if (!parsed.success) return { ok: false, check: "body", reason: `the signed body is not a directives document: ${parsed.error.issues[0]?.message}` };
  if (Date.parse(parsed.data.expiresAt) <= input.now.getTime()) {
    return { ok: false, check: "expired", reason: `directives expired at ${parsed.data.expiresAt}` };
  }
  return { ok: true, directives: parsed.data };
}

export interface DirectivesFile {
  mode: "normal" | "stop-risky";
  /** Why the mode is stop-risky; null in normal mode. */
  reason: string | null;
  checkedAt: string;
  /** When these directives stop counting (the sandbox must treat a past value as stop-risky too). */
  expiresAt: string | null;
  platformKeyId: string;
  /** The last verified directives (possibly expired); null before the first. */
  directives: AgentDirectives | null;
}

/** The file content for the current state. */
export function directivesState(input: {
  lastVerified: AgentDirectives | null;
  refusal: string | null;
  now: Date;
  platformKeyId: string;
}): DirectivesFile {
  const base = {
    checkedAt: input.now.toISOString(),
    expiresAt: input.lastVerified?.expiresAt ?? null,
    platformKeyId: input.platformKeyId,
    directives: input.lastVerified,
  };
  if (input.refusal) return { mode: "stop-risky", reason: input.refusal, ...base };
  if (!input.lastVerified) return { mode: "stop-risky", reason: "no verified directives yet", ...base };
  if (Date.parse(input.lastVerified.expiresAt) <= input.now.getTime()) {
    return { mode: "stop-risky", reason: `directives expired at ${input.lastVerified.expiresAt}`, ...base };
  }
  return { mode: "normal", reason: null, ...base };
}

export function writeDirectivesFile(file: string, state: DirectivesFile): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, 0o644);
}
