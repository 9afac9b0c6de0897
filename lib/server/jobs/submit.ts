import "server-only";
/**
 * Submitting a job (POST /api/v1/jobs, the demo seed): the profile must be
 * bound to the host and belong to the tenant named; kill switches in force
 * covering the job deny it (rule ids `kill-switch:<id>`, fail safe), else the
 * policy in force is evaluated (fail closed), matched throttles are counted in the database,
 * and ONE transaction stores the decision record, the job, the webhook
 * message (new pending job, when a URL is configured) and the job.submit
 * receipt + audit entry. Nothing is stored for a refused submission.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Database } from "@/lib/db";
import { minimumApprovals } from "@/lib/domain/approvals";
import { canonicalJob, consoleTagsFor, effectiveRiskTags, type JobBody } from "@/lib/domain/jobs";
import { applyThrottle, evaluate, failClosed } from "@/lib/domain/policy";
import type { Evaluation, PolicyInput } from "@/lib/domain/policy/types";
import { env } from "@/lib/env";
import { writeReceipt } from "@/lib/server/audit";
import type { BoundProfile } from "@/lib/server/host-auth";
import { isDatabaseUnavailable } from "@/lib/server/host-auth";
import { fencedEngagedCount } from "@/lib/server/killswitches/fence";
import { killSwitchCheck, killSwitchUnsettled } from "@/lib/server/killswitches/job-check";
import { compiledPolicyFor } from "@/lib/server/policies/load";
import { problemType, type ProblemBody } from "@/lib/server/problem";
import { pendingJobMessage } from "@/lib/server/webhooks/payload";
import { enqueueWebhook } from "@/lib/server/webhooks/outbox";
import { driftDenial } from "../canary/drift";
import { countThrottles, deciding } from "./throttle";
import { requesterIds, requesterOf } from "./requester";
import { statusFor, type SubmittedJobView } from "./view";

/** Seconds a pending job waits when the policy gives no ttl. */
export const DEFAULT_TTL_SEC = 3600;

export interface SubmitInput {
  host: { id: string; profiles: BoundProfile[] };
  keyId: string;
  body: JobBody;
  now: Date;
  traceId?: string;
  /** Announce a new pending job to the configured webhook (default true). */
  notify?: boolean;
}

export type SubmitOutcome =
  | { ok: true; job: SubmittedJobView; retryAfterSec: number | null; webhookQueued: boolean }
  | { ok: false; status: number; problem: ProblemBody & Record<string, unknown> };

export function newJobId(): string {
  return `job_${randomBytes(16).toString("base64url")}`;
}

/** The policy evaluation, or DENY naming the failure when the policy cannot be loaded at all (fail closed). */
async function evaluateFor(database: Database, profile: BoundProfile, input: PolicyInput): Promise<Evaluation> {
  try {
    const { compiled } = await compiledPolicyFor(database.sql, { id: profile.id, tenantId: profile.tenantId });
    return evaluate(compiled, input);
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw error;
    console.error("[jobs] policy could not be loaded; denying (fail closed):", error);
    return failClosed((error as Error).message.slice(0, 400));
  }
}

export async function submitJob(database: Database, input: SubmitInput): Promise<SubmitOutcome> {
  const { body, now } = input;
  // The profile as read with the host's key in this request (lib/server/host-auth).
  const profile = input.host.profiles.find((p) => p.slug === body.profile);
  if (!profile) {
    return {
      ok: false,
      status: 403,
      problem: { type: problemType("profile-not-bound"), title: "Profile not bound to this host", detail: `this host is not bound to profile "${body.profile}"`, profiles: [body.profile] },
    };
  }
  if (profile.tenantSlug !== body.tenant) {
    return {
      ok: false,
      status: 400,
      problem: {
        type: problemType("tenant-mismatch"),
        title: "Tenant does not match the profile",
        detail: `profile "${profile.slug}" belongs to tenant "${profile.tenantSlug}", not "${body.tenant}"`,
        errors: [{ field: "tenant", message: `must be "${profile.tenantSlug}", the tenant of profile "${profile.slug}"` }],
      },
    };
  }

  for (let attempt = 1; ; attempt += 1) {
    const stored = await decideAndStore(database, input, profile, attempt);
    if (stored) return { ok: true, ...stored };
  }
}

/** A switch was engaged between the job's kill-switch check and its insert: decide it again. */
const SWITCHES_CHANGED = Symbol("kill switches changed");
const FENCE_ATTEMPTS = 3;

/**
 * Decide the job (kill switches, then policy and throttles) and store it with
 * its decision record, receipt and webhook in one transaction; null when a
 * switch was engaged meanwhile (see killswitches/fence.ts), after which the
 * caller decides again. A fleet engaging switches faster than jobs can be
 * decided gets the job denied (fail safe) after FENCE_ATTEMPTS tries.
 */
async function decideAndStore(database: Database, input: SubmitInput, profile: BoundProfile, attempt: number) {
  const { body, now } = input;
  const { canonical, jobHash } = canonicalJob(body);
  // The host's tags plus the console's findings (hidden characters): what policy and kill switches match on.
  const consoleTags = consoleTagsFor(body);
  const riskTags = effectiveRiskTags({ riskTags: body.riskTags, consoleTags });
  const policyInput: PolicyInput = {
    topic: body.topic, tenant: profile.tenantSlug, profile: profile.slug, riskTags, labels: body.labels, ring: Number(profile.ring), tier: profile.tier,
  };
  // Kill switches first: a covering switch in force denies the job whatever the policy says.
  // Unreadable switches deny it (fail safe); a null count never matches the fenced one.
  const { seen, denial: killed } = await killSwitchCheck(
    database,
    { tenantId: profile.tenantId, tenantSlug: profile.tenantSlug, profileId: profile.id, profileSlug: profile.slug, topic: body.topic, riskTags },
    now,
  );
  // Then tool drift: a profile exposing tools the registry does not know runs reads only.
  const drifted = killed ? null : await driftDenial(database.sql, profile.id, body.topic);
  const evaluated =
    killed ??
    drifted ??
    (attempt > FENCE_ATTEMPTS ? killSwitchUnsettled(FENCE_ATTEMPTS) : await evaluateFor(database, profile, policyInput));
  const jobId = newJobId();
  const decisionId = randomUUID();
  const traceId = input.traceId ?? randomBytes(16).toString("hex");
  const requester = requesterOf(body.labels);
  const webhookUrl = env().CELLGATE_WEBHOOK_URL ?? null;

  const stored = await database.sql.transaction(async (sql) => {
    if (evaluated.decision !== "DENY" && (await fencedEngagedCount(sql)) !== seen) throw SWITCHES_CHANGED;
    let evaluation = evaluated;
    let retryAfterSec: number | null = null;
    if (evaluation.throttles.length > 0 && evaluation.decision !== "DENY") {
      const over = deciding(await countThrottles(sql, evaluation.throttles, now));
      if (over) {
        evaluation = applyThrottle(evaluation, over.throttle, over.retryAfterSec);
        if (evaluation.decision === "THROTTLE") retryAfterSec = over.retryAfterSec;
      }
    }
    const status = statusFor(evaluation.decision);
    const pending = status === "PENDING_APPROVAL";
    const approvalsNeeded = pending ? minimumApprovals(profile.tier, evaluation.approvalsNeeded) : 0;
    const ttlSec = pending ? (evaluation.ttlSec ?? DEFAULT_TTL_SEC) : null;
    const expiresAt = ttlSec === null ? null : new Date(now.getTime() + ttlSec * 1000);
    const ids = await requesterIds(sql, requester);

    const receiptId = `rcpt_${randomBytes(12).toString("base64url")}`;
    // The decision record and the job: one statement.
    await sql.query(
      `WITH decision AS (
         INSERT INTO "PolicyDecision" ("id", "tenantId", "profileId", "jobId", "decision", "ruleIds", "reason", "policyHash", "inputHash",
         "constraints", "approvalsNeeded", "ttlSec", "createdAt")
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5, ARRAY(SELECT json_array_elements_text($6::json)), $7, $8, $9, $10::jsonb, $11, $12, $13)
       )
       INSERT INTO "Job" ("id", "tenantId", "profileId", "hostId", "keyId", "topic", "riskTags", "labels", "payload", "canonical", "jobHash",
         "status", "decisionId", "approvalsNeeded", "expiresAt", "resolvedAt", "requester", "requesterIds", "traceId", "receiptId", "createdAt", "consoleTags", "passkeyRequired")
       VALUES ($14, $15::uuid, $16::uuid, $17, $18, $19, ARRAY(SELECT json_array_elements_text($20::json)), $21::jsonb, $22::jsonb, $23, $24, $25::"JobStatus", $26::uuid, $27, $28, $29,
         $30, ARRAY(SELECT json_array_elements_text($31::json))::uuid[], $32, $33, $34, ARRAY(SELECT json_array_elements_text($35::json)), $36)`,
      [
        // PolicyDecision ($1–$13)
        decisionId, profile.tenantId, profile.id, jobId, evaluation.decision, JSON.stringify(evaluation.ruleIds), evaluation.reason, evaluation.policyHash, jobHash,
        evaluation.constraints === null ? null : JSON.stringify(evaluation.constraints), pending ? approvalsNeeded : null, ttlSec, now,
        // Job ($14–$36)
        jobId, profile.tenantId, profile.id, input.host.id, input.keyId, body.topic, JSON.stringify(body.riskTags), JSON.stringify(body.labels), JSON.stringify(body.payload),
        canonical, jobHash, status, decisionId, approvalsNeeded, expiresAt, pending ? null : now, requester, JSON.stringify(ids), traceId, receiptId, now, JSON.stringify(consoleTags),
        pending && evaluation.passkey === true,
      ],
    );
    let webhookQueued = false;
    if (pending && webhookUrl && input.notify !== false) {
      const base = env().NEXTAUTH_URL;
      const message = pendingJobMessage({
        jobId, jobHash, topic: body.topic, tenant: profile.tenantSlug, profile: profile.slug, tier: profile.tier, riskTags,
        requester, hostId: input.host.id, reason: evaluation.reason, ruleIds: evaluation.ruleIds, approvalsNeeded,
        expiresAt: expiresAt!.toISOString(), createdAt: now.toISOString(), link: base ? new URL(`/approvals/${jobId}`, base).toString() : null,
      });
      await enqueueWebhook(sql, { event: message.type, url: webhookUrl, payload: message, now });
      webhookQueued = true;
    }
    // Last, right before the commit: the audit head lock is held only for the append.
    const receipt = await writeReceipt(sql, {
      id: receiptId,
      action: "job.submit",
      actor: { type: "host", id: input.host.id },
      scope: { type: "job", id: jobId },
      tenantId: profile.tenantId,
      profileId: profile.id,
      traceId,
      decision: evaluation.decision,
      request: { jobHash, keyId: input.keyId },
      result: { job: jobId, status, decision: decisionId, ruleIds: evaluation.ruleIds, policyHash: evaluation.policyHash },
      summary: { job: jobId, status, decision: evaluation.decision, topic: body.topic, profile: profile.slug, ruleIds: evaluation.ruleIds },
    });
    const job: SubmittedJobView = {
      id: jobId,
      status,
      jobHash,
      topic: body.topic,
      tenant: profile.tenantSlug,
      profile: profile.slug,
      decision: {
        id: decisionId, decision: evaluation.decision, ruleIds: evaluation.ruleIds, reason: evaluation.reason, policyHash: evaluation.policyHash,
        inputHash: jobHash, constraints: evaluation.constraints, approvalsNeeded: pending ? approvalsNeeded : null, ttlSec, createdAt: now.toISOString(),
      },
      approvals: { needed: approvalsNeeded, approved: 0 },
      expiresAt: expiresAt?.toISOString() ?? null,
      createdAt: now.toISOString(),
      resolvedAt: pending ? null : now.toISOString(),
      receiptId,
      receipt,
    };
    return { job, retryAfterSec, webhookQueued };
  }).catch((error: unknown) => {
    if (error === SWITCHES_CHANGED) return null;
    throw error;
  });
  return stored;
}
