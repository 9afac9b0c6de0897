/**
 * A host as tests see it: a registered key (factory) and signed requests to
 * the running console through real HTTP, with lib/domain/http-signatures
 * `signRequest`. `sign()` returns headers and body separately so a test can
 * tamper with either before `post()`.
 */
import { randomBytes, type KeyObject } from "node:crypto";
import type { PrismaClient } from "../../lib/generated/prisma/client";
import { generateEd25519Key, privateKeyFromPem, signRequest, type SignatureOptions } from "../../lib/domain/http-signatures";
import { randomSlug } from "./databases";

export interface TestHost {
  hostId: string;
  keyId: string;
  privateKey: KeyObject;
  tenantId: string;
  /** Profiles bound to the host. */
  profiles: string[];
  /** A profile of the same tenant NOT bound to the host. */
  unboundProfile: string;
}

const DIGEST = `sha256:${"a".repeat(64)}`;

/** A tenant, `profiles` bound profiles + one unbound, a host with one active key. */
export async function createTestHost(prisma: PrismaClient, options: { ratePerMinute?: number; profiles?: number } = {}): Promise<TestHost> {
  const tenant = await prisma.tenant.create({ data: { slug: randomSlug("t"), name: randomSlug("Tenant") } });
  const makeProfile = (slug: string) =>
    prisma.profile.create({
      data: {
        tenantId: tenant.id,
        slug,
        owner: "team-ingest",
        ring: 2,
        tier: "L2",
        unit: `${slug}.service`,
        artifactDigest: DIGEST,
        rollbackEndpoint: "https://rollback.example/x",
        rollbackManifestDigest: DIGEST,
        evidencePath: "evidence/x",
      },
    });
  const bound = [];
  for (let i = 0; i < (options.profiles ?? 2); i++) bound.push(await makeProfile(randomSlug("prof")));
  const unbound = await makeProfile(randomSlug("other"));
  const hostId = randomSlug("host");
  const key = generateEd25519Key();
  const keyId = `${hostId}-k1`;
  await prisma.host.create({
    data: {
      id: hostId,
      ratePerMinute: options.ratePerMinute ?? 600,
      profiles: { create: bound.map((p) => ({ profileId: p.id })) },
      keys: { create: { id: keyId, publicKey: key.publicKeyBase64 } },
    },
  });
  return { hostId, keyId, privateKey: privateKeyFromPem(key.privateKeyPem), tenantId: tenant.id, profiles: bound.map((p) => p.slug), unboundProfile: unbound.slug };
}

export function eventId(): string {
  return `ev-${randomBytes(8).toString("hex")}`;
}

export interface SignedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SignInput extends Partial<SignatureOptions> {
  url: string;
  body: string;
  host: Pick<TestHost, "keyId" | "privateKey">;
  contentType?: string;
}

export function sign(input: SignInput): SignedRequest {
  const { url, body, host, contentType, ...options } = input;
  const headers: Record<string, string> = { "Content-Type": contentType ?? "application/json" };
  const signed = signRequest({
    method: "POST",
    url,
    headers,
    body,
    keyId: host.keyId,
    privateKey: host.privateKey,
    components: ["@method", "@path", "@query", "content-digest", "content-type"],
    ...options,
  });
  return { url, body, headers: { ...headers, ...(signed as Record<string, string>) } };
}

export async function post(request: SignedRequest): Promise<Response> {
  return fetch(request.url, { method: "POST", headers: request.headers, body: request.body, signal: AbortSignal.timeout(30_000) });
}

export async function signedPost(input: SignInput): Promise<Response> {
  return post(sign(input));
}

/** `{events}` JSON with defaults filled in for each event. */
export function batch(events: Array<Record<string, unknown>>): string {
  return JSON.stringify({
    events: events.map((e) => ({ id: eventId(), occurredAt: new Date().toISOString(), attributes: {}, ...e })),
  });
}
