import "server-only";
/**
 * Registry reads. Every query carries the actor's readable tenants in its
 * `where`, so a forgotten check elsewhere still cannot leak another tenant's
 * profile — not even its existence.
 */
import { inScope, scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import { db } from "@/lib/db";
import { pageCount, type RegistryQuery, type SortDir, type SortKey } from "@/lib/domain/registry-query";
import type { AuditRecord } from "@/lib/domain/audit/chain";
import { evidenceChecklist } from "@/lib/domain/evidence";
import { controlStatus, type ControlReport } from "@/lib/domain/gate";
import type { ControlName, TierName } from "@/lib/domain/tiers";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ZRevokeHostKeyInput } from "@/lib/schemas/host-keys";
import { defineAction } from "./action";
import { AppError } from "./errors";
import { refreshHealthThrottled } from "./health-refresh";

/** `where` fragment limiting rows to the actor's tenants (for any model with a tenantId). */
export function tenantScope(actor: Actor): { tenantId?: { in: string[] } } {
  return scopedWhere(scopeFor(actor, "registry.read"));
}

export interface ProfileRow {
  slug: string;
  tenant: { slug: string; name: string };
  owner: string;
  ring: number;
  tier: TierName;
  unit: string;
  health: "healthy" | "degraded" | "down" | "unknown";
  lastSeenAt: Date | null;
  canaryStage: "deploy_only" | "read_only" | "limited" | "promoted" | "rolled_back";
  updatedAt: Date;
}

export interface ProfilePage {
  rows: ProfileRow[];
  total: number;
  page: number;
  pageCount: number;
  size: number;
}

function orderBy(sort: SortKey, dir: SortDir): Prisma.ProfileOrderByWithRelationInput[] {
  const tie: Prisma.ProfileOrderByWithRelationInput = { slug: "asc" };
  switch (sort) {
    case "slug":
      return [{ slug: dir }];
    case "ring":
      return [{ ring: dir }, tie];
    case "tier":
      return [{ tier: dir }, tie];
    case "health":
      return [{ health: dir }, tie];
    case "stage":
      return [{ canaryStage: dir }, tie];
    case "owner":
      return [{ owner: dir }, tie];
    case "lastSeen":
      return [{ lastSeenAt: { sort: dir, nulls: "last" } }, tie];
    case "updated":
      return [{ updatedAt: dir }, tie];
  }
}

export function profileWhere(actor: Actor, query: Partial<RegistryQuery>): Prisma.ProfileWhereInput {
  const where: Prisma.ProfileWhereInput = { ...tenantScope(actor) };
  if (query.tenant) where.tenant = { slug: query.tenant };
  if (query.ring !== undefined) where.ring = query.ring;
  if (query.tier) where.tier = query.tier;
  if (query.health) where.health = query.health;
  if (query.stage) where.canaryStage = query.stage;
  if (query.owner) where.owner = { equals: query.owner, mode: "insensitive" };
  if (query.q) {
    // Prisma passes LIKE wildcards through: escape them so "%" means a literal percent sign.
    const text = query.q.replace(/[\\%_]/g, "\\$&");
    where.OR = (["slug", "unit", "owner"] as const).map((field) => ({
      [field]: { contains: text, mode: "insensitive" },
    }));
  }
  return where;
}

export async function listProfiles(actor: Actor, query: RegistryQuery): Promise<ProfilePage> {
  const prisma = await db();
  await refreshHealthThrottled(prisma);
  const where = profileWhere(actor, query);
  const total = await prisma.profile.count({ where });
  const pages = pageCount(total, query.size);
  const page = Math.min(query.page, pages);
  const rows = await prisma.profile.findMany({
    where,
    orderBy: orderBy(query.sort, query.dir),
    skip: (page - 1) * query.size,
    take: query.size,
    select: {
      slug: true,
      owner: true,
      ring: true,
      tier: true,
      unit: true,
      health: true,
      lastSeenAt: true,
      canaryStage: true,
      updatedAt: true,
      tenant: { select: { slug: true, name: true } },
    },
  });
  return { rows, total, page, pageCount: pages, size: query.size };
}

/** Distinct owners in the actor's scope (for the owner filter). */
export async function listOwners(actor: Actor): Promise<string[]> {
  const prisma = await db();
  const groups = await prisma.profile.groupBy({
    by: ["owner"],
    where: tenantScope(actor),
    orderBy: { owner: "asc" },
    take: 500,
  });
  return groups.map((g) => g.owner);
}

export interface ProfileDetail {
  id: string;
  slug: string;
  tenant: { id: string; slug: string; name: string };
  owner: string;
  ring: number;
  tier: TierName;
  unit: string;
  health: ProfileRow["health"];
  lastSeenAt: Date | null;
  lastHeartbeatAt: Date | null;
  heartbeatIntervalSec: number;
  unitState: string | null;
  unitStateAt: Date | null;
  canaryStage: ProfileRow["canaryStage"];
  artifactDigest: string;
  rollbackEndpoint: string;
  rollbackManifestDigest: string;
  evidencePath: string;
  tools: { name: string; schemaHash: string }[];
  deniedTools: string[];
  egress: string[];
  secretRefs: string[];
  createdAt: Date;
  updatedAt: Date;
  hosts: {
    id: string;
    keys: { id: string; status: "active" | "revoked"; createdAt: Date; revokedAt: Date | null; revokedReason: string | null }[];
  }[];
  controls: { control: string; evidencedAt: Date; source: string }[];
  /** Required controls not evidenced (no attestation, or a backing item failing or stale), in tier order. */
  gaps: ControlName[];
  /** Each required control (and each attested beyond the tier) judged by lib/domain/gate controlStatus. */
  controlReport: ControlReport;
  /** null when the actor may not read the audit log in this tenant. */
  audit: Pick<AuditRecord, "seq" | "time" | "actorType" | "actorId" | "action" | "resource" | "decision" | "hash">[] | null;
}

/** One profile, or null when it does not exist or the actor may not see it. */
export async function getProfile(actor: Actor, slug: string, now = new Date()): Promise<ProfileDetail | null> {
  const prisma = await db();
  await refreshHealthThrottled(prisma);
  const profile = await prisma.profile.findFirst({
    where: { slug, ...tenantScope(actor) },
    include: {
      tenant: { select: { id: true, slug: true, name: true } },
      controls: { orderBy: { control: "asc" } },
      evidence: { select: { item: true, passed: true, observedAt: true, detail: true } },
      hosts: {
        orderBy: { hostId: "asc" },
        include: { host: { include: { keys: { orderBy: [{ status: "asc" }, { createdAt: "desc" }] } } } },
      },
    },
  });
  if (!profile) return null;
  const checklist = evidenceChecklist(profile.evidence, now, { intendedDigest: profile.artifactDigest });
  const controlReport = controlStatus(profile.tier, profile.controls, checklist, now);

  const audit = inScope(scopeFor(actor, "audit.read"), profile.tenantId)
    ? await prisma.auditEntry.findMany({
        where: { profileId: profile.id, ...tenantScope(actor) },
        orderBy: { seq: "desc" },
        take: 20,
        select: {
          seq: true,
          time: true,
          actorType: true,
          actorId: true,
          action: true,
          resource: true,
          decision: true,
          hash: true,
        },
      })
    : null;

  return {
    id: profile.id,
    slug: profile.slug,
    tenant: profile.tenant,
    owner: profile.owner,
    ring: profile.ring,
    tier: profile.tier,
    unit: profile.unit,
    health: profile.health,
    lastSeenAt: profile.lastSeenAt,
    lastHeartbeatAt: profile.lastHeartbeatAt,
    heartbeatIntervalSec: profile.heartbeatIntervalSec,
    unitState: profile.unitState,
    unitStateAt: profile.unitStateAt,
    canaryStage: profile.canaryStage,
    artifactDigest: profile.artifactDigest,
    rollbackEndpoint: profile.rollbackEndpoint,
    rollbackManifestDigest: profile.rollbackManifestDigest,
    evidencePath: profile.evidencePath,
    tools: parseTools(profile.tools),
    deniedTools: profile.deniedTools,
    egress: profile.egress,
    secretRefs: profile.secretRefs,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    hosts: profile.hosts.map((hp) => ({
      id: hp.host.id,
      keys: hp.host.keys.map((k) => ({
        id: k.id,
        status: k.status,
        createdAt: k.createdAt,
        revokedAt: k.revokedAt,
        revokedReason: k.revokedReason,
      })),
    })),
    controls: profile.controls.map((c) => ({ control: c.control, evidencedAt: c.evidencedAt, source: c.source })),
    gaps: controlReport.notEvidenced.map((c) => c.control as ControlName),
    controlReport,
    audit,
  };
}

export function parseTools(value: unknown): { name: string; schemaHash: string }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((t) =>
    t && typeof t === "object" && typeof (t as { name?: unknown }).name === "string"
      ? [{ name: String((t as { name: string }).name), schemaHash: String((t as { schemaHash?: unknown }).schemaHash ?? "") }]
      : [],
  );
}

// ---------------------------------------------------------------------------
// Mutation: revoke one active key of a host bound to the profile.

export const revokeHostKeyAction = defineAction({
  name: "host.key.revoke",
  input: ZRevokeHostKeyInput,
  permission: "registry.write",
  async resource(input, tx, actor) {
    // The key must belong to a host bound to this profile, and the profile must be visible.
    const key = await tx.hostKey.findFirst({
      where: {
        id: input.keyId,
        host: { profiles: { some: { profile: { slug: input.profileSlug, ...tenantScope(actor) } } } },
      },
      select: { id: true, hostId: true, status: true },
    });
    if (!key) return null;
    const profile = await tx.profile.findFirstOrThrow({
      where: { slug: input.profileSlug, ...tenantScope(actor) },
      select: { id: true, tenantId: true },
    });
    return { tenantId: profile.tenantId, profileId: profile.id, hostId: key.hostId };
  },
  async run(tx, input, _actor, resource) {
    const revokedAt = new Date();
    const updated = await tx.hostKey.updateMany({
      where: { id: input.keyId, hostId: resource.hostId, status: "active" },
      data: { status: "revoked", revokedAt, revokedReason: input.reason },
    });
    if (updated.count !== 1) throw new AppError("conflict", `Key ${input.keyId} is already revoked.`);
    return { keyId: input.keyId, hostId: resource.hostId, revokedAt: revokedAt.toISOString() };
  },
  receipt: (input, result, _actor, resource) => ({
    scope: { type: "host", id: result.hostId },
    tenantId: resource.tenantId,
    profileId: resource.profileId,
    request: input,
    result,
    summary: { key: result.keyId, host: result.hostId, profile: input.profileSlug, reason: input.reason },
  }),
  revalidate: (input) => [`/profiles/${input.profileSlug}`],
});
