import { createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeContentDigest, verifyContentDigest } from "./content-digest";
import {
  Ed25519KeyError,
  generateEd25519Key,
  privateKeyFromPem,
  privateKeyFromSeed,
  publicKeyFromRaw,
  rawPublicKey,
  rawPublicKeyBase64,
  toPrivateKey,
  toPublicKey,
} from "./ed25519-keys";

// RFC 9530 Appendix B / RFC 9421 Appendix B.2 body: {"hello": "world"} (18 bytes).
const HELLO = '{"hello": "world"}';
const HELLO_SHA256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
const HELLO_SHA512 = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

describe("Content-Digest (RFC 9530)", () => {
  it("computes the RFC example digests for string and byte bodies", () => {
    expect(computeContentDigest(HELLO)).toBe(HELLO_SHA256);
    expect(computeContentDigest(new TextEncoder().encode(HELLO), ["sha-512"])).toBe(HELLO_SHA512);
    expect(computeContentDigest(HELLO, ["sha-256", "sha-512"])).toBe(`${HELLO_SHA256}, ${HELLO_SHA512}`);
  });

  it("verifies sha-256 and sha-512, and every supported algorithm when several are sent", () => {
    expect(verifyContentDigest(HELLO_SHA256, HELLO)).toEqual({ ok: true, algorithms: ["sha-256"] });
    expect(verifyContentDigest(HELLO_SHA512, HELLO)).toEqual({ ok: true, algorithms: ["sha-512"] });
    expect(verifyContentDigest(`md5=:AAAAAAAAAAAAAAAAAAAAAA==:, ${HELLO_SHA512}, ${HELLO_SHA256}`, HELLO)).toEqual({
      ok: true,
      algorithms: ["sha-512", "sha-256"],
    });
    const wrong512 = computeContentDigest("other", ["sha-512"]);
    expect(verifyContentDigest(`${HELLO_SHA256}, ${wrong512}`, HELLO)).toMatchObject({ ok: false, check: "digest-mismatch" });
  });

  it("detects a changed body", () => {
    expect(verifyContentDigest(HELLO_SHA256, `${HELLO}\n`)).toMatchObject({ ok: false, check: "digest-mismatch" });
    expect(verifyContentDigest(computeContentDigest(""), undefined)).toEqual({ ok: true, algorithms: ["sha-256"] });
  });

  it.each([
    ["only unsupported algorithms", "md5=:AAAAAAAAAAAAAAAAAAAAAA==:, sha=:AAAAAAAAAAAAAAAAAAAAAAAAAAA=:"],
    ["a non-byte-sequence value", 'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="'],
    ["bad base64", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:"],
    ["not a dictionary", "sha-256"],
    ["garbage", ":::"],
  ])("refuses %s as bad-digest", (_why, header) => {
    expect(verifyContentDigest(header, HELLO)).toMatchObject({ ok: false, check: "bad-digest" });
  });

  it("treats a digest of the wrong length as a mismatch", () => {
    expect(verifyContentDigest("sha-256=:AQID:", HELLO)).toMatchObject({ ok: false, check: "digest-mismatch" });
  });
});

describe("Ed25519 key helpers", () => {
  it("converts raw public keys to KeyObjects and back (SPKI prefix 302a300506032b6570032100)", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const der = publicKey.export({ format: "der", type: "spki" });
    expect(der.subarray(0, 12).toString("hex")).toBe("302a300506032b6570032100");
    const raw = rawPublicKey(publicKey);
    expect(raw).toHaveLength(32);
    expect(publicKeyFromRaw(raw).equals(publicKey)).toBe(true);
    expect(publicKeyFromRaw(Buffer.from(raw).toString("base64")).equals(publicKey)).toBe(true);
  });

  it("builds a private key from a 32-byte seed that signs for the matching public key", () => {
    const seed = randomBytes(32);
    const key = privateKeyFromSeed(seed);
    const signature = sign(null, Buffer.from("data"), key);
    expect(verify(null, Buffer.from("data"), publicKeyFromRaw(rawPublicKey(key)), signature)).toBe(true);
    expect(toPrivateKey(seed).equals(key)).toBe(true);
  });

  it("generates a key: raw public base64 + PKCS#8 PEM private that belong together", () => {
    const generated = generateEd25519Key();
    expect(Buffer.from(generated.publicKeyBase64, "base64")).toHaveLength(32);
    expect(generated.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const priv = privateKeyFromPem(generated.privateKeyPem);
    expect(rawPublicKeyBase64(priv)).toBe(generated.publicKeyBase64);
    expect(toPublicKey(priv).equals(createPublicKey(priv))).toBe(true);
  });

  it("refuses wrong lengths, bad base64 and non-Ed25519 keys with Ed25519KeyError", () => {
    expect(() => publicKeyFromRaw(new Uint8Array(31))).toThrow(Ed25519KeyError);
    expect(() => publicKeyFromRaw("not base64!")).toThrow(Ed25519KeyError);
    expect(() => privateKeyFromSeed(new Uint8Array(33))).toThrow(Ed25519KeyError);
    expect(() => privateKeyFromPem("nonsense")).toThrow(Ed25519KeyError);
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(() => toPrivateKey(ec.privateKey)).toThrow(Ed25519KeyError);
    expect(() => toPublicKey(ec.publicKey)).toThrow(Ed25519KeyError);
    expect(() => toPrivateKey(generateKeyPairSync("ed25519").publicKey)).toThrow(Ed25519KeyError);
  });
});
