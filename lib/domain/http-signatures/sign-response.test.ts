import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rawPublicKey } from "./ed25519-keys";
import { signResponse } from "./sign";
import { verifyResponse } from "./verify";
import type { LookedUpKey } from "./verify-types";

const NOW = new Date("2026-11-22T12:00:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

function platform() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const keyId = `platform-${randomBytes(3).toString("hex")}`;
  const key: LookedUpKey = { publicKey: rawPublicKey(publicKey), status: "active", alg: "ed25519" };
  const lookupKey = async (id: string) => (id === keyId ? key : null);
  const body = JSON.stringify({ killSwitches: [], policyVersion: randomBytes(4).toString("hex"), issuedAt: NOW.toISOString() });
  const headers = { "Content-Type": "application/json" };
  return { privateKey, keyId, key, lookupKey, body, headers };
}

describe("signResponse / verifyResponse (platform-signed directives)", () => {
  it("covers @status, content-type and content-digest by default and verifies offline", async () => {
    const p = platform();
    const added = signResponse({ status: 200, headers: p.headers, body: p.body, keyId: p.keyId, privateKey: p.privateKey, created: NOW_S, expires: NOW_S + 120 });
    expect(added["Signature-Input"]).toBe(
      `sig1=("@status" "content-type" "content-digest");created=${NOW_S};expires=${NOW_S + 120};keyid="${p.keyId}";alg="ed25519"`,
    );
    const result = await verifyResponse({ status: 200, headers: { ...p.headers, ...added }, body: p.body, now: NOW, lookupKey: p.lookupKey });
    expect(result).toMatchObject({ ok: true, keyId: p.keyId, coveredComponents: ["@status", "content-type", "content-digest"] });
    expect(result.ok && result.nonce).toBeUndefined();
  });

  it("refuses a changed status, a changed body, or an expired response", async () => {
    const p = platform();
    const added = signResponse({ status: 200, headers: p.headers, body: p.body, keyId: p.keyId, privateKey: p.privateKey, created: NOW_S, expires: NOW_S + 60 });
    const headers = { ...p.headers, ...added };
    const base = { headers, body: p.body, now: NOW, lookupKey: p.lookupKey };
    expect(await verifyResponse({ ...base, status: 503 })).toMatchObject({ ok: false, check: "bad-signature" });
    expect(await verifyResponse({ ...base, status: 200, body: p.body.replace("[]", '["all"]') })).toMatchObject({ ok: false, check: "digest-mismatch" });
    expect(await verifyResponse({ ...base, status: 200, now: new Date((NOW_S + 61) * 1000) })).toMatchObject({ ok: false, check: "expired" });
  });

  it("binds a response to its request with ;req components", async () => {
    const p = platform();
    const request = { method: "GET", url: "https://console.example/api/v1/directives", headers: {} };
    const added = signResponse({
      status: 200,
      headers: p.headers,
      body: p.body,
      keyId: p.keyId,
      privateKey: p.privateKey,
      created: NOW_S,
      request,
      components: ["@status", "content-digest", "@method;req", "@path;req"],
    });
    const base = { status: 200, headers: { ...p.headers, ...added }, body: p.body, now: NOW, lookupKey: p.lookupKey };
    const ok = await verifyResponse({ ...base, request, requiredComponents: ["@status", "@path;req"] });
    expect(ok).toMatchObject({ ok: true, coveredComponents: ["@status", "content-digest", "@method;req", "@path;req"] });
    const otherRequest = { ...request, url: "https://console.example/api/v1/jobs/1" };
    expect(await verifyResponse({ ...base, request: otherRequest })).toMatchObject({ ok: false, check: "bad-signature" });
    expect(await verifyResponse(base)).toMatchObject({ ok: false, check: "malformed-signature-input" });
  });

  it("can require a nonce and particular components", async () => {
    const p = platform();
    const added = signResponse({ status: 200, headers: p.headers, body: p.body, keyId: p.keyId, privateKey: p.privateKey, created: NOW_S });
    const base = { status: 200, headers: { ...p.headers, ...added }, body: p.body, now: NOW, lookupKey: p.lookupKey };
    expect(await verifyResponse({ ...base, requireNonce: true })).toMatchObject({ ok: false, check: "missing-nonce" });
    expect(await verifyResponse({ ...base, requiredComponents: ["@status", "x-cellgate-host"] })).toMatchObject({ ok: false, check: "missing-component" });
    const withNonce = signResponse({ status: 200, headers: p.headers, body: p.body, keyId: p.keyId, privateKey: p.privateKey, created: NOW_S, nonce: "d-1" });
    const nonceResult = await verifyResponse({ ...base, headers: { ...p.headers, ...withNonce }, requireNonce: true });
    expect(nonceResult).toMatchObject({ ok: true, nonce: "d-1" });
  });
});
