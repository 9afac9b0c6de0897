import "server-only";
/**
 * One job as an approver reads it: the canonical text exactly as hashed, the
 * decision record, the profile's context and the votes so far. Scoped by the
 * actor's job.read tenants: another tenant's job is "not found". Also where
 * the reader stands with the vote (vote-standing.ts) and the kill switches in
 * force covering it while it is pending.
 */
import { isEmptyScope, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import { db, type Db } from "@/lib/db";
import { effectiveStatus, type JobStatus } from "@/lib/domain/jobs";
import type { HealthState, TierName } from "@/lib/domain/tiers";
import type { IntegrityProblem } from "@/lib/domain/jobs/integrity";
import { HIDDEN_CHARS_TAG, hasHiddenChars } from "@/lib/domain/text/hidden-chars";
import { jobIntegrity, raiseIntegrityAlarm, recordedAlarm, type RaisedAlarm } from "./integrity";
import { prettyCanonical } from "./pretty-canonical";
import { jobTenants } from "./queue";
import { jobSwitches, mayOpenAuditEntries, voteStanding, type VoteStanding } from "./vote-standing";
import type { KillSwitchView } from "../killswitches/views";
import { isGovernanceJob } from "../canary/approval";
import { passkeyRequirement } from "../passkeys";

/** How far back "recent denies" on the profile look. */
export const RECENT_DENY_DAYS = 7;

export interface JobVoteView {
  userId: string;
  voter: string;
  vote: "approve" | "deny";
  note: string;
  seenHash: string;
  receiptId: string;
  /** The audit entry the vote's receipt sealed (null only if the receipt is missing). */
  auditSeq: number | null;
  createdAt: Date;
}

export interface JobDetail {
  id: string;
  tenant: { id: string; slug: string; name: string };
  profile: { id: string; slug: string; ring: number; tier: TierName; health: HealthState };
  hostId: string;
  keyId: string;
  topic: string;
  riskTags: string[];
  /** Tags the console added (`console:hidden-characters`), not part of the hash. */
  consoleTags: string[];
  /** The request holds invisible or direction-changing characters. */
  hiddenChars: boolean;
  /**
   * The integrity recheck (lib/server/approvals/integrity.ts): what it found
   * now (empty: intact) and the alarm on record, if one was ever raised.
   */
  integrity: { problems: IntegrityProblem[]; alarm: RaisedAlarm | null };
  canonical: string;
  /** The canonical text with whitespace added between tokens only (see pretty-canonical.ts). */
  pretty: string;
  jobHash: string;
  /** Effective status: a pending job past its expiry reads EXPIRED. */
  status: JobStatus;
  storedStatus: JobStatus;
  approvalsNeeded: number;
  approvals: number;
  requester: string | null;
  requesterIds: string[];
  createdAt: Date;
  expiresAt: Date | null;
  resolvedAt: Date | null;
  traceId: string;
  receiptId: string;
  /** The audit entry of the submit receipt. */
  receiptAuditSeq: number | null;
  /** The reader may open this tenant's audit entries (so "audit #N" is a link for them). */
  mayOpenAudit: boolean;
  /** Kill switches in force covering the job while it is pending, oldest first (none once it is settled). */
  killSwitches: KillSwitchView[];
  /** Whether the reader may vote, why not, their own vote. */
  standing: VoteStanding<JobVoteView>;
  /** Why a vote here is signed with a passkey (null: no passkey needed), and how many the reader has. */
  passkey: { required: string | null; registered: number };
  decision: {
    decision: string;
    ruleIds: string[];
    reason: string;
    policyHash: string;
    inputHash: string;
    constraints: unknown;
    approvalsNeeded: number | null;
    ttlSec: number | null;
    createdAt: Date;
  } | null;
  votes: JobVoteView[];
  recentDenies: {
    total: number;
    rows: { id: string; topic: string; status: JobStatus; reason: string | null; createdAt: Date }[];
  };
}

export async function getJobDetail(
  actor: Actor,
  id: string,
  options: { now?: Date; prisma?: Db } = {},
): Promise<JobDetail | null> {
  const prisma = options.prisma ?? (await db());
  const now = options.now ?? new Date();
  const tenants = jobTenants(actor);
  if (isEmptyScope(tenants)) return null;
  const job = await prisma.job.findFirst({
    where: { id, ...scopedWhere(tenants) },
    include: { votes: { orderBy: { createdAt: "asc" } } },
  });
  if (!job) return null;
  const requesterIds = job.requesterIds;
  const problems = await jobIntegrity(prisma, job);
  const alarm =
    problems.length > 0
      ? await raiseIntegrityAlarm(prisma, job, problems, { type: "user", id: actor.userId }, now)
      : await recordedAlarm(prisma, job.id);

  const since = new Date(now.getTime() - RECENT_DENY_DAYS * 86_400_000);
  const denyWhere = { profileId: job.profileId, status: { in: ["DENIED", "REJECTED"] as JobStatus[] }, createdAt: { gte: since } };
  const [tenant, profile, decision, voters, denyTotal, denies] = await Promise.all([
    prisma.tenant.findUniqueOrThrow({ where: { id: job.tenantId }, select: { id: true, slug: true, name: true } }),
    prisma.profile.findUniqueOrThrow({
      where: { id: job.profileId },
      select: { id: true, slug: true, ring: true, tier: true, health: true },
    }),
    prisma.policyDecision.findUnique({ where: { id: job.decisionId } }),
    prisma.user.findMany({ where: { id: { in: job.votes.map((v) => v.userId) } }, select: { id: true, email: true, name: true } }),
    prisma.job.count({ where: denyWhere }),
    prisma.job.findMany({
      where: denyWhere,
      orderBy: { createdAt: "desc" },
      take: 5,
      select: { id: true, topic: true, status: true, createdAt: true, decisionId: true },
    }),
  ]);
  const denyReasons = await prisma.policyDecision.findMany({
    where: { id: { in: denies.map((d) => d.decisionId) } },
    select: { id: true, reason: true },
  });
  const [receipts, killSwitches] = await Promise.all([
    prisma.receipt.findMany({ where: { id: { in: [job.receiptId, ...job.votes.map((v) => v.receiptId)] } }, select: { id: true, auditSeq: true } }),
    jobSwitches(prisma, { ...job, status: effectiveStatus(job, now) }, now),
  ]);
  const auditSeqOf = new Map(receipts.map((r) => [r.id, r.auditSeq]));
  const voterName = new Map(voters.map((u) => [u.id, u.email]));
  const votes: JobVoteView[] = job.votes.map((v) => ({
    userId: v.userId,
    voter: voterName.get(v.userId) ?? v.userId,
    vote: v.vote === "deny" ? "deny" : "approve",
    note: v.note,
    seenHash: v.seenHash,
    receiptId: v.receiptId,
    auditSeq: auditSeqOf.get(v.receiptId) ?? null,
    createdAt: v.createdAt,
  }));
  const status = effectiveStatus(job, now);
  const reasonOf = new Map(denyReasons.map((d) => [d.id, d.reason]));

  return {
    id: job.id,
    tenant,
    profile,
    hostId: job.hostId,
    keyId: job.keyId,
    topic: job.topic,
    riskTags: job.riskTags,
    consoleTags: job.consoleTags,
    hiddenChars: job.consoleTags.includes(HIDDEN_CHARS_TAG) || hasHiddenChars(job.canonical),
    integrity: { problems, alarm },
    canonical: job.canonical,
    pretty: prettyCanonical(job.canonical),
    jobHash: job.jobHash,
    status,
    storedStatus: job.status,
    approvalsNeeded: Math.max(1, job.approvalsNeeded),
    approvals: job.votes.filter((v) => v.vote === "approve").length,
    requester: job.requester,
    requesterIds,
    createdAt: job.createdAt,
    expiresAt: job.expiresAt,
    resolvedAt: job.resolvedAt,
    traceId: job.traceId,
    receiptId: job.receiptId,
    receiptAuditSeq: auditSeqOf.get(job.receiptId) ?? null,
    mayOpenAudit: mayOpenAuditEntries(actor, job.tenantId),
    killSwitches,
    passkey: {
      required: passkeyRequirement({ tier: profile.tier, governance: isGovernanceJob(job.topic), policy: job.passkeyRequired }),
      registered: await prisma.passkeyCredential.count({ where: { userId: actor.userId, removedAt: null } }),
    },
    standing: voteStanding(
      actor,
      { tenantId: job.tenantId, status, requesterIds, integrityFailed: problems.length > 0, votes },
      killSwitches,
    ),
    decision: decision
      ? {
          decision: decision.decision,
          ruleIds: decision.ruleIds,
          reason: decision.reason,
          policyHash: decision.policyHash,
          inputHash: decision.inputHash,
          constraints: decision.constraints,
          approvalsNeeded: decision.approvalsNeeded,
          ttlSec: decision.ttlSec,
          createdAt: decision.createdAt,
        }
      : null,
    votes,
    recentDenies: {
      total: denyTotal,
      rows: denies.map((d) => ({
        id: d.id,
        topic: d.topic,
        status: d.status,
        reason: d.status === "DENIED" ? (reasonOf.get(d.decisionId) ?? null) : null,
        createdAt: d.createdAt,
      })),
    },
  };
}
