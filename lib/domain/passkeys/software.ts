/**
 * A software authenticator (ES256, "none" attestation, user present and
 * verified): what the demo seed's approver signs its votes with, and what
 * integration tests generate registrations and assertions with. It speaks the
 * WebAuthn JSON the browser would send (RegistrationResponseJSON,
 * AuthenticationResponseJSON), so the server verifies it exactly as it
 * verifies a phone or a security key. Browser tests use Chromium's virtual
 * authenticator instead.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { b64url } from "./index";

/** Minimal CBOR writer: non-negative and negative integers, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) {
      const b = Buffer.alloc(3);
      b[0] = (major << 5) | 25;
      b.writeUInt16BE(n, 1);
      return b;
    }
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "utf8");
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), Buffer.from(value)]);
  if (value instanceof Map) {
    const parts: Buffer[] = [head(5, value.size)];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return Buffer.concat(parts);
  }
  throw new Error(`cannot CBOR-encode ${typeof value}`);
}

const FLAGS = { UP: 0x01, UV: 0x04, AT: 0x40 };

export interface SoftwareCredential {
  id: string;
  privateKey: KeyObject;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
}

export class SoftwareAuthenticator {
  readonly credential: SoftwareCredential;

  constructor(readonly rp: { id: string; origin: string }) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" }) as { x: string; y: string };
    const cose = cbor(new Map<number, unknown>([[1, 2], [3, -7], [-1, 1], [-2, b64url.decode(jwk.x)], [-3, b64url.decode(jwk.y)]]));
    this.credential = { id: b64url.encode(randomBytes(16)), privateKey, publicKey: b64url.encode(cose), counter: 0 };
  }

  private authData(flags: number, attested?: Buffer): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.credential.counter);
    return Buffer.concat([createHash("sha256").update(this.rp.id).digest(), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  private clientData(type: "webauthn.create" | "webauthn.get", challenge: string, origin = this.rp.origin): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), "utf8");
  }

  /** A RegistrationResponseJSON for `challenge` (base64url), attestation "none". */
  register(challenge: string) {
    const id = b64url.decode(this.credential.id);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    const attested = Buffer.concat([Buffer.alloc(16), length, id, b64url.decode(this.credential.publicKey)]);
    const authData = this.authData(FLAGS.UP | FLAGS.UV | FLAGS.AT, attested);
    const attestationObject = cbor(new Map<string, unknown>([["fmt", "none"], ["attStmt", new Map()], ["authData", authData]]));
    return {
      id: this.credential.id,
      rawId: this.credential.id,
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url.encode(this.clientData("webauthn.create", challenge)),
        attestationObject: b64url.encode(attestationObject),
        transports: ["internal" as const],
      },
      clientExtensionResults: {},
    };
  }

  /**
   * An AuthenticationResponseJSON for `challenge`. `tamper` makes the bad
   * input tests need: another origin, no user verification.
   */
  assert(challenge: string, tamper: { origin?: string; uv?: boolean } = {}) {
    this.credential.counter += 1;
    const authData = this.authData(FLAGS.UP | (tamper.uv === false ? 0 : FLAGS.UV));
    const clientDataJSON = this.clientData("webauthn.get", challenge, tamper.origin);
    const signature = sign("sha256", Buffer.concat([authData, createHash("sha256").update(clientDataJSON).digest()]), { key: this.credential.privateKey, dsaEncoding: "der" });
    return {
      id: this.credential.id,
      rawId: this.credential.id,
      type: "public-key" as const,
      response: { clientDataJSON: b64url.encode(clientDataJSON), authenticatorData: b64url.encode(authData), signature: b64url.encode(signature) },
      clientExtensionResults: {},
    };
  }
}
