import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { computeContentDigest } from "./content-digest";
import { privateKeyFromSeed, rawPublicKey } from "./ed25519-keys";
import { signRequest, type SignRequestInput } from "./sign";
import { verifyRequest, type VerifyRequestInput } from "./verify";
import { signatureProblem } from "./problem";
import { type LookedUpKey, VERIFY_CHECKS, type VerifyCheck } from "./verify-types";

const NOW = new Date("2026-11-22T12:00:00Z");
const NOW_S = Math.floor(NOW.getTime() / 1000);

function setup() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const keyId = `host-key-${randomBytes(4).toString("hex")}`;
  const keys = new Map<string, LookedUpKey>([[keyId, { publicKey: rawPublicKey(publicKey), status: "active", alg: "ed25519" }]]);
  const lookupKey = async (id: string) => keys.get(id) ?? null;
  const body = JSON.stringify({ events: [{ id: randomBytes(6).toString("hex"), type: "health.heartbeat" }] });
  const request = {
    method: "POST",
    url: "https://console.example/api/v1/ingest?dry=0",
    headers: { "Content-Type": "application/json", "X-Trace": "abc" } as Record<string, string>,
    body,
  };
  const signed = (overrides: Partial<SignRequestInput> = {}) => {
    const added = signRequest({ ...request, keyId, privateKey, created: NOW_S, ...overrides });
    return { ...request, headers: { ...request.headers, ...added } as Record<string, string> };
  };
  const check = (message: Omit<VerifyRequestInput, "now" | "lookupKey">, extra: Partial<VerifyRequestInput> = {}) =>
    verifyRequest({ ...message, now: NOW, lookupKey, ...extra });
  return { privateKey, publicKey, keyId, keys, lookupKey, request, signed, check };
}

async function refusal(result: Promise<{ ok: boolean; check?: VerifyCheck; detail?: string }>): Promise<VerifyCheck | undefined> {
  const r = await result;
  expect(r.ok).toBe(false);
  return r.check;
}

describe("verifyRequest: accepts", () => {
  it("a request signed by signRequest, returning key id, nonce, created and covered components", async () => {
    const { signed, check, keyId } = setup();
    const result = await check(signed({ nonce: "n-1", expires: NOW_S + 60, tag: "cellgate" }));
    expect(result).toEqual({
      ok: true,
      keyId,
      nonce: "n-1",
      created: NOW_S,
      expires: NOW_S + 60,
      label: "sig1",
      tag: "cellgate",
      coveredComponents: ["@method", "@path", "@query", "content-digest", "content-type"],
    });
  });

  it("created 299 s in the past or the future", async () => {
    const { signed, check } = setup();
    expect((await check(signed({ created: NOW_S - 299 }))).ok).toBe(true);
    expect((await check(signed({ created: NOW_S + 299 }))).ok).toBe(true);
  });

  it("a bodiless GET covering only @method and @path, signed with a raw 32-byte seed", async () => {
    const { check, keys } = setup();
    const seed = randomBytes(32);
    keys.set("seeded", { publicKey: rawPublicKey(privateKeyFromSeed(seed)), status: "active", alg: "ed25519" });
    const url = "https://c.example/api/v1/directives";
    const added = signRequest({ method: "GET", url, headers: {}, keyId: "seeded", privateKey: seed, created: NOW_S, components: ["@method", "@path"] });
    const result = await check({ method: "GET", url, headers: added, body: undefined });
    expect(result.ok && result.coveredComponents).toEqual(["@method", "@path"]);
  });

  it("picks the labelled signature that carries keyid, created and nonce among several", async () => {
    const { signed, check } = setup();
    const message = signed({ label: "host" });
    message.headers["Signature-Input"] = `proxy=("@method");created=${NOW_S}, ${message.headers["Signature-Input"]}`;
    message.headers.Signature = `proxy=:${Buffer.alloc(64).toString("base64")}:, ${message.headers.Signature}`;
    const result = await check(message);
    expect(result.ok && result.label).toBe("host");
    expect(await refusal(check(message, { label: "proxy" }))).toBe("malformed-signature-input");
  });
});

describe("verifyRequest: refuses", () => {
  it("created 301 s in the past or the future (stale-created)", async () => {
    const { signed, check } = setup();
    expect(await refusal(check(signed({ created: NOW_S - 301 })))).toBe("stale-created");
    expect(await refusal(check(signed({ created: NOW_S + 301 })))).toBe("stale-created");
    expect(await refusal(check(signed({ created: NOW_S - 100 }), { maxSkewSeconds: 60 }))).toBe("stale-created");
  });

  it("an expires time that has passed (expired)", async () => {
    const { signed, check } = setup();
    expect(await refusal(check(signed({ created: NOW_S - 10, expires: NOW_S - 1 })))).toBe("expired");
    expect(await refusal(check(signed({ created: NOW_S - 10, expires: NOW_S })))).toBe("expired");
  });

  it("missing Signature or Signature-Input (missing-headers)", async () => {
    const { signed, check, request } = setup();
    const message = signed();
    expect(await refusal(check({ ...request, headers: { ...request.headers } }))).toBe("missing-headers");
    const { Signature: _s, ...noSignature } = message.headers;
    expect(await refusal(check({ ...message, headers: noSignature }))).toBe("missing-headers");
  });

  it("a body without Content-Digest (missing-headers)", async () => {
    const { signed, check } = setup();
    const message = signed({ components: ["@method", "@path", "content-digest"] });
    const { "Content-Digest": _d, ...headers } = message.headers;
    expect(await refusal(check({ ...message, headers }))).toBe("missing-headers");
  });

  it("an unparseable Signature-Input or Signature", async () => {
    const { signed, check } = setup();
    const m = signed();
    expect(await refusal(check({ ...m, headers: { ...m.headers, "Signature-Input": "sig1=(\"@method\"" } }))).toBe("malformed-signature-input");
    expect(await refusal(check({ ...m, headers: { ...m.headers, "Signature-Input": m.headers["Signature-Input"]!.replace(/created=\d+;/, "") } }))).toBe("malformed-signature-input");
    expect(await refusal(check({ ...m, headers: { ...m.headers, Signature: "sig1=:not base64!:" } }))).toBe("malformed-signature");
    expect(await refusal(check({ ...m, headers: { ...m.headers, Signature: "sig1=:AQID:" } }))).toBe("malformed-signature");
    expect(await refusal(check({ ...m, headers: { ...m.headers, Signature: 'sig1="text"' } }))).toBe("malformed-signature");
  });

  it("a missing nonce (missing-nonce)", async () => {
    const { signed, check } = setup();
    expect(await refusal(check(signed({ nonce: null })))).toBe("missing-nonce");
  });

  it("a wrong alg parameter, or a key registered for another algorithm (unsupported-algorithm)", async () => {
    const { signed, check, keys, keyId } = setup();
    const m = signed();
    const rsa = m.headers["Signature-Input"]!.replace('alg="ed25519"', 'alg="rsa-pss-sha512"');
    expect(await refusal(check({ ...m, headers: { ...m.headers, "Signature-Input": rsa } }))).toBe("unsupported-algorithm");
    keys.set(keyId, { ...keys.get(keyId)!, alg: "rsa" as "ed25519" });
    expect(await refusal(check(m))).toBe("unsupported-algorithm");
  });

  it("an unknown key id (unknown-key) and a revoked key (revoked-key)", async () => {
    const { signed, check, keys, keyId } = setup();
    expect(await refusal(check(signed({ keyId: "nobody" })))).toBe("unknown-key");
    keys.set(keyId, { ...keys.get(keyId)!, status: "revoked" });
    expect(await refusal(check(signed()))).toBe("revoked-key");
  });

  it("a signature that does not cover a required component (missing-component)", async () => {
    const { signed, check } = setup();
    expect(await refusal(check(signed({ components: ["@method", "content-digest"] })))).toBe("missing-component");
    expect(await refusal(check(signed({ components: ["@method", "@path"] })))).toBe("missing-component");
    expect(await refusal(check(signed(), { requiredComponents: ["@method", "@path", "x-trace", "@authority"] }))).toBe("missing-component");
  });

  it("a covered header that is absent from the request (missing-component)", async () => {
    const { signed, check } = setup();
    const m = signed({ components: ["@method", "@path", "content-digest", "x-trace"] });
    const { "X-Trace": _t, ...headers } = m.headers;
    expect(await refusal(check({ ...m, headers }))).toBe("missing-component");
  });

  it("a tampered body (digest-mismatch) and an unusable Content-Digest (bad-digest)", async () => {
    const { signed, check } = setup();
    const m = signed();
    expect(await refusal(check({ ...m, body: m.body.replace("heartbeat", "hearTbeat") }))).toBe("digest-mismatch");
    expect(await refusal(check({ ...m, headers: { ...m.headers, "Content-Digest": "md5=:AAAAAAAAAAAAAAAAAAAAAA==:" } }))).toBe("bad-digest");
    expect(await refusal(check({ ...m, headers: { ...m.headers, "Content-Digest": "sha-256=abc" } }))).toBe("bad-digest");
  });

  it("checks the digest before looking up the key or the signature", async () => {
    const { signed, request, keyId, keys } = setup();
    const m = signed();
    const looked: string[] = [];
    const lookupKey = async (id: string) => {
      looked.push(id);
      return keys.get(id) ?? null;
    };
    const result = await verifyRequest({ ...m, body: `${request.body} `, now: NOW, lookupKey });
    expect(result).toMatchObject({ ok: false, check: "digest-mismatch" });
    expect(looked).toEqual([]);
    expect((await verifyRequest({ ...m, now: NOW, lookupKey })).ok).toBe(true);
    expect(looked).toEqual([keyId]);
  });

  it("a tampered header value, method or path (bad-signature)", async () => {
    const { signed, check } = setup();
    const m = signed({ components: ["@method", "@path", "@query", "content-digest", "x-trace"] });
    expect(await refusal(check({ ...m, headers: { ...m.headers, "X-Trace": "abd" } }))).toBe("bad-signature");
    expect(await refusal(check({ ...m, method: "PUT" }))).toBe("bad-signature");
    expect(await refusal(check({ ...m, url: "https://console.example/api/v1/jobs?dry=0" }))).toBe("bad-signature");
    expect(await refusal(check({ ...m, url: "https://console.example/api/v1/ingest?dry=1" }))).toBe("bad-signature");
  });

  it("a body and digest replaced together (bad-signature: the digest is covered)", async () => {
    const { signed, check } = setup();
    const m = signed();
    const body = '{"events":[]}';
    expect(await refusal(check({ ...m, body, headers: { ...m.headers, "Content-Digest": computeContentDigest(body) } }))).toBe("bad-signature");
  });

  it("a signature made by another key (bad-signature), and never echoes key material", async () => {
    const { signed, check, keys, keyId } = setup();
    const other = generateKeyPairSync("ed25519");
    const raw = rawPublicKey(other.publicKey);
    keys.set(keyId, { publicKey: raw, status: "active", alg: "ed25519" });
    const result = await check(signed());
    expect(result).toMatchObject({ ok: false, check: "bad-signature" });
    expect(JSON.stringify(result)).not.toContain(Buffer.from(raw).toString("base64"));
  });

  it("a signature over a different base (bad-signature)", async () => {
    const { signed, check, privateKey } = setup();
    const m = signed();
    const forged = sign(null, Buffer.from("something else"), privateKey).toString("base64");
    expect(await refusal(check({ ...m, headers: { ...m.headers, Signature: `sig1=:${forged}:` } }))).toBe("bad-signature");
  });
});

describe("verifyRequest: hostile input never throws", () => {
  it("answers a typed refusal for oversized, non-ASCII, line-broken or random headers", async () => {
    const { signed, check } = setup();
    const m = signed();
    const inputs = [
      `sig1=("${"x".repeat(20_000)}");created=1`,
      "sig1=(\"@méthod\");created=1",
      'sig1=("@method");created=1\n"@path": /',
      ...Array.from({ length: 200 }, () => randomBytes(24).toString("latin1")),
    ];
    for (const value of inputs) {
      const result = await check({ ...m, headers: { ...m.headers, "Signature-Input": value } });
      expect(result.ok).toBe(false);
    }
  });

  it("refuses a registered key that is not a usable 32-byte Ed25519 key as unknown-key", async () => {
    const { signed, check, keys, keyId } = setup();
    keys.set(keyId, { publicKey: new Uint8Array(31), status: "active", alg: "ed25519" });
    expect(await refusal(check(signed()))).toBe("unknown-key");
  });
});

describe("signatureProblem", () => {
  it("gives every refusal kind its own 401 problem type and title", () => {
    const problems = [...VERIFY_CHECKS, "replayed-nonce" as const].map((check) => signatureProblem({ check, detail: "why" }));
    expect(new Set(problems.map((p) => p.type)).size).toBe(VERIFY_CHECKS.length + 1);
    for (const p of problems) {
      expect(p).toMatchObject({ status: 401, detail: "why" });
      expect(p.type).toBe(`tag:cellgate,2026:problem/signature/${p.check}`);
      expect(p.title.length).toBeGreaterThan(0);
    }
  });
});
