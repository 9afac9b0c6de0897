/**
 * Ed25519 key helpers: raw 32-byte keys (as stored in the console and the
 * registry manifest, base64) ⇄ node:crypto KeyObjects.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { strictBase64 } from "./structured-fields-parse";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): 12 bytes, then the raw key. */
export const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
/** DER prefix of an Ed25519 PKCS#8 PrivateKeyInfo (RFC 8410): 16 bytes, then the seed. */
export const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export class Ed25519KeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Ed25519KeyError";
  }
}

function rawBytes(raw: Uint8Array | string, what: string): Buffer {
  const bytes = typeof raw === "string" ? strictBase64(raw.trim()) : raw;
  if (!bytes) throw new Ed25519KeyError(`${what} is not valid base64`);
  if (bytes.length !== 32) throw new Ed25519KeyError(`${what} must be 32 bytes, got ${bytes.length}`);
  return Buffer.from(bytes);
}

/** Raw 32-byte public key (bytes or base64) → KeyObject. */
export function publicKeyFromRaw(raw: Uint8Array | string): KeyObject {
  const der = Buffer.concat([ED25519_SPKI_PREFIX, rawBytes(raw, "Ed25519 public key")]);
  try {
    return createPublicKey({ key: der, format: "der", type: "spki" });
  } catch {
    throw new Ed25519KeyError("Ed25519 public key was refused by the crypto library");
  }
}

/** Raw 32-byte private seed (bytes or base64) → KeyObject. */
export function privateKeyFromSeed(seed: Uint8Array | string): KeyObject {
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, rawBytes(seed, "Ed25519 private seed")]);
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

/** PKCS#8 PEM text → Ed25519 private KeyObject. */
export function privateKeyFromPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new Ed25519KeyError("private key is not a readable PEM key");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Ed25519KeyError("private key is not an Ed25519 key");
  return key;
}

/** Raw 32-byte public key of an Ed25519 public (or private) KeyObject. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== "ed25519") throw new Ed25519KeyError("key is not an Ed25519 key");
  const der = pub.export({ format: "der", type: "spki" });
  return new Uint8Array(der.subarray(ED25519_SPKI_PREFIX.length));
}

export function rawPublicKeyBase64(key: KeyObject): string {
  return Buffer.from(rawPublicKey(key)).toString("base64");
}

/** Accepts a KeyObject or a raw 32-byte seed; checks it is an Ed25519 private key. */
export function toPrivateKey(key: KeyObject | Uint8Array): KeyObject {
  if (key instanceof Uint8Array) return privateKeyFromSeed(key);
  if (key.type !== "private" || key.asymmetricKeyType !== "ed25519") {
    throw new Ed25519KeyError("signing key must be an Ed25519 private key");
  }
  return key;
}

/** Accepts a KeyObject or raw 32 bytes; checks it is an Ed25519 public key. */
export function toPublicKey(key: KeyObject | Uint8Array): KeyObject {
  if (key instanceof Uint8Array) return publicKeyFromRaw(key);
  const pub = key.type === "private" ? createPublicKey(key) : key;
  if (pub.asymmetricKeyType !== "ed25519") throw new Ed25519KeyError("verification key is not an Ed25519 key");
  return pub;
}

export interface GeneratedEd25519Key {
  /** Raw 32-byte public key, base64 — what the console registers. */
  publicKeyBase64: string;
  /** PKCS#8 PEM private key — what the host keeps. */
  privateKeyPem: string;
}

export function generateEd25519Key(): GeneratedEd25519Key {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKeyBase64: rawPublicKeyBase64(publicKey),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}
