import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type Directives, directivesResponse } from "@/lib/server/directives";
import { platformKeyFromPem, platformKeyId } from "@/lib/server/platform-key";
import { generateEd25519Key, rawPublicKey } from "@/lib/domain/http-signatures";
import { type AgentDirectives, directivesState, platformKeyIdFor, verifyDirectives } from "./directives";

function platformKey() {
  return platformKeyFromPem(generateEd25519Key().privateKeyPem, "test");
}

const request = { method: "GET", url: "https://console.example/api/v1/directives", headers: {} };

function directives(now: Date, ttlSec = 60, issuedAgoSec = 0): Directives {
  const issued = new Date(Math.floor(now.getTime() / 1000) * 1000 - issuedAgoSec * 1000);
  return {
    host: "sandbox-01",
    profiles: [{ slug: "acme-bot", tenant: "acme", policyVersion: null, policyFailClosed: false }],
    killSwitches: [],
    policyVersion: null,
    issuedAt: issued.toISOString(),
    expiresAt: new Date(issued.getTime() + ttlSec * 1000).toISOString(),
  };
}

async function signed(d: Directives, key = platformKey()) {
  const response = directivesResponse({ directives: d, key, request });
  return { key, status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
}

describe("verifyDirectives", () => {
  it("accepts the console's signed directives under the pinned key", async () => {
    const now = new Date();
    const d = directives(now);
    const r = await signed(d);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("signature-input")).toContain(`keyid="${r.key.keyId}"`);
    const check = await verifyDirectives({ ...r, request, now, pin: { keyId: r.key.keyId, publicKey: r.key.publicKeyBase64 } });
    expect(check).toEqual({ ok: true, directives: d });
  });

  it("refuses expired directives (→ stop-risky)", async () => {
    const now = new Date();
    const r = await signed(directives(now, 30, 40));
    const check = await verifyDirectives({ ...r, request, now, pin: { keyId: r.key.keyId, publicKey: r.key.publicKeyBase64 } });
    expect(check).toMatchObject({ ok: false, check: "expired" });
  });

  it("refuses a tampered body", async () => {
    const now = new Date();
    const r = await signed(directives(now));
    const text = new TextDecoder().decode(r.body).replace('"killSwitches":[]', '"killSwitches":[ ]');
    const check = await verifyDirectives({ ...r, body: text, request, now, pin: { keyId: r.key.keyId, publicKey: r.key.publicKeyBase64 } });
    expect(check).toMatchObject({ ok: false, check: "digest-mismatch" });
  });

  it("refuses a tampered body whose Content-Digest was recomputed (signature no longer matches)", async () => {
    const now = new Date();
    const r = await signed(directives(now));
    const forged = directives(now, 3600);
    const body = JSON.stringify(forged);
    const { computeContentDigest } = await import("@/lib/domain/http-signatures");
    const headers = new Headers(r.headers);
    headers.set("content-digest", computeContentDigest(body));
    const check = await verifyDirectives({ ...r, headers, body, request, now, pin: { keyId: r.key.keyId, publicKey: r.key.publicKeyBase64 } });
    expect(check).toMatchObject({ ok: false, check: "bad-signature" });
  });

  it("refuses directives signed by another key, whatever keyid they claim", async () => {
    const now = new Date();
    const r = await signed(directives(now));
    const pinned = platformKey();
    expect(await verifyDirectives({ ...r, request, now, pin: { keyId: pinned.keyId, publicKey: pinned.publicKeyBase64 } })).toMatchObject({ ok: false, check: "unknown-key" });
    expect(await verifyDirectives({ ...r, request, now, pin: { keyId: r.key.keyId, publicKey: pinned.publicKeyBase64 } })).toMatchObject({ ok: false, check: "bad-signature" });
  });

  it("refuses a response replayed to a different request path, and a non-200 answer", async () => {
    const now = new Date();
    const r = await signed(directives(now));
    const pin = { keyId: r.key.keyId, publicKey: r.key.publicKeyBase64 };
    const other = { ...request, url: "https://console.example/api/v1/jobs/1" };
    expect(await verifyDirectives({ ...r, request: other, now, pin })).toMatchObject({ ok: false, check: "bad-signature" });
    expect(await verifyDirectives({ ...r, status: 503, request, now, pin })).toMatchObject({ ok: false, check: "status" });
  });

  it("derives the platform key id exactly as the console does", () => {
    const { publicKey } = generateKeyPairSync("ed25519");
    const raw = rawPublicKey(publicKey);
    expect(platformKeyIdFor(Buffer.from(raw).toString("base64"))).toBe(platformKeyId(raw));
    expect(platformKeyId(raw)).toMatch(/^platform-[0-9a-f]{16}$/);
  });
});

describe("directivesState", () => {
  const now = new Date("2026-11-22T20:00:00Z");
  const fresh: AgentDirectives = directives(now);
  it("is normal only with unexpired verified directives", () => {
    expect(directivesState({ lastVerified: fresh, refusal: null, now, platformKeyId: "k" })).toMatchObject({ mode: "normal", reason: null, directives: fresh, expiresAt: fresh.expiresAt });
    expect(directivesState({ lastVerified: null, refusal: null, now, platformKeyId: "k" })).toMatchObject({ mode: "stop-risky", reason: "no verified directives yet" });
    const later = new Date(now.getTime() + 61_000);
    expect(directivesState({ lastVerified: fresh, refusal: null, now: later, platformKeyId: "k" }).mode).toBe("stop-risky");
    expect(directivesState({ lastVerified: fresh, refusal: "directives refused (bad-signature)", now, platformKeyId: "k" })).toMatchObject({ mode: "stop-risky", reason: "directives refused (bad-signature)" });
  });
});
