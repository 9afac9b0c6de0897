/**
 * Passkey-signed decisions. A decision (a vote on a job, a promotion
 * approval) is bound to a *statement*: what is decided, on which exact job
 * hash, by whom, within which time window, with a nonce the console issued.
 * The WebAuthn challenge is
 *
 *     base64url( SHA-256( JCS(statement) ) )
 *
 * so the authenticator's signature (over authenticatorData ‖
 * SHA-256(clientDataJSON), clientDataJSON holding that challenge) proves the
 * holder of the credential approved exactly this — checkable offline by
 * anyone with the statement, the assertion and the credential's public key
 * (`cellgate packet verify`). No Node-only format is involved: COSE keys
 * (ES256, EdDSA, RS256) are read into node:crypto keys directly.
 */
import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { canonicalize } from "../canonical-json";

export const STATEMENT_FORMAT = "cellgate.decision.v1";

export type DecisionAction = "job.approve" | "job.deny";
export type SwitchAction = "killswitch.engage" | "killswitch.release";

/** A vote on a job (or a promotion approval). */
export interface DecisionStatement {
  format: typeof STATEMENT_FORMAT;
  action: DecisionAction;
  /** The job's hash the voter was shown (the vote's seenHash). */
  jobHash: string;
  jobId: string;
  /** The voter's user id. */
  actor: string;
  /** The window the console accepts the assertion in (ISO-8601 UTC). */
  notBefore: string;
  notAfter: string;
  /** Issued by the console, used once. */
  nonce: string;
}

/**
 * Engaging or releasing a kill switch: `switch` is the exact switch decided
 * (engage: scope, tenant and profile ids, capability, reason, automatic
 * release; release: the switch id and the reason).
 */
export interface SwitchStatement {
  format: typeof STATEMENT_FORMAT;
  action: SwitchAction;
  switch: Record<string, string | number | null>;
  actor: string;
  notBefore: string;
  notAfter: string;
  nonce: string;
}

export type AnyStatement = DecisionStatement | SwitchStatement;

/** The evidence a passkey-signed decision keeps (and packets carry). */
export interface DecisionEvidence<S extends AnyStatement = DecisionStatement> {
  statement: S;
  /** The WebAuthn relying party: its id and the console's origin. */
  rp: { id: string; origin: string };
  credential: { id: string; /** COSE public key, base64url. */ publicKey: string };
  /** All base64url, as the browser returned them. */
  assertion: { authenticatorData: string; clientDataJSON: string; signature: string };
}

export const b64url = {
  encode: (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url"),
  decode: (text: string): Buffer => {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
    return Buffer.from(text, "base64url");
  },
};

/** The WebAuthn challenge for a statement: base64url(SHA-256(JCS(statement))). */
export function decisionChallenge(statement: AnyStatement): string {
  return b64url.encode(createHash("sha256").update(canonicalize(statement), "utf8").digest());
}

// --- COSE keys (RFC 9053) → node:crypto ------------------------------------

/** A minimal CBOR reader for COSE_Key maps: unsigned/negative integers, byte and text strings, maps. */
function readCbor(bytes: Buffer, at = 0): { value: unknown; next: number } {
  const head = bytes[at];
  if (head === undefined) throw new Error("CBOR ends early");
  const major = head >> 5;
  let info = head & 0x1f;
  let p = at + 1;
  let n: number;
  if (info < 24) n = info;
  else if (info === 24) n = bytes.readUInt8(p++);
  else if (info === 25) (n = bytes.readUInt16BE(p)), (p += 2);
  else if (info === 26) (n = bytes.readUInt32BE(p)), (p += 4);
  else throw new Error("CBOR length too large for a COSE key");
  info = n;
  switch (major) {
    case 0:
      return { value: info, next: p };
    case 1:
      return { value: -1 - info, next: p };
    case 2:
      return { value: bytes.subarray(p, p + info), next: p + info };
    case 3:
      return { value: bytes.subarray(p, p + info).toString("utf8"), next: p + info };
    case 5: {
      const map = new Map<unknown, unknown>();
      for (let i = 0; i < info; i += 1) {
        const k = readCbor(bytes, p);
        const v = readCbor(bytes, k.next);
        map.set(k.value, v.value);
        p = v.next;
      }
      return { value: map, next: p };
    }
    default:
      throw new Error(`CBOR major type ${major} is not used in COSE keys`);
  }
}

export interface CoseKey {
  key: KeyObject;
  /** COSE algorithm: -7 ES256, -8 EdDSA, -257 RS256. */
  alg: number;
}

/** A COSE_Key (base64url) as a node:crypto public key. */
export function coseToKey(publicKeyB64url: string): CoseKey {
  const { value } = readCbor(b64url.decode(publicKeyB64url));
  if (!(value instanceof Map)) throw new Error("the credential public key is not a COSE_Key map");
  const kty = value.get(1);
  const alg = value.get(3) as number;
  const bytes = (label: number) => {
    const v = value.get(label);
    if (!(v instanceof Buffer)) throw new Error(`the COSE key lacks parameter ${label}`);
    return v.toString("base64url");
  };
  if (kty === 2 && value.get(-1) === 1 && alg === -7) {
    return { alg, key: createPublicKey({ key: { kty: "EC", crv: "P-256", x: bytes(-2), y: bytes(-3) }, format: "jwk" }) };
  }
  if (kty === 1 && value.get(-1) === 6 && alg === -8) {
    return { alg, key: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes(-2) }, format: "jwk" }) };
  }
  if (kty === 3 && alg === -257) {
    return { alg, key: createPublicKey({ key: { kty: "RSA", n: bytes(-1), e: bytes(-2) }, format: "jwk" }) };
  }
  throw new Error(`unsupported credential key (kty ${String(kty)}, alg ${String(alg)})`);
}

function verifyWith(cose: CoseKey, data: Buffer, signature: Buffer): boolean {
  if (cose.alg === -8) return verify(null, data, cose.key, signature);
  if (cose.alg === -7) return verify("sha256", data, { key: cose.key, dsaEncoding: "der" }, signature);
  return verify("sha256", data, cose.key, signature);
}

export type EvidenceCheck = { ok: true } | { ok: false; reason: string };

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;

/**
 * Check a decision's evidence offline: the client data is a webauthn.get for
 * the console's origin whose challenge is the statement's hash; the
 * authenticator data is for the relying party's id with user presence and
 * user verification; the signature over authenticatorData ‖
 * SHA-256(clientDataJSON) verifies with the credential's public key.
 */
export function verifyDecisionEvidence(evidence: DecisionEvidence<AnyStatement>): EvidenceCheck {
  let clientBytes: Buffer;
  let authData: Buffer;
  let signature: Buffer;
  try {
    clientBytes = b64url.decode(evidence.assertion.clientDataJSON);
    authData = b64url.decode(evidence.assertion.authenticatorData);
    signature = b64url.decode(evidence.assertion.signature);
  } catch {
    return { ok: false, reason: "the assertion is not base64url" };
  }
  let client: { type?: unknown; challenge?: unknown; origin?: unknown };
  try {
    client = JSON.parse(clientBytes.toString("utf8")) as typeof client;
  } catch {
    return { ok: false, reason: "the client data is not JSON" };
  }
  if (client.type !== "webauthn.get") return { ok: false, reason: `the client data is a ${String(client.type)}, not an assertion (webauthn.get)` };
  if (client.challenge !== decisionChallenge(evidence.statement)) {
    return { ok: false, reason: "the assertion's challenge is not the hash of the recorded decision: it signed something else (another job, vote or time)" };
  }
  if (client.origin !== evidence.rp.origin) return { ok: false, reason: `the assertion was made on ${String(client.origin)}, not on the console (${evidence.rp.origin})` };
  if (authData.length < 37) return { ok: false, reason: "the authenticator data is too short" };
  const rpIdHash = createHash("sha256").update(evidence.rp.id, "utf8").digest();
  if (!authData.subarray(0, 32).equals(rpIdHash)) return { ok: false, reason: `the authenticator data is for another relying party than ${evidence.rp.id}` };
  const flags = authData[32]!;
  if (!(flags & FLAG_UP)) return { ok: false, reason: "the authenticator did not see the user present" };
  if (!(flags & FLAG_UV)) return { ok: false, reason: "the authenticator did not verify the user" };
  let cose: CoseKey;
  try {
    cose = coseToKey(evidence.credential.publicKey);
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  const signed = Buffer.concat([authData, createHash("sha256").update(clientBytes).digest()]);
  let ok = false;
  try {
    ok = verifyWith(cose, signed, signature);
  } catch {
    ok = false;
  }
  return ok ? { ok: true } : { ok: false, reason: `the signature does not verify with credential ${evidence.credential.id}` };
}
