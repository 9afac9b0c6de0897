import "server-only";
/**
 * Where the reader of a job page stands with its vote, said before they try:
 * the form is open to them, or why it is not — the job is settled, they
 * already voted (and how), their role or tenant does not carry job.approve
 * (lib/authz says why), it is their own request; and whether a kill switch
 * in force blocks approving it (a deny is still taken). The same checks the
 * vote action makes on the server; they stay there, this only says them.
 */
import { authorize, can, type Actor } from "@/lib/authz";
import type { Db, Tx } from "@/lib/db";
import { closedToVotes } from "@/lib/domain/approvals";
import { effectiveRiskTags, type JobStatus } from "@/lib/domain/jobs";
import { switchesCovering } from "../killswitches/effects";
import { toViews, type KillSwitchView } from "../killswitches/views";

/** The vote's refusal under a switch, the same words on the page and from the action. */
export function killSwitchApprovalRefusal(sw: { id: string; reason: string }): string {
  return `This job is covered by kill switch ${sw.id}, engaged because: ${sw.reason}. It cannot be approved while the switch is engaged; you can still deny it.`;
}

/** What the standing needs of the job (a JobDetail has all of it). */
export interface StandingJob {
  tenantId: string;
  status: JobStatus;
  requesterIds: readonly string[];
  integrityFailed: boolean;
}

export interface VoteStanding<V> {
  /** The vote form is shown. */
  open: boolean;
  /** Why there is no form, when there is none and `mine` does not say it. */
  reason: string | null;
  /** The form is open but Approve is refused while these switches are engaged (Deny still taken): the refusal, word for word. */
  approveBlocked: string | null;
  /** The reader's own vote on the job (any of their identities), when they cast one. */
  mine: V | null;
}

/**
 * The standing of `actor` on `job`, given the switches in force covering it
 * (jobSwitches). Order as the action refuses: integrity, the reader's own vote,
 * a settled job, authorization (role, tenant, own request, view-as), switches.
 */
export function voteStanding<V extends { userId: string }>(
  actor: Actor,
  job: StandingJob & { votes: readonly V[] },
  switches: ReadonlyArray<{ id: string; reason: string }>,
): VoteStanding<V> {
  const closed = (reason: string | null, mine: V | null = null): VoteStanding<V> => ({ open: false, reason, approveBlocked: null, mine });
  if (job.integrityFailed) return closed("No vote can be taken: this job failed its integrity check (see the alarm above).");
  const identities = new Set([actor.userId, ...(actor.identityIds ?? [])]);
  const mine = job.votes.find((v) => identities.has(v.userId)) ?? null;
  if (mine) return closed(null, mine);
  const settled = closedToVotes(job.status);
  if (settled) return closed(settled);
  const decision = authorize(actor, "job.approve", { tenantId: job.tenantId, requesterIds: job.requesterIds });
  if (!decision.allowed) return closed(sentence(decision.reason));
  const first = switches[0];
  return { open: true, reason: null, approveBlocked: first ? killSwitchApprovalRefusal(first) : null, mine: null };
}

function sentence(reason: string): string {
  const text = reason.charAt(0).toUpperCase() + reason.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * The kill switches in force covering a pending job (switchesCovering), as
 * views naming what each stops, its reason, who engaged it and when. Empty for
 * a job that is no longer pending: a switch no longer changes anything there.
 */
export async function jobSwitches(
  prisma: Db | Tx,
  job: { tenantId: string; profileId: string; topic: string; riskTags: readonly string[]; consoleTags: readonly string[]; status: JobStatus },
  now: Date,
): Promise<KillSwitchView[]> {
  if (job.status !== "PENDING_APPROVAL") return [];
  const covering = await switchesCovering(prisma, { tenantId: job.tenantId, profileId: job.profileId, topic: job.topic, riskTags: effectiveRiskTags(job) }, now);
  if (covering.length === 0) return [];
  const rows = await prisma.killSwitch.findMany({ where: { id: { in: covering.map((s) => s.id) } }, orderBy: [{ engagedAt: "asc" }, { id: "asc" }] });
  return toViews(prisma, rows, now);
}

/** May the reader open the audit explorer's entries of this tenant (for "audit #N" links)? */
export function mayOpenAuditEntries(actor: Actor, tenantId: string): boolean {
  return can(actor, "audit.read", { tenantId });
}
