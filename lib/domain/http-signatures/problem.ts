/**
 * RFC 9457 problem details for a refused signed request: every failure is a
 * 401 whose `type` names the check that failed. `detail` comes from the
 * verifier, which never puts key material in it.
 */
import type { VerifyCheck, VerifyFailure } from "./verify-types";

/** Refusals decided by the route rather than this library (nonce storage). */
export type RouteSignatureCheck = "replayed-nonce";
export type SignatureProblemCheck = VerifyCheck | RouteSignatureCheck;

/** A tag URI (RFC 4151): stable, not meant to be dereferenced. */
export const SIGNATURE_PROBLEM_TYPE_PREFIX = "tag:cellgate,2026:problem/signature/";

const TITLES: Record<SignatureProblemCheck, string> = {
  "missing-headers": "Signature headers missing",
  "malformed-signature-input": "Signature-Input is malformed",
  "malformed-signature": "Signature is malformed",
  "unknown-key": "Unknown signing key",
  "revoked-key": "Signing key revoked",
  "unsupported-algorithm": "Unsupported signature algorithm",
  "missing-component": "Required component not signed",
  "bad-digest": "Content-Digest is unusable",
  "digest-mismatch": "Content-Digest does not match the body",
  "stale-created": "Signature creation time outside the allowed clock skew",
  expired: "Signature expired",
  "missing-nonce": "Signature nonce missing",
  "bad-signature": "Signature does not verify",
  "replayed-nonce": "Signature nonce already used",
};

export interface SignatureProblem {
  type: string;
  title: string;
  status: 401;
  detail: string;
  check: SignatureProblemCheck;
}

export function signatureProblem(failure: Pick<VerifyFailure, "detail"> & { check: SignatureProblemCheck }): SignatureProblem {
  return {
    type: SIGNATURE_PROBLEM_TYPE_PREFIX + failure.check,
    title: TITLES[failure.check],
    status: 401,
    detail: failure.detail,
    check: failure.check,
  };
}
