/**
 * Interoperability of lib/domain/http-signatures with an independent
 * RFC 9421 implementation (npm `http-message-signatures`), Ed25519 through
 * node:crypto on both sides. No database involved.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createSigner, createVerifier, httpbis } from "http-message-signatures";
import { describe, expect, it } from "vitest";
import { computeContentDigest, rawPublicKey, signRequest, signResponse, verifyRequest, verifyResponse } from "@/lib/domain/http-signatures";

function fixture() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const keyId = `host-${randomBytes(4).toString("hex")}`;
  const lookupKey = async (id: string) =>
    id === keyId ? { publicKey: rawPublicKey(publicKey), status: "active" as const, alg: "ed25519" as const } : null;
  const body = JSON.stringify({ events: [{ id: randomBytes(8).toString("hex"), type: "service.start", attributes: { n: 1 } }] });
  const url = `https://console.example:8443/api/v1/ingest?batch=${randomBytes(3).toString("hex")}`;
  const theirKeys = {
    async keyLookup(params: { keyid?: string }) {
      return params.keyid === keyId ? { id: keyId, algs: ["ed25519"], verify: createVerifier(publicKey, "ed25519") } : null;
    },
  };
  return { privateKey, publicKey, keyId, lookupKey, body, url, theirKeys };
}

describe("http-message-signatures signs, we verify", () => {
  it("accepts a request it signed over method, path, query, authority, content-digest and content-type", async () => {
    const f = fixture();
    const now = new Date();
    const headers = { "Content-Type": "application/json", "Content-Digest": computeContentDigest(f.body) };
    const signed = await httpbis.signMessage(
      {
        key: createSigner(f.privateKey, "ed25519", f.keyId),
        name: "sig1",
        fields: ["@method", "@path", "@query", "@authority", "content-digest", "content-type"],
        params: ["created", "expires", "nonce", "keyid", "alg"],
        paramValues: { created: now, nonce: "their-nonce-1" },
      },
      { method: "POST", url: f.url, headers },
    );
    const result = await verifyRequest({
      method: "POST",
      url: f.url,
      headers: signed.headers as Record<string, string>,
      body: f.body,
      now,
      lookupKey: f.lookupKey,
      requiredComponents: ["@method", "@path", "@authority"],
    });
    expect(result).toMatchObject({
      ok: true,
      keyId: f.keyId,
      nonce: "their-nonce-1",
      created: Math.floor(now.getTime() / 1000),
      expires: Math.floor(now.getTime() / 1000) + 300,
      coveredComponents: ["@method", "@path", "@query", "@authority", "content-digest", "content-type"],
    });
  });

  it("refuses its signature when the body or a covered header was changed afterwards", async () => {
    const f = fixture();
    const now = new Date();
    const headers = { "Content-Type": "application/json", "Content-Digest": computeContentDigest(f.body) };
    const signed = await httpbis.signMessage(
      { key: createSigner(f.privateKey, "ed25519", f.keyId), name: "sig1", fields: ["@method", "@path", "content-digest", "content-type"], params: ["created", "nonce", "keyid"], paramValues: { created: now, nonce: "n" } },
      { method: "POST", url: f.url, headers },
    );
    const base = { method: "POST", url: f.url, now, lookupKey: f.lookupKey };
    const h = signed.headers as Record<string, string>;
    expect(await verifyRequest({ ...base, headers: h, body: `${f.body} ` })).toMatchObject({ ok: false, check: "digest-mismatch" });
    expect(await verifyRequest({ ...base, headers: { ...h, "Content-Type": "text/plain" }, body: f.body })).toMatchObject({ ok: false, check: "bad-signature" });
  });
});

describe("we sign, http-message-signatures verifies", () => {
  it("accepts our signed request (with our Content-Digest and nonce)", async () => {
    const f = fixture();
    const created = Math.floor(Date.now() / 1000) - 2; // its verifier refuses a created time in the future
    const added = signRequest({ method: "POST", url: f.url, headers: { "Content-Type": "application/json" }, body: f.body, keyId: f.keyId, privateKey: f.privateKey, created, components: ["@method", "@path", "@query", "@authority", "@scheme", "@target-uri", "@request-target", "content-digest", "content-type"] });
    expect(added["Content-Digest"]).toBe(computeContentDigest(f.body));
    const verified = await httpbis.verifyMessage(
      { ...f.theirKeys, requiredFields: ["@method", "@path", "content-digest"], requiredParams: ["created", "keyid", "nonce", "alg"] },
      { method: "POST", url: f.url, headers: { "Content-Type": "application/json", ...added } },
    );
    expect(verified).toBe(true);
  });

  it("its verifier rejects our signature once a covered component is tampered with", async () => {
    const f = fixture();
    const created = Math.floor(Date.now() / 1000) - 2;
    const added = signRequest({ method: "POST", url: f.url, headers: { "Content-Type": "application/json" }, body: f.body, keyId: f.keyId, privateKey: f.privateKey, created });
    const verified = await httpbis.verifyMessage(f.theirKeys, {
      method: "POST",
      url: f.url.replace("/ingest", "/jobs"),
      headers: { "Content-Type": "application/json", ...added },
    });
    expect(verified).toBe(false);
  });

  it("accepts our signed response and we accept its signed response (@status, content-type, content-digest)", async () => {
    const f = fixture();
    const created = Math.floor(Date.now() / 1000) - 2;
    const body = JSON.stringify({ killSwitches: [], expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const ours = signResponse({ status: 200, headers: { "Content-Type": "application/json" }, body, keyId: f.keyId, privateKey: f.privateKey, created, expires: created + 120 });
    const theirVerdict = await httpbis.verifyMessage(
      { ...f.theirKeys, requiredFields: ["@status", "content-digest", "content-type"] },
      { status: 200, headers: { "Content-Type": "application/json", ...ours } },
    );
    expect(theirVerdict).toBe(true);

    const now = new Date();
    const theirs = await httpbis.signMessage(
      { key: createSigner(f.privateKey, "ed25519", f.keyId), name: "sig1", fields: ["@status", "content-type", "content-digest"], paramValues: { created: now } },
      { status: 200, headers: { "Content-Type": "application/json", "Content-Digest": computeContentDigest(body) } },
    );
    const ourVerdict = await verifyResponse({ status: 200, headers: theirs.headers as Record<string, string>, body, now, lookupKey: f.lookupKey, requiredComponents: ["@status", "content-type"] });
    expect(ourVerdict).toMatchObject({ ok: true, keyId: f.keyId, coveredComponents: ["@status", "content-type", "content-digest"] });
  });
});
