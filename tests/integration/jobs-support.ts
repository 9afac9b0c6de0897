/**
 * Shared by the jobs and webhooks integration tests: a policy stored as a
 * PolicyVersion row (as `cellgate policy apply` would leave it), a signed
 * test host with that policy in force, and signed POST/GET requests to the
 * jobs API (usable in process as `Request`s or over HTTP with fetch).
 */
import type { KeyObject } from "node:crypto";
import { randomBytes } from "node:crypto";
import type { Db } from "../../lib/db";
import { signRequest } from "../../lib/domain/http-signatures";
import { policySourceHash } from "../../lib/domain/policy";
import { createTestHost, type TestHost } from "../support/signed-client";

/** Platform policy used by the jobs tests: one rule per outcome, selected by the topic's third segment. */
export const PLATFORM_POLICY = `apiVersion: cellgate/v1
kind: Policy
level: platform
default: DENY
rules:
  - id: reads
    match: { topics: ["job.*.read.**"] }
    decision: ALLOW
    reason: reads are allowed
  - id: writes
    match: { topics: ["job.*.write.**"] }
    decision: REQUIRE_APPROVAL
    reason: writes need a human
    ttlSec: 600
  - id: exec-limited
    match: { topics: ["job.*.exec.**"] }
    decision: ALLOW_WITH_CONSTRAINTS
    reason: exec runs under limits
    constraints: { maxRuntimeSec: 300, maxRetries: 1 }
  - id: burst-allowed
    match: { topics: ["job.*.burst.**"] }
    decision: ALLOW
    reason: bursts are fine in moderation
  - id: burst-limit
    match: { topics: ["job.*.burst.**"] }
    decision: THROTTLE
    reason: bursts are rate limited
    throttle: { limit: 3, windowSec: 3600 }
  - id: no-destruction
    match: { riskTags: [destructive] }
    decision: DENY
    reason: destructive jobs never run
`;

export async function insertPolicy(
  prisma: Db,
  input: { level: "platform" | "tenant" | "profile"; scopeKey: string; source: string; tenantId?: string; profileId?: string; hash?: string },
): Promise<void> {
  const last = await prisma.policyVersion.findFirst({ where: { scopeKey: input.scopeKey }, orderBy: { version: "desc" } });
  await prisma.policyVersion.create({
    data: {
      level: input.level,
      scopeKey: input.scopeKey,
      tenantId: input.tenantId ?? null,
      profileId: input.profileId ?? null,
      version: (last?.version ?? 0) + 1,
      hash: input.hash ?? policySourceHash(input.source),
      source: input.source,
      authorType: "cli",
      authorId: "jobs-test",
      receiptId: `rcpt_test_${randomBytes(6).toString("hex")}`,
    },
  });
}

export interface JobsHost extends TestHost {
  tenantSlug: string;
}

/** A signed test host (tenant, two bound L2 profiles, one unbound) under PLATFORM_POLICY (inserted once per database). */
export async function createJobsHost(prisma: Db, options: { ratePerMinute?: number } = {}): Promise<JobsHost> {
  if ((await prisma.policyVersion.count({ where: { scopeKey: "platform" } })) === 0) {
    await insertPolicy(prisma, { level: "platform", scopeKey: "platform", source: PLATFORM_POLICY });
  }
  const host = await createTestHost(prisma, { ratePerMinute: options.ratePerMinute ?? 10_000 });
  const tenant = await prisma.tenant.findUniqueOrThrow({ where: { id: host.tenantId } });
  return { ...host, tenantSlug: tenant.slug };
}

export function jobBody(host: JobsHost, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    topic: "job.bridge.read.ticket",
    tenant: host.tenantSlug,
    profile: host.profiles[0],
    riskTags: [],
    labels: {},
    payload: { ticket: `T-${randomBytes(3).toString("hex")}`, note: "ünïcode ✓", n: 1.5e3 },
    ...over,
  };
}

export interface SignedCall {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

export function signedCall(method: "GET" | "POST", url: string, host: { keyId: string; privateKey: KeyObject }, body?: string): SignedCall {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const components = body !== undefined ? ["@method", "@path", "@query", "content-digest", "content-type"] : ["@method", "@path", "@query"];
  Object.assign(headers, signRequest({ method, url, headers, body, keyId: host.keyId, privateKey: host.privateKey, components }));
  return { url, method, headers, body };
}

export function toRequest(call: SignedCall): Request {
  return new Request(call.url, { method: call.method, headers: call.headers, body: call.body });
}

export async function send(call: SignedCall): Promise<Response> {
  return fetch(call.url, { method: call.method, headers: call.headers, body: call.body, signal: AbortSignal.timeout(30_000) });
}
