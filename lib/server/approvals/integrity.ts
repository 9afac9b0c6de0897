import "server-only";
/**
 * The integrity recheck of a job (lib/domain/jobs/integrity.ts) against its
 * stored witnesses, and the alarm it raises. The job page runs it on every
 * view and the vote runs it under the job's row lock; on a mismatch the page
 * shows the alarm instead of the payload, the vote is refused, and the first
 * to notice raises the alarm: one IntegrityAlarm row, one audit entry
 * (job.integrity_alarm) and one webhook message, in one transaction of its
 * own (the refused vote's transaction rolls back). /api/metrics counts alarms.
 */
import type { Db, Tx } from "@/lib/db";
import { checkJobIntegrity, type IntegrityProblem } from "@/lib/domain/jobs/integrity";
import { env } from "@/lib/env";
import { appendAudit, type AuditActor } from "../audit";
import { enqueueWebhook } from "../webhooks/outbox";
import { kickWebhooks } from "../webhooks/ticker";
import { prismaQuery } from "@/lib/sql";

export interface IntegrityJob {
  id: string;
  tenantId: string;
  profileId: string;
  canonical: string;
  jobHash: string;
  keyId: string;
  topic: string;
  riskTags: string[];
  labels: unknown;
  payload: unknown;
  decisionId: string;
  receiptId: string;
  traceId: string;
}

export const INTEGRITY_ALARM_EVENT = "job.integrity_alarm";

export const INTEGRITY_VOTE_REFUSAL =
  "This job failed its integrity check: what is stored is no longer what was hashed and answered to the host. No vote can be taken on it; the alarm was recorded in the audit log.";

/** The problems found with `job` (empty: intact). */
export async function jobIntegrity(prisma: Db | Tx, job: IntegrityJob): Promise<IntegrityProblem[]> {
  const [decision, receipt] = await Promise.all([
    prisma.policyDecision.findUnique({ where: { id: job.decisionId }, select: { inputHash: true } }),
    prisma.receipt.findUnique({ where: { id: job.receiptId }, select: { auditSeq: true, leafId: true } }),
  ]);
  // Sealed: the chain entry. Pending seal: the leaf. The leaf is read before the entry
  // it becomes: the sequencer deletes it in the transaction that inserts the entry, so
  // a leaf found gone means its entry is already visible (never "missing" mid-seal).
  const leaf = receipt?.auditSeq == null && receipt?.leafId ? await prisma.auditLeaf.findUnique({ where: { id: receipt.leafId } }) : null;
  const entry = receipt?.auditSeq != null ? await prisma.auditEntry.findUnique({ where: { seq: receipt.auditSeq } })
    : !leaf && receipt?.leafId ? await prisma.auditEntry.findUnique({ where: { leafId: receipt.leafId } }) : null;
  return checkJobIntegrity(job, { decisionInputHash: decision?.inputHash ?? null, submitEntry: entry, submitLeaf: leaf });
}

export interface RaisedAlarm {
  jobId: string;
  detectedAt: Date;
  noticedBy: string;
  problems: IntegrityProblem[];
  /** The alarm's audit entry (null while its leaf is pending seal). */
  auditSeq: number | null;
}

type AlarmRow = { jobId: string; detectedAt: Date; noticedBy: string; problems: unknown; auditSeq: number | null; auditLeafId: string | null };

/** An alarm as shown; an alarm row names its leaf, whose entry gives the sequence number once sealed. */
async function alarmView(prisma: Db | Tx, alarm: AlarmRow): Promise<RaisedAlarm> {
  const sealed = alarm.auditSeq ?? (alarm.auditLeafId
    ? (await prisma.auditEntry.findUnique({ where: { leafId: alarm.auditLeafId }, select: { seq: true } }))?.seq ?? null
    : null);
  return {
    jobId: alarm.jobId,
    detectedAt: alarm.detectedAt,
    noticedBy: alarm.noticedBy,
    problems: alarm.problems as IntegrityProblem[],
    auditSeq: sealed,
  };
}

/** The alarm recorded for a job, if any. */
export async function recordedAlarm(prisma: Db | Tx, jobId: string): Promise<RaisedAlarm | null> {
  const alarm = await prisma.integrityAlarm.findUnique({ where: { jobId } });
  return alarm ? alarmView(prisma, alarm) : null;
}

/** Records the alarm for `job` unless one is already recorded; returns the alarm in force. */
export async function raiseIntegrityAlarm(
  prisma: Db,
  job: IntegrityJob,
  problems: IntegrityProblem[],
  noticedBy: AuditActor,
  now = new Date(),
): Promise<RaisedAlarm> {
  const webhookUrl = env().CELLGATE_WEBHOOK_URL ?? null;
  const { alarm, queued } = await prisma.$transaction(async (tx) => {
    // The job's row lock serializes two viewers noticing at once: one alarm, one entry.
    await tx.$queryRawUnsafe(`SELECT 1 FROM "Job" WHERE "id" = $1 FOR UPDATE`, job.id);
    const existing = await tx.integrityAlarm.findUnique({ where: { jobId: job.id } });
    if (existing) return { alarm: existing, queued: false };
    const by = `${noticedBy.type}:${noticedBy.id}`;
    const entry = await appendAudit(tx, {
      actor: { type: "system", id: "integrity-check" },
      action: INTEGRITY_ALARM_EVENT,
      resource: `job:${job.id}`,
      tenantId: job.tenantId,
      profileId: job.profileId,
      decision: "ALARM",
      traceId: job.traceId,
      data: { job: job.id, jobHash: job.jobHash, noticedBy: by, problems },
    });
    const alarm = await tx.integrityAlarm.create({
      data: { jobId: job.id, tenantId: job.tenantId, profileId: job.profileId, detectedAt: now, noticedBy: by, problems: problems as object[], auditLeafId: entry.leafId },
    });
    if (webhookUrl) {
      const base = env().NEXTAUTH_URL;
      const link = base ? new URL(`/approvals/${job.id}`, base).toString() : null;
      const text = `Integrity alarm: job ${job.id} no longer matches its hash; votes are refused.`;
      await enqueueWebhook(
        prismaQuery(tx),
        {
          event: INTEGRITY_ALARM_EVENT,
          url: webhookUrl,
          now,
          payload: {
            type: INTEGRITY_ALARM_EVENT,
            timestamp: now.toISOString(),
            data: { jobId: job.id, jobHash: job.jobHash, problems, noticedBy: by, auditLeaf: entry.leafId, link },
            text,
            blocks: [
              { type: "header", text: { type: "plain_text", text: "Integrity alarm", emoji: false } },
              { type: "section", text: { type: "mrkdwn", text: problems.map((p) => `• ${p.message}`).join("\n") } },
              { type: "context", elements: [{ type: "mrkdwn", text: `job ${job.id} · ${job.jobHash} · audit leaf ${entry.leafId}` }] },
            ],
          },
        },
      );
    }
    return { alarm, queued: Boolean(webhookUrl) };
  });
  if (queued) kickWebhooks();
  return alarmView(prisma, alarm);
}
