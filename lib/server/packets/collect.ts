import "server-only";
/**
 * Reads what goes into an evidence packet, every query scoped to ONE tenant
 * (and, for a profile packet, one profile) — nothing here can return another
 * tenant's rows. Records go into the packet as plain JSON (times as ISO text).
 *
 * - entries: the scope's audit entries with time in [from, to) and seq ≤ the anchor;
 * - decisions: PolicyDecision rows created in the range;
 * - approvals: jobs that needed approval or got votes, created, voted on or
 *   resolved in the range, each with its votes;
 * - kill switches: global ones and the scope's, in force at any time in the range;
 * - policies: every version in force at some time in the range (the one in
 *   force at `from`, and those activated before `to`) at the platform, the
 *   tenant and the scope's profile level(s);
 * - stage changes: the scope's canary promotions, rollbacks and demotions
 *   whose receipts' audit entries are among the packet's entries;
 * - registry: a snapshot of the scope's profiles and the hosts bound to them.
 */
import type { ChainEntry } from "@/lib/domain/audit/chain";
import type { PolicyDocument } from "@/lib/domain/packet";
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { RawSql } from "@/lib/sql";
import { hashedEntries } from "../audit-verify";

export interface PacketScopeIds {
  tenant: { id: string; slug: string; name: string };
  profile: { id: string; slug: string } | null;
  from: Date;
  to: Date;
}

const PAGE = 10_000;

/** The scope's audit entries in [from, to) with seq ≤ `upToSeq`, ascending seq, as the chain hashes them. */
export async function scopedEntries(sql: Pick<RawSql, "query" | "kind">, scope: PacketScopeIds, upToSeq: number): Promise<ChainEntry[]> {
  const out: ChainEntry[] = [];
  let after = 0;
  for (;;) {
    const page = await hashedEntries(
      sql,
      `"tenantId" = $1::uuid AND ($2::uuid IS NULL OR "profileId" = $2::uuid)
         AND time >= $3::timestamptz AND time < $4::timestamptz AND seq > $5 AND seq <= $6`,
      [scope.tenant.id, scope.profile?.id ?? null, scope.from.toISOString(), scope.to.toISOString(), after, upToSeq],
      PAGE,
    );
    out.push(...page);
    if (page.length < PAGE) return out;
    after = out[out.length - 1]!.seq;
  }
}

/** Dates → ISO text, undefined dropped: what the packet's JSON lines hold. */
function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function range(scope: PacketScopeIds) {
  return { gte: scope.from, lt: scope.to };
}

/** tenantId (and profileId for a profile packet) of the scope. */
function owned(scope: PacketScopeIds): { tenantId: string; profileId?: string } {
  return scope.profile ? { tenantId: scope.tenant.id, profileId: scope.profile.id } : { tenantId: scope.tenant.id };
}

export async function scopedDecisions(prisma: Db, scope: PacketScopeIds): Promise<unknown[]> {
  const rows = await prisma.policyDecision.findMany({
    where: { ...owned(scope), createdAt: range(scope) },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return rows.map(plain);
}

export async function scopedApprovals(prisma: Db, scope: PacketScopeIds): Promise<unknown[]> {
  const inRange = range(scope);
  const jobs = await prisma.job.findMany({
    where: {
      ...owned(scope),
      AND: [
        { OR: [{ approvalsNeeded: { gt: 0 } }, { votes: { some: {} } }] },
        { OR: [{ createdAt: inRange }, { resolvedAt: inRange }, { votes: { some: { createdAt: inRange } } }] },
      ],
    },
    include: { votes: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return jobs.map((job) =>
    plain({
      jobId: job.id,
      tenantId: job.tenantId,
      profileId: job.profileId,
      hostId: job.hostId,
      keyId: job.keyId,
      topic: job.topic,
      riskTags: job.riskTags,
      // The exact RFC 8785 text the approvers saw; jobHash = SHA-256 of it.
      canonical: job.canonical,
      jobHash: job.jobHash,
      status: job.status,
      decisionId: job.decisionId,
      approvalsNeeded: job.approvalsNeeded,
      requester: job.requester,
      requesterIds: job.requesterIds,
      traceId: job.traceId,
      receiptId: job.receiptId,
      createdAt: job.createdAt,
      expiresAt: job.expiresAt,
      resolvedAt: job.resolvedAt,
      // A passkey-signed vote carries its statement, assertion and the credential's public key (checked offline).
      votes: job.votes.map((v) => ({
        id: v.id,
        userId: v.userId,
        vote: v.vote,
        note: v.note,
        seenHash: v.seenHash,
        receiptId: v.receiptId,
        createdAt: v.createdAt,
        ...(v.passkey ? { passkey: v.passkey } : {}),
      })),
    }),
  );
}

export async function scopedKillSwitches(prisma: Db, scope: PacketScopeIds): Promise<unknown[]> {
  const mine: Prisma.KillSwitchWhereInput[] = scope.profile
    ? [{ tenantId: scope.tenant.id, profileId: null }, { tenantId: scope.tenant.id, profileId: scope.profile.id }]
    : [{ tenantId: scope.tenant.id }];
  const rows = await prisma.killSwitch.findMany({
    where: {
      OR: [{ scope: "global", tenantId: null }, ...mine],
      engagedAt: { lt: scope.to },
      AND: [
        { OR: [{ releasedAt: null }, { releasedAt: { gte: scope.from } }] },
        { OR: [{ autoReleaseAt: null }, { autoReleaseAt: { gte: scope.from } }] },
      ],
    },
    orderBy: [{ engagedAt: "asc" }, { id: "asc" }],
  });
  return rows.map(plain);
}

/** A stage change's time and its receipt's entry time differ by the transaction's length at most; this is ample. */
const STAGE_CHANGE_SLACK_MS = 5 * 60_000;

/**
 * The scope's stage changes whose receipt has its audit entry in `entries`
 * (so the packet proves each one), oldest first.
 */
export async function scopedStageChanges(prisma: Db, scope: PacketScopeIds, entries: readonly ChainEntry[]): Promise<unknown[]> {
  const receipts = new Set<string>();
  for (const e of entries) {
    const receipt = (e.data as { receipt?: unknown } | null)?.receipt;
    if (typeof receipt === "string") receipts.add(receipt);
  }
  const rows = await prisma.stageChange.findMany({
    where: {
      ...owned(scope),
      at: { gte: new Date(scope.from.getTime() - STAGE_CHANGE_SLACK_MS), lt: new Date(scope.to.getTime() + STAGE_CHANGE_SLACK_MS) },
    },
    orderBy: [{ at: "asc" }, { id: "asc" }],
  });
  return rows.filter((r) => receipts.has(r.receiptId)).map(plain);
}

const LEVEL_ORDER: Record<string, number> = { platform: 0, tenant: 1, profile: 2 };

export async function scopedPolicies(prisma: Db, scope: PacketScopeIds): Promise<PolicyDocument[]> {
  const levels: Prisma.PolicyVersionWhereInput[] = [
    { scopeKey: "platform", tenantId: null },
    { scopeKey: `tenant:${scope.tenant.id}`, tenantId: scope.tenant.id },
    scope.profile
      ? { scopeKey: `profile:${scope.profile.id}`, tenantId: scope.tenant.id, profileId: scope.profile.id }
      : { level: "profile", tenantId: scope.tenant.id },
  ];
  const rows = await prisma.policyVersion.findMany({
    where: { OR: levels, createdAt: { lt: scope.to } },
    orderBy: [{ scopeKey: "asc" }, { version: "asc" }],
  });
  const kept: typeof rows = [];
  const byKey = new Map<string, typeof rows>();
  for (const row of rows) byKey.set(row.scopeKey, [...(byKey.get(row.scopeKey) ?? []), row]);
  for (const versions of byKey.values()) {
    // The newest version created before `from` was in force when the range began.
    const before = versions.filter((v) => v.createdAt < scope.from);
    if (before.length) kept.push(before[before.length - 1]!);
    kept.push(...versions.filter((v) => v.createdAt >= scope.from));
  }
  kept.sort((a, b) => (LEVEL_ORDER[a.level]! - LEVEL_ORDER[b.level]!) || a.scopeKey.localeCompare(b.scopeKey) || a.version - b.version);
  return kept.map((v) => ({
    level: v.level,
    scopeKey: v.scopeKey,
    tenantId: v.tenantId,
    profileId: v.profileId,
    version: v.version,
    hash: v.hash,
    source: v.source,
  }));
}

/** The scope's profiles as the registry holds them now, and the hosts (public keys) bound to them. */
export async function registrySnapshot(prisma: Db, scope: PacketScopeIds, takenAt: Date): Promise<unknown> {
  const profiles = await prisma.profile.findMany({
    where: scope.profile ? { id: scope.profile.id, tenantId: scope.tenant.id } : { tenantId: scope.tenant.id },
    include: { hosts: { select: { hostId: true }, orderBy: { hostId: "asc" } } },
    orderBy: { slug: "asc" },
  });
  const hostIds = [...new Set(profiles.flatMap((p) => p.hosts.map((h) => h.hostId)))].sort();
  const keys = hostIds.length
    ? await prisma.hostKey.findMany({ where: { hostId: { in: hostIds } }, orderBy: [{ hostId: "asc" }, { id: "asc" }] })
    : [];
  const slugById = new Map(profiles.map((p) => [p.id, p.slug]));
  return plain({
    takenAt,
    tenant: scope.tenant,
    profiles: profiles.map((p) => ({
      id: p.id,
      slug: p.slug,
      tenantId: p.tenantId,
      owner: p.owner,
      ring: p.ring,
      tier: p.tier,
      unit: p.unit,
      health: p.health,
      canaryStage: p.canaryStage,
      artifactDigest: p.artifactDigest,
      rollbackTarget: { endpoint: p.rollbackEndpoint, manifestDigest: p.rollbackManifestDigest },
      evidencePath: p.evidencePath,
      tools: p.tools,
      deniedTools: p.deniedTools,
      egress: p.egress,
      secretRefs: p.secretRefs,
      hosts: p.hosts.map((h) => h.hostId),
      updatedAt: p.updatedAt,
    })),
    hosts: hostIds.map((id) => ({
      id,
      profiles: profiles.filter((p) => p.hosts.some((h) => h.hostId === id)).map((p) => slugById.get(p.id)),
      keys: keys
        .filter((k) => k.hostId === id)
        .map((k) => ({ id: k.id, alg: k.alg, publicKey: k.publicKey, status: k.status, createdAt: k.createdAt, revokedAt: k.revokedAt })),
    })),
  });
}
