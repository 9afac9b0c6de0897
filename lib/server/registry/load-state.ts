import "server-only";
/**
 * Loads the slice of the registry a plan needs (see RegistryState): only the
 * tenants, profiles, hosts and keys named, plus the other profiles of the
 * named tenants, so a sync stays cheap on a large registry.
 */
import type { Tx } from "@/lib/db";
import type { ToolSpec } from "@/lib/domain/registry/manifest-schema";
import type { Manifest } from "@/lib/domain/registry/manifest-schema";
import type { ProfileState, RegistryState } from "@/lib/domain/registry/plan-types";
import type { CurrentBudgets } from "@/lib/domain/budgets/registry-budgets";

export interface StateQuery {
  tenantSlugs?: string[];
  profileSlugs?: string[];
  hostIds?: string[];
  keyIds?: string[];
  /** Also load every profile of `tenantSlugs` (to report those not in the manifest). */
  tenantProfiles?: boolean;
}

export function stateQueryFor(manifest: Manifest): StateQuery {
  return {
    tenantSlugs: manifest.tenants.map((t) => t.slug),
    profileSlugs: manifest.profiles.map((p) => p.slug),
    hostIds: manifest.hosts.map((h) => h.id),
    keyIds: manifest.hosts.flatMap((h) => h.keys.map((k) => k.id)),
    tenantProfiles: true,
  };
}

export async function loadRegistryState(tx: Tx, query: StateQuery): Promise<RegistryState> {
  const tenantSlugs = query.tenantSlugs ?? [];
  const hostIds = query.hostIds ?? [];
  const [tenants, profiles, hosts, keys] = await Promise.all([
    tx.tenant.findMany({ where: { slug: { in: tenantSlugs } }, select: { id: true, slug: true, name: true } }),
    tx.profile.findMany({
      where: {
        OR: [
          { slug: { in: query.profileSlugs ?? [] } },
          ...(query.tenantProfiles ? [{ tenant: { slug: { in: tenantSlugs } } }] : []),
        ],
      },
      include: { tenant: { select: { slug: true } } },
    }),
    tx.host.findMany({
      where: { id: { in: hostIds } },
      include: { keys: true, profiles: { include: { profile: { select: { slug: true, tenant: { select: { slug: true } } } } } } },
    }),
    tx.hostKey.findMany({ where: { OR: [{ id: { in: query.keyIds ?? [] } }, { hostId: { in: hostIds } }] } }),
  ]);
  return {
    tenants,
    profiles: profiles.map(
      (p): ProfileState => ({
        id: p.id,
        slug: p.slug,
        tenantSlug: p.tenant.slug,
        owner: p.owner,
        ring: p.ring,
        tier: p.tier,
        unit: p.unit,
        artifactDigest: p.artifactDigest,
        rollbackEndpoint: p.rollbackEndpoint,
        rollbackManifestDigest: p.rollbackManifestDigest,
        evidencePath: p.evidencePath,
        tools: Array.isArray(p.tools) ? (p.tools as unknown as ToolSpec[]) : [],
        deniedTools: p.deniedTools,
        egress: p.egress,
        secretRefs: p.secretRefs,
      }),
    ),
    hosts: hosts.map((h) => ({
      id: h.id,
      profiles: h.profiles.map((hp) => ({ slug: hp.profile.slug, tenantSlug: hp.profile.tenant.slug })),
      keys: h.keys.map((k) => ({ id: k.id, hostId: k.hostId, publicKey: k.publicKey, status: k.status })),
    })),
    keys: keys.map((k) => ({ id: k.id, hostId: k.hostId, publicKey: k.publicKey, status: k.status })),
  };
}

/** Current monthly budgets of the tenants and profiles the manifest names (see withBudgetChanges). */
export async function loadBudgetState(tx: Tx, manifest: Manifest): Promise<CurrentBudgets> {
  const [tenants, profiles] = await Promise.all([
    tx.tenant.findMany({ where: { slug: { in: manifest.tenants.map((t) => t.slug) } }, select: { slug: true, monthlyBudgetUsd: true } }),
    tx.profile.findMany({ where: { slug: { in: manifest.profiles.map((p) => p.slug) } }, select: { slug: true, monthlyBudgetUsd: true } }),
  ]);
  const amount = (value: { toString(): string } | null) => (value === null ? null : Number(value.toString()));
  return {
    tenants: new Map(tenants.map((t) => [t.slug, amount(t.monthlyBudgetUsd)])),
    profiles: new Map(profiles.map((p) => [p.slug, amount(p.monthlyBudgetUsd)])),
  };
}
