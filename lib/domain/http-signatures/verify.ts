/**
 * Verifying signed requests (hosts → console) and signed responses
 * (console → hosts), RFC 9421 §3.2 with Ed25519 only.
 *
 * Order of checks (the first failure is reported):
 *  1. headers present and parseable, one signature selected (select-signature.ts);
 *  2. parameters: keyid, created (integer), alg (only "ed25519"), nonce (requests);
 *  3. required components covered;
 *  4. signature base built from the message (covered fields present, components supported);
 *  5. created within ±maxSkewSeconds of `now` (inclusive), expires in the future;
 *  6. Content-Digest recomputed from the actual body bytes — before any key
 *     lookup or signature check;
 *  7. key looked up: unknown → unknown-key, revoked → revoked-key;
 *  8. Ed25519 signature over the exact base.
 */
import { type KeyObject, verify as cryptoVerify } from "node:crypto";
import { type Body, bodyBytes, verifyContentDigest } from "./content-digest";
import { Ed25519KeyError, toPublicKey } from "./ed25519-keys";
import { selectSignature } from "./select-signature";
import {
  buildSignatureBase,
  componentIdentifier,
  fieldValue,
  type HeaderInput,
  type Message,
  type RequestMessage,
  SignatureBaseError,
} from "./signature-base";
import { serializeParams } from "./structured-fields-serialize";
import { type Item, StructuredFieldError } from "./structured-fields-types";
import type { KeyLookup, VerifyFailure, VerifyRequestResult, VerifyResult } from "./verify-types";

interface CommonVerifyInput {
  headers: HeaderInput;
  body?: Body | null;
  /** The verifier's clock. */
  now: Date;
  /** Default 300. `created` may differ from `now` by at most this many seconds. */
  maxSkewSeconds?: number;
  lookupKey: KeyLookup;
  /** Only consider the signature with this label. */
  label?: string;
}

export interface VerifyRequestInput extends CommonVerifyInput, RequestMessage {
  /** Default ["@method", "@path"]; "content-digest" is always added when the body is non-empty. */
  requiredComponents?: string[];
}

export interface VerifyResponseInput extends CommonVerifyInput {
  status: number;
  /** The request answered, when covered components carry `;req`. */
  request?: RequestMessage;
  /** Default ["@status"]; "content-digest" is always added when the body is non-empty. */
  requiredComponents?: string[];
  /** Default false for responses. */
  requireNonce?: boolean;
}

const fail = (check: VerifyFailure["check"], detail: string): VerifyFailure => ({ ok: false, check, detail });

function componentName(id: Item): string {
  return String(id.value) + serializeParams(id.params);
}

async function verifyMessage(
  message: Message,
  input: CommonVerifyInput,
  required: string[],
  requireNonce: boolean,
): Promise<VerifyResult> {
  const selected = selectSignature(input.headers, { label: input.label, requireNonce });
  if ("check" in selected) return selected;

  let covered: string[];
  try {
    covered = selected.components.map(componentName);
  } catch {
    return fail("malformed-signature-input", "a covered component identifier cannot be serialized");
  }
  const body = bodyBytes(input.body);
  const mustCover = new Set(required.map((spec) => componentName(componentIdentifier(spec))));
  if (body.length > 0) mustCover.add("content-digest");
  for (const name of mustCover) {
    if (!covered.includes(name)) return fail("missing-component", `the signature must cover "${name}"`);
  }

  let digestHeader: string | null;
  try {
    digestHeader = fieldValue(input.headers, "content-digest");
  } catch {
    return fail("bad-digest", "Content-Digest contains a line break");
  }
  if (body.length > 0 && digestHeader === null) return fail("missing-headers", "a message with a body needs a Content-Digest header");

  let base: string;
  try {
    base = buildSignatureBase(message, selected.components, selected.input.params);
  } catch (error) {
    if (error instanceof SignatureBaseError && error.code === "missing-component") return fail("missing-component", error.message);
    if (error instanceof SignatureBaseError || error instanceof StructuredFieldError) {
      return fail("malformed-signature-input", error.message);
    }
    throw error;
  }

  const now = Math.floor(input.now.getTime() / 1000);
  const maxSkew = input.maxSkewSeconds ?? 300;
  if (Math.abs(now - selected.created) > maxSkew) {
    return fail("stale-created", `created is ${now - selected.created} s from the server clock (allowed ±${maxSkew} s)`);
  }
  if (selected.expires !== undefined && selected.expires <= now) {
    return fail("expired", "the signature's expires time has passed");
  }

  if (digestHeader !== null) {
    const digest = verifyContentDigest(digestHeader, body);
    if (!digest.ok) return fail(digest.check, digest.detail);
  }

  const key = await input.lookupKey(selected.keyId);
  if (key === null) return fail("unknown-key", `no key is registered with keyid "${selected.keyId}"`);
  if (key.status === "revoked") return fail("revoked-key", `key "${selected.keyId}" has been revoked`);
  if (key.alg !== "ed25519") return fail("unsupported-algorithm", `key "${selected.keyId}" is not an ed25519 key`);
  let publicKey: KeyObject;
  try {
    publicKey = toPublicKey(key.publicKey);
  } catch (error) {
    if (error instanceof Ed25519KeyError) return fail("unknown-key", `key "${selected.keyId}" is not a usable Ed25519 public key`);
    throw error;
  }
  if (!cryptoVerify(null, Buffer.from(base, "utf8"), publicKey, selected.signature)) {
    return fail("bad-signature", "the signature does not match the signed components");
  }
  return {
    ok: true,
    keyId: selected.keyId,
    nonce: selected.nonce,
    created: selected.created,
    expires: selected.expires,
    label: selected.label,
    tag: selected.tag,
    coveredComponents: covered,
  };
}

/** Verifies a host's signed request. Never throws for bad input; lookupKey errors propagate. */
export async function verifyRequest(input: VerifyRequestInput): Promise<VerifyRequestResult> {
  const message: Message = { kind: "request", method: input.method, url: input.url, headers: input.headers };
  const result = await verifyMessage(message, input, input.requiredComponents ?? ["@method", "@path"], true);
  if (!result.ok) return result;
  return { ...result, nonce: result.nonce as string };
}

/** Verifies a platform-signed response (e.g. directives), offline on the host. */
export async function verifyResponse(input: VerifyResponseInput): Promise<VerifyResult> {
  const message: Message = { kind: "response", status: input.status, headers: input.headers, request: input.request };
  return verifyMessage(message, input, input.requiredComponents ?? ["@status"], input.requireNonce ?? false);
}
