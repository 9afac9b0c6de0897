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
import { capabilityById } from "@/lib/domain/killswitch";
import { combinedPolicyHash } from "@/lib/domain/policy";
import type { KillSwitch } from "@/lib/generated/prisma/client";
import { releaseExpiredSwitches, switchesReaching } from "./killswitches/effects";
import type { PlatformKey } from "./platform-key";
import { loadPolicySet } from "./policies/load";

/**
 * A kill switch in force for one of the host's profiles (global, the tenant
 * of a bound profile, a bound profile, or a capability within either).
 * `scope` is the switch's REACH: a capability switch is sent as a tenant or
 * profile entry narrowed by `capability` + `match`, so an agent that predates
 * capability switches reads it as stopping the whole tenant or profile — more
 * than needed, never less (docs/host-agent.md).
 */
export interface KillSwitchDirective {
  id: string;
  scope: "global" | "tenant" | "profile";
  /** Tenant or profile slug; null for a global switch. */
  target: string | null;
  /** Capability switches: the capability id and what it matches (topic globs, risk tags). */
  capability?: string;
  match?: { topics: string[]; riskTags: string[] };
  reason: string;
  engagedAt: string;
  autoReleaseAt?: string;
}

export interface Directives {
  host: string;
  /** Each bound profile with the combined hash of the policy versions in force for it. */
  profiles: Array<{
    slug: string;
    tenant: string;
    policyVersion: string | null;
    policyFailClosed: boolean;
    /** A rollback the host has not reported carried out: roll back to this target, then report `rollback.executed` naming `id`. */
    rollback?: RollbackDirective;
  }>;
  killSwitches: KillSwitchDirective[];
  /**
   * One hash over the profiles' policy versions: it changes whenever a policy
   * in force for any of them changes. Null while no policy has been applied.
   */
  policyVersion: string | null;
  issuedAt: string;
  expiresAt: string;
}

export interface RollbackDirective {
  /** The stage change (rollback or automatic demotion) to carry out; named back in `rollback.executed`. */
  id: string;
  endpoint: string;
  manifestDigest: string;
  requestedAt: string;
  reason: string;
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
    select: {
      id: true, slug: true, tenantId: true, canaryStage: true, rollbackEndpoint: true, rollbackManifestDigest: true, tenant: { select: { slug: true } },
    },
    orderBy: { slug: "asc" },
  });
  // The newest rollback or demotion of each rolled-back profile, while the host has not reported it carried out.
  const rolledBack = rows.filter((p) => p.canaryStage === "rolled_back").map((p) => p.id);
  const pendingRollbacks = rolledBack.length
    ? await prisma.stageChange.findMany({ where: { profileId: { in: rolledBack }, toStage: "rolled_back" }, orderBy: { at: "desc" } })
    : [];
  const rollbackOf = new Map<string, (typeof pendingRollbacks)[number]>();
  for (const change of pendingRollbacks) if (!rollbackOf.has(change.profileId)) rollbackOf.set(change.profileId, change);
  const profiles = await Promise.all(
    rows.map(async (p) => {
      const set = await loadPolicySet(prisma, p);
      const applied = set.versions.length > 0;
      const change = rollbackOf.get(p.id);
      return {
        slug: p.slug,
        tenant: p.tenant.slug,
        policyVersion: applied ? combinedPolicyHash(set) : null,
        policyFailClosed: Boolean(set.failure),
        ...(change && !change.executedAt
          ? {
              rollback: {
                id: change.id,
                endpoint: p.rollbackEndpoint,
                manifestDigest: p.rollbackManifestDigest,
                requestedAt: change.at.toISOString(),
                reason: change.reason,
              },
            }
          : {}),
      };
    }),
  );
  await releaseExpiredSwitches(prisma, now);
  const switches = await switchesReaching(prisma, rows, now);
  const killSwitches = await killSwitchDirectives(prisma, switches);
  const issued = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const applied = profiles.filter((p) => p.policyVersion !== null);
  return {
    host: host.id,
    profiles,
    killSwitches,
    policyVersion: applied.length ? `sha256:${canonicalHash(profiles.map((p) => [p.slug, p.policyVersion]))}` : null,
    issuedAt: issued.toISOString(),
    expiresAt: new Date(issued.getTime() + ttlSec * 1000).toISOString(),
  };
}

async function killSwitchDirectives(prisma: Db | Tx, switches: readonly KillSwitch[]): Promise<KillSwitchDirective[]> {
  const tenantIds = [...new Set(switches.flatMap((s) => (s.tenantId ? [s.tenantId] : [])))];
  const profileIds = [...new Set(switches.flatMap((s) => (s.profileId ? [s.profileId] : [])))];
  const [tenants, profiles] = await Promise.all([
    tenantIds.length ? prisma.tenant.findMany({ where: { id: { in: tenantIds } }, select: { id: true, slug: true } }) : [],
    profileIds.length ? prisma.profile.findMany({ where: { id: { in: profileIds } }, select: { id: true, slug: true } }) : [],
  ]);
  const tenantSlug = new Map(tenants.map((t) => [t.id, t.slug]));
  const profileSlug = new Map(profiles.map((p) => [p.id, p.slug]));
  return switches.map((sw) => {
    const capability = sw.scope === "capability" ? (sw.capability ? capabilityById(sw.capability) : null) : undefined;
    const reach: KillSwitchDirective["scope"] = sw.scope === "global" ? "global" : sw.profileId ? "profile" : "tenant";
    const target = reach === "global" ? null : reach === "profile" ? (profileSlug.get(sw.profileId!) ?? null) : (tenantSlug.get(sw.tenantId!) ?? null);
    return {
      id: sw.id,
      scope: reach,
      target,
      ...(capability !== undefined
        ? {
            capability: sw.capability ?? "unknown",
            // An unknown capability matches everything in reach (fail safe).
            match: capability ? { topics: [...capability.topics], riskTags: [...capability.riskTags] } : { topics: ["**"], riskTags: [] },
          }
        : {}),
      reason: sw.reason,
      engagedAt: sw.engagedAt.toISOString(),
      ...(sw.autoReleaseAt ? { autoReleaseAt: sw.autoReleaseAt.toISOString() } : {}),
    };
  });
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
