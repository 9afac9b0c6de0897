/**
 * Reads Signature-Input / Signature, picks the signature to check and
 * validates its parameters. Pure; no key material involved.
 *
 * Choice among several signatures: when a label is requested only that one
 * is considered. Otherwise the first Signature-Input member (in header order)
 * that is an inner list, has a Signature member of the same label and carries
 * our required parameters (`keyid`, `created`, and `nonce` when required) is
 * chosen; if none carries them all, the first member with a matching
 * Signature is chosen so the failure names the missing parameter.
 */
import { fieldValue, type HeaderInput } from "./signature-base";
import { parseDictionary } from "./structured-fields-parse";
import { type Dictionary, type InnerList, type Item, type Member, StructuredFieldError } from "./structured-fields-types";
import type { VerifyFailure } from "./verify-types";

export interface SelectedSignature {
  label: string;
  input: InnerList;
  components: Item[];
  signature: Uint8Array;
  keyId: string;
  created: number;
  expires?: number;
  nonce?: string;
  alg?: string;
  tag?: string;
}

const fail = (check: VerifyFailure["check"], detail: string): VerifyFailure => ({ ok: false, check, detail });

function parse(headers: HeaderInput, name: string): Dictionary | VerifyFailure | null {
  const raw = fieldValue(headers, name);
  if (raw === null || raw.trim() === "") return null;
  try {
    return parseDictionary(raw);
  } catch (error) {
    const why = error instanceof StructuredFieldError ? error.message : "unreadable";
    return fail(name === "signature" ? "malformed-signature" : "malformed-signature-input", `${name} header: ${why}`);
  }
}

function hasRequiredParams(member: InnerList, requireNonce: boolean): boolean {
  const p = member.params;
  return (
    typeof p.get("keyid") === "string" &&
    typeof p.get("created") === "number" &&
    (!requireNonce || typeof p.get("nonce") === "string")
  );
}

export function selectSignature(
  headers: HeaderInput,
  options: { label?: string; requireNonce: boolean },
): SelectedSignature | VerifyFailure {
  let inputs: Dictionary | VerifyFailure | null;
  let signatures: Dictionary | VerifyFailure | null;
  try {
    inputs = parse(headers, "signature-input");
    signatures = parse(headers, "signature");
  } catch {
    return fail("malformed-signature-input", "Signature-Input or Signature header contains a line break");
  }
  if (inputs === null || signatures === null) {
    return fail("missing-headers", "both Signature-Input and Signature headers are required");
  }
  if (!(inputs instanceof Map)) return inputs;
  if (!(signatures instanceof Map)) return signatures;

  const candidates = [...inputs].filter(
    ([label, member]) => (options.label === undefined || label === options.label) && signatures.has(label) && member.kind === "inner-list",
  ) as [string, InnerList][];
  if (candidates.length === 0) {
    const wanted = options.label === undefined ? "" : ` labelled "${options.label}"`;
    return fail("malformed-signature-input", `no Signature-Input inner list${wanted} has a matching Signature member`);
  }
  const [label, input] = candidates.find(([, m]) => hasRequiredParams(m, options.requireNonce)) ?? candidates[0]!;
  return readSignature(label, input, signatures.get(label)!, options.requireNonce);
}

function readSignature(label: string, input: InnerList, sigMember: Member, requireNonce: boolean): SelectedSignature | VerifyFailure {
  if (sigMember.kind !== "item" || !(sigMember.value instanceof Uint8Array)) {
    return fail("malformed-signature", `Signature member "${label}" is not a byte sequence`);
  }
  if (sigMember.value.length !== 64) {
    return fail("malformed-signature", `Signature member "${label}" is not a 64-byte Ed25519 signature`);
  }
  const p = input.params;
  const str = (name: string): string | undefined | VerifyFailure => {
    const v = p.get(name);
    if (v === undefined || typeof v === "string") return v;
    return fail("malformed-signature-input", `parameter "${name}" must be a string`);
  };
  const int = (name: string): number | undefined | VerifyFailure => {
    const v = p.get(name);
    if (v === undefined || typeof v === "number") return v;
    return fail("malformed-signature-input", `parameter "${name}" must be an integer`);
  };
  const keyId = str("keyid");
  const nonce = str("nonce");
  const alg = str("alg");
  const tag = str("tag");
  const created = int("created");
  const expires = int("expires");
  for (const v of [keyId, nonce, alg, tag, created, expires]) if (typeof v === "object") return v;
  if (typeof keyId !== "string" || keyId === "") return fail("malformed-signature-input", 'parameter "keyid" is required');
  if (typeof created !== "number") return fail("malformed-signature-input", 'parameter "created" is required');
  if (alg !== undefined && alg !== "ed25519") return fail("unsupported-algorithm", `alg "${alg}" is not supported; only "ed25519"`);
  if (requireNonce && (typeof nonce !== "string" || nonce === "")) return fail("missing-nonce", 'parameter "nonce" is required');
  for (const component of input.items) {
    if (typeof component.value !== "string") {
      return fail("malformed-signature-input", "every covered component must be a string");
    }
  }
  return {
    label,
    input,
    components: input.items,
    signature: sigMember.value,
    keyId,
    created,
    expires: expires as number | undefined,
    nonce: nonce as string | undefined,
    alg: alg as string | undefined,
    tag: tag as string | undefined,
  };
}
