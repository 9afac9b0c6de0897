/**
 * GET /api/v1/directives and GET /api/v1/platform-key, called in-process
 * through the real route handlers (hostRoute gate included) on a real
 * database, and checked the way the agent checks them.
 */
import { randomBytes } from "node:crypto";
import { NOTE_ED25519, verifierKey } from "@/lib/domain/checkpoint/note";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as directivesGET } from "@/app/api/v1/directives/route";
import { GET as platformKeyGET } from "@/app/api/v1/platform-key/route";
import { verifyDirectives } from "@/lib/agent/directives";
import { setDatabase } from "@/lib/db";
import { generateEd25519Key, privateKeyFromPem, signRequest } from "@/lib/domain/http-signatures";
import { DEMO_PLATFORM_POLICY, policySourceHash } from "@/lib/domain/policy";
import { resetEnvCache } from "@/lib/env";
import { resetPlatformKeyCache } from "@/lib/server/platform-key";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile } from "../support/factories";

const URL_ = "http://console.test/api/v1/directives";
const PEM_VAR = `CG_TEST_PLATFORM_PEM_${randomBytes(3).toString("hex")}`;

async function profile(database: TestDatabase, tenantId: string, slug: string) {
  return createProfile(database.prisma, tenantId, { slug, ring: 1, tier: "L1" });
}

describe.each(BACKENDS)("directives route (%s)", (backend) => {
  let database: TestDatabase;
  const key = generateEd25519Key();
  const platform = generateEd25519Key();
  const hostId = randomSlug("host");
  const keyId = `${hostId}-k1`;
  let slugs: Array<{ slug: string; tenant: string }> = [];

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    setDatabase(database);
    process.env[PEM_VAR] = platform.privateKeyPem;
    process.env.CELLGATE_PLATFORM_KEY = `env:${PEM_VAR}`;
    process.env.CELLGATE_DIRECTIVE_TTL_SEC = "45";
    resetEnvCache();
    resetPlatformKeyCache();
    const t1 = await database.prisma.tenant.create({ data: { slug: randomSlug("ta"), name: "A" } });
    const t2 = await database.prisma.tenant.create({ data: { slug: randomSlug("tb"), name: "B" } });
    const p1 = await profile(database, t1.id, randomSlug("pa"));
    const p2 = await profile(database, t2.id, randomSlug("pb"));
    await profile(database, t1.id, randomSlug("unbound"));
    await database.prisma.host.create({ data: { id: hostId, profiles: { create: [{ profileId: p1.id }, { profileId: p2.id }] }, keys: { create: { id: keyId, publicKey: key.publicKeyBase64 } } } });
    slugs = [{ slug: p1.slug, tenant: t1.slug }, { slug: p2.slug, tenant: t2.slug }].sort((a, b) => a.slug.localeCompare(b.slug));
  });

  afterAll(async () => {
    setDatabase(undefined);
    delete process.env.CELLGATE_PLATFORM_KEY;
    delete process.env.CELLGATE_DIRECTIVE_TTL_SEC;
    delete process.env[PEM_VAR];
    resetEnvCache();
    resetPlatformKeyCache();
    await database.close();
  });

  function signedGet(url = URL_) {
    const headers: Record<string, string> = { Accept: "application/json" };
    Object.assign(headers, signRequest({ method: "GET", url, headers, keyId, privateKey: privateKeyFromPem(key.privateKeyPem) }));
    return { request: new Request(url, { headers }), message: { method: "GET", url, headers } };
  }

  async function pin() {
    const body = (await (await platformKeyGET()).json()) as { keyId: string; alg: string; publicKey: string; logOrigin: string; logKey: string };
    return body;
  }

  it("publishes the platform key (from CELLGATE_PLATFORM_KEY) without authentication", async () => {
    const body = await pin();
    expect(body).toEqual({
      keyId: expect.stringMatching(/^platform-[0-9a-f]{16}$/),
      alg: "ed25519",
      publicKey: platform.publicKeyBase64,
      logOrigin: expect.stringMatching(/\/audit$/),
      logKey: expect.any(String),
    });
    // The log's verifier key (what witnesses pin) is this same key under the log's origin.
    expect(body.logKey).toBe(verifierKey(body.logOrigin, NOTE_ED25519, Buffer.from(platform.publicKeyBase64, "base64")));
  });

  it("answers the host's profiles, no kill switches, no policy, signed by the platform key", async () => {
    const { keyId: platformKeyId, publicKey } = await pin();
    const { request, message } = signedGet();
    const before = Date.now();
    const response = await directivesGET(request);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store, no-transform");
    expect(response.headers.get("content-digest")).toMatch(/^sha-256=:/);
    expect(response.headers.get("signature-input")).toContain(`keyid="${platformKeyId}"`);
    const body = new Uint8Array(await response.arrayBuffer());
    const check = await verifyDirectives({ status: response.status, headers: response.headers, body, request: message, now: new Date(), pin: { keyId: platformKeyId, publicKey } });
    if (!check.ok) throw new Error(`${check.check}: ${check.reason}`);
    expect(check.directives).toMatchObject({ host: hostId, profiles: slugs, killSwitches: [], policyVersion: null });
    const issued = Date.parse(check.directives.issuedAt);
    expect(Date.parse(check.directives.expiresAt) - issued).toBe(45_000);
    expect(issued).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
  });

  it("a tampered or misdirected answer fails the agent's check", async () => {
    const { keyId: platformKeyId, publicKey } = await pin();
    const { request, message } = signedGet();
    const response = await directivesGET(request);
    const text = (await response.text()).replace(hostId, `${hostId}x`);
    const tampered = await verifyDirectives({ status: 200, headers: response.headers, body: text, request: message, now: new Date(), pin: { keyId: platformKeyId, publicKey } });
    expect(tampered).toMatchObject({ ok: false, check: "digest-mismatch" });
  });

  it("refuses an unsigned request and a replayed one with problem+json", async () => {
    const unsigned = await directivesGET(new Request(URL_));
    expect(unsigned.status).toBe(401);
    expect(unsigned.headers.get("content-type")).toBe("application/problem+json");
    expect(await unsigned.json()).toMatchObject({ check: "missing-headers" });
    const { message } = signedGet();
    expect((await directivesGET(new Request(URL_, { headers: message.headers }))).status).toBe(200);
    const replay = await directivesGET(new Request(URL_, { headers: message.headers }));
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ check: "replayed-nonce" });
  });

  it("carries the policy version in force per profile, which changes when a new version is applied", async () => {
    const { keyId: platformKeyId, publicKey } = await pin();
    async function fetchDirectives() {
      const { request, message } = signedGet();
      const response = await directivesGET(request);
      const body = new Uint8Array(await response.arrayBuffer());
      const check = await verifyDirectives({ status: response.status, headers: response.headers, body, request: message, now: new Date(), pin: { keyId: platformKeyId, publicKey } });
      if (!check.ok) throw new Error(`${check.check}: ${check.reason}`);
      return check.directives;
    }
    let version = (await database.prisma.policyVersion.aggregate({ where: { scopeKey: "platform" }, _max: { version: true } }))._max.version ?? 0;
    async function applyPlatform(source: string) {
      version += 1;
      await database.prisma.policyVersion.create({
        data: { level: "platform", scopeKey: "platform", version, hash: policySourceHash(source), source, authorType: "cli", authorId: "test", receiptId: `rcpt_${randomSlug("r")}` },
      });
    }
    await applyPlatform(DEMO_PLATFORM_POLICY);
    const first = await fetchDirectives();
    expect(first.policyVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.profiles.map((p) => p.policyFailClosed)).toEqual([false, false]);
    expect(first.profiles.every((p) => /^sha256:[0-9a-f]{64}$/.test(p.policyVersion ?? ""))).toBe(true);

    await applyPlatform(`${DEMO_PLATFORM_POLICY}\n# a comment changes the version\n`);
    const second = await fetchDirectives();
    expect(second.policyVersion).not.toBe(first.policyVersion);

    await applyPlatform("kind: Policy\nrules: [not a valid document\n");
    const broken = await fetchDirectives();
    expect(broken.profiles.map((p) => p.policyFailClosed)).toEqual([true, true]);
  });
});
