import type { KeyObject } from "node:crypto";

/** Which check refused a signed message. Stable strings: the route maps them to problem types. */
export type VerifyCheck =
  | "missing-headers"
  | "malformed-signature-input"
  | "malformed-signature"
  | "unknown-key"
  | "revoked-key"
  | "unsupported-algorithm"
  | "missing-component"
  | "bad-digest"
  | "digest-mismatch"
  | "stale-created"
  | "expired"
  | "missing-nonce"
  | "bad-signature";

export const VERIFY_CHECKS: readonly VerifyCheck[] = [
  "missing-headers",
  "malformed-signature-input",
  "malformed-signature",
  "unknown-key",
  "revoked-key",
  "unsupported-algorithm",
  "missing-component",
  "bad-digest",
  "digest-mismatch",
  "stale-created",
  "expired",
  "missing-nonce",
  "bad-signature",
];

export interface VerifyFailure {
  ok: false;
  check: VerifyCheck;
  /** Human-readable reason; never contains key material. */
  detail: string;
}

export interface VerifySuccess {
  ok: true;
  keyId: string;
  /** Always present for requests (required there); for responses only when sent. */
  nonce?: string;
  created: number;
  expires?: number;
  label: string;
  tag?: string;
  /** Covered component names in signed order, e.g. ["@method", "@path", "content-digest"]. */
  coveredComponents: string[];
}

export type VerifyResult = VerifySuccess | VerifyFailure;
export type VerifyRequestResult = (VerifySuccess & { nonce: string }) | VerifyFailure;

export interface LookedUpKey {
  /** Raw 32-byte Ed25519 public key, or a KeyObject. */
  publicKey: Uint8Array | KeyObject;
  status: "active" | "revoked";
  alg: "ed25519";
}

/** Resolves a `keyid`; null when unknown. Errors thrown here propagate to the caller. */
export type KeyLookup = (keyId: string) => Promise<LookedUpKey | null>;
