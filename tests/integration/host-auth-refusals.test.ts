/**
 * Every signature refusal of the host API through real HTTP against the BUILT
 * console (PostgreSQL): 401 problem+json naming the failed check, nothing
 * stored. Plus interoperability: requests signed by the independent
 * `http-message-signatures` package are accepted.
 */
import { createPrivateKey } from "node:crypto";
import { createSigner, httpbis } from "http-message-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeContentDigest, generateEd25519Key } from "../../lib/domain/http-signatures";
import type { TestDatabase } from "../support/databases";
import { startIngestApp, stopIngestApp, type AppProcess } from "../support/app-process";
import { batch, createTestHost, eventId, post, sign, signedPost, type TestHost } from "../support/signed-client";

let database: TestDatabase;
let app: (AppProcess & { logDir: string }) | undefined;
let host: TestHost;
let url: string;

beforeAll(async () => {
  ({ database, host, app, url } = await startIngestApp());
}, 180_000);
afterAll(() => stopIngestApp({ app, database }));

const body = () => batch([{ id: eventId(), type: "service.start", profile: host.profiles[0] }]);
const stored = () => database.prisma.ingestEvent.count({ where: { hostId: host.hostId } });

async function refused(res: Response, check: string) {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const problem = await res.json();
  expect(problem).toMatchObject({ type: `tag:cellgate,2026:problem/signature/${check}`, status: 401, check });
  return problem;
}

describe("signed request refusals (401)", () => {
  it("missing signature headers", async () => {
    const res = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: body() });
    await refused(res, "missing-headers");
  });

  it("unknown key", async () => {
    const stranger = { keyId: "nobody-k1", privateKey: createPrivateKey(generateEd25519Key().privateKeyPem) };
    await refused(await signedPost({ url, body: body(), host: stranger }), "unknown-key");
  });

  it("a Content-Digest of other bytes than the body", async () => {
    const wrongDigest = sign({ url, body: body(), host });
    wrongDigest.headers["Content-Digest"] = computeContentDigest("something else");
    await refused(await post(wrongDigest), "digest-mismatch");
  });

  it("refuses each tampering with the check that caught it and stores nothing", async () => {
    const before = await stored();
    const tamperedBody = sign({ url, body: body(), host });
    tamperedBody.body = String(tamperedBody.body).replace("service.start", "service.stop");
    await refused(await post(tamperedBody), "digest-mismatch");

    const badDigest = sign({ url, body: body(), host });
    badDigest.headers["Content-Digest"] = "sha-256=:not base64!:";
    await refused(await post(badDigest), "bad-digest");

    const nonce = `n-${eventId()}`;
    const tamperedSig = sign({ url, body: body(), host, nonce });
    const sig = tamperedSig.headers.Signature!;
    const b64 = sig.slice(sig.indexOf(":") + 1, sig.lastIndexOf(":"));
    const bytes = Buffer.from(b64, "base64");
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    tamperedSig.headers.Signature = `sig1=:${bytes.toString("base64")}:`;
    await refused(await post(tamperedSig), "bad-signature");
    expect(await stored()).toBe(before);
    expect(await database.prisma.signatureNonce.count({ where: { keyId: host.keyId, nonce } })).toBe(0);
  });

  it("created 310 s in the past or future is refused; 290 s either way is accepted", async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(await signedPost({ url, body: body(), host, created: now - 310 }), "stale-created");
    await refused(await signedPost({ url, body: body(), host, created: now + 310 }), "stale-created");
    expect((await signedPost({ url, body: body(), host, created: now - 290 })).status).toBe(202);
    expect((await signedPost({ url, body: body(), host, created: now + 290 })).status).toBe(202);
  });

  it("a reused nonce is refused as a replay, even with a fresh signature", async () => {
    const first = sign({ url, body: body(), host, nonce: `n-${eventId()}` });
    expect((await post(first)).status).toBe(202);
    await refused(await post(first), "replayed-nonce");
    const nonce = `n-${eventId()}`;
    expect((await signedPost({ url, body: body(), host, nonce })).status).toBe(202);
    await refused(await signedPost({ url, body: body(), host, nonce }), "replayed-nonce");
  });

  it("a signature that does not cover content-digest is refused", async () => {
    const req = sign({ url, body: body(), host, components: ["@method", "@path"] });
    await refused(await post(req), "missing-component");
  });

  it("an algorithm other than ed25519 is refused", async () => {
    const req = sign({ url, body: body(), host, includeAlg: false });
    req.headers["Signature-Input"] = `${req.headers["Signature-Input"]};alg="rsa-pss-sha512"`;
    await refused(await post(req), "unsupported-algorithm");
  });

  it("a revoked key fails at once", async () => {
    const other = await createTestHost(database.prisma, { profiles: 1 });
    const send = () => signedPost({ url, body: batch([{ type: "service.start", profile: other.profiles[0] }]), host: other });
    expect((await send()).status).toBe(202);
    await database.prisma.hostKey.update({ where: { id: other.keyId }, data: { status: "revoked", revokedAt: new Date() } });
    await refused(await send(), "revoked-key");
  });
});

describe("interoperability", () => {
  it("accepts a request signed by the http-message-signatures package", async () => {
    const text = body();
    const headers = { "Content-Type": "application/json", "Content-Digest": computeContentDigest(text) };
    const signed = await httpbis.signMessage(
      {
        key: createSigner(host.privateKey, "ed25519", host.keyId),
        name: "sig1",
        fields: ["@method", "@path", "@query", "content-digest", "content-type"],
        params: ["created", "nonce", "keyid", "alg"],
        paramValues: { created: new Date(), nonce: `their-${eventId()}` },
      },
      { method: "POST", url: `${url}?via=interop`, headers },
    );
    const res = await fetch(`${url}?via=interop`, { method: "POST", headers: signed.headers as Record<string, string>, body: text });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 1, duplicates: 0 });
  });
});
