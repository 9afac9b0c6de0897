import "server-only";
/**
 * Directives for a host: what is in force for the profiles it is bound to
 * (kill switches, policy version), valid for one short period and signed by
 * the platform key as an RFC 9421 response signature, so the host can check
 * it offline. Wire format: docs/host-agent.md.
 */
import { type RequestMessage, signResponse } from "@/lib/domain/http-signatures";
import type { Db, Tx } from "@/lib/db";
import { canonicalHash } from "@/lib/domain/hash";
import { combinedPolicyHash } from "@/lib/domain/policy";
import type { PlatformKey } from "./platform-key";
import { loadPolicySet } from "./policies/load";

/**
 * A kill switch in force for one of the host's profiles. The kill-switch
 * table arrives with the kill-switch issue; until then the list is empty.
 */
export interface KillSwitchDirective {
  id: string;
  scope: "global" | "tenant" | "profile";
  /** Tenant or profile slug; null for a global switch. */
  target: string | null;
  reason: string;
  engagedAt: string;
}

export interface Directives {
  host: string;
  /** Each bound profile with the combined hash of the policy versions in force for it. */
  profiles: Array<{ slug: string; tenant: string; policyVersion: string | null; policyFailClosed: boolean }>;
  killSwitches: KillSwitchDirective[];
  /**
   * One hash over the profiles' policy versions: it changes whenever a policy
   * in force for any of them changes. Null while no policy has been applied.
   */
  policyVersion: string | null;
  issuedAt: string;
  expiresAt: string;
}

/** Components the platform signature covers (the `;req` ones bind it to the host's request). */
export const DIRECTIVE_COMPONENTS = ["@status", "content-type", "content-digest", "@method;req", "@path;req"] as const;

export async function loadDirectives(
  prisma: Db | Tx,
  host: { id: string; profileIds: string[] },
  now: Date,
  ttlSec: number,
): Promise<Directives> {
  const rows = await prisma.profile.findMany({
    where: { id: { in: host.profileIds }, hosts: { some: { hostId: host.id } } },
    select: { id: true, slug: true, tenantId: true, tenant: { select: { slug: true } } },
    orderBy: { slug: "asc" },
  });
  const profiles = await Promise.all(
    rows.map(async (p) => {
      const set = await loadPolicySet(prisma, p);
      const applied = set.versions.length > 0;
      return {
        slug: p.slug,
        tenant: p.tenant.slug,
        policyVersion: applied ? combinedPolicyHash(set) : null,
        policyFailClosed: Boolean(set.failure),
      };
    }),
  );
  const issued = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const applied = profiles.filter((p) => p.policyVersion !== null);
  return {
    host: host.id,
    profiles,
    killSwitches: [],
    policyVersion: applied.length ? `sha256:${canonicalHash(profiles.map((p) => [p.slug, p.policyVersion]))}` : null,
    issuedAt: issued.toISOString(),
    expiresAt: new Date(issued.getTime() + ttlSec * 1000).toISOString(),
  };
}

/** The signed 200 response carrying `directives`. */
export function directivesResponse(input: { directives: Directives; key: PlatformKey; request: RequestMessage }): Response {
  const body = JSON.stringify(input.directives);
  const headers: Record<string, string> = { "Content-Type": "application/json", "Cache-Control": "no-store" };
  const created = Math.floor(Date.parse(input.directives.issuedAt) / 1000);
  const expires = Math.floor(Date.parse(input.directives.expiresAt) / 1000);
  const signature = signResponse({
    status: 200,
    headers,
    body,
    request: input.request,
    keyId: input.key.keyId,
    privateKey: input.key.privateKey,
    created,
    expires,
    components: [...DIRECTIVE_COMPONENTS],
  });
  return new Response(body, { status: 200, headers: { ...headers, ...signature } });
}
