import "server-only";
/**
 * Applying a policy document: plan it again inside one transaction (under a
 * per-scope lock, so two applies of the same scope queue up), check that the
 * actor holds `policy.write` for the scope (platform scope: tenantId null),
 * and — only when the plan is applicable — store the next version with its
 * receipt and audit entry in that same transaction.
 */
import { randomUUID } from "node:crypto";
import { authorize, type Actor } from "@/lib/authz";
import type { Database, Tx } from "@/lib/db";
import { writeReceipt, type AuditActor, type ReceiptView } from "@/lib/server/audit";
import { loadCliActor } from "@/lib/server/registry/actor";
import { PolicyError } from "./errors";
import { planPolicy, type PolicyPlan } from "./plan";

export { planPolicy, type PolicyPlan, type PlanTestResult, type WideningNotice } from "./plan";

export interface AppliedPolicy {
  plan: PolicyPlan;
  /** null when nothing was applied: the plan was refused or the source is already in force. */
  applied: { id: string; version: number; receipt: ReceiptView } | null;
}

export interface ApplyContext {
  actor: Actor;
  /** Who the audit log names: the console user (or the demo seed as that user). */
  auditActor: AuditActor;
  /** e.g. "cli:alice@laptop" or "demo-seed". */
  origin: string;
  file?: string;
}

const TX_OPTIONS = { timeout: 60_000, maxWait: 30_000 };

/** Dry run: the plan, nothing changes. */
export function planPolicyFile(database: Database, source: string): Promise<PolicyPlan> {
  return planPolicy(database.prisma, source);
}

/** `policy apply --apply`: as the console user with this e-mail, in one transaction. */
export function applyPolicyAs(
  database: Database,
  source: string,
  options: { actorEmail: string; origin: string; file?: string },
): Promise<AppliedPolicy> {
  return database.prisma.$transaction(async (tx) => {
    const actor = await loadCliActor(tx, options.actorEmail);
    return applyPolicyInTx(tx, source, {
      actor,
      auditActor: { type: "user", id: actor.userId },
      origin: options.origin,
      file: options.file,
    });
  }, TX_OPTIONS);
}

/** Plan, authorize and (when applicable) store the next version, in the caller's transaction. */
export async function applyPolicyInTx(tx: Tx, source: string, context: ApplyContext): Promise<AppliedPolicy> {
  let plan = await planPolicy(tx, source);
  const scope = plan.scope;
  if (!scope) return { plan, applied: null };

  const decision = authorize(context.actor, "policy.write", { tenantId: scope.tenantId });
  if (!decision.allowed) {
    throw new PolicyError("forbidden", `you may not apply the ${scope.label} policy: ${decision.reason}`);
  }
  // Serialize applies of one scope, then plan again: the version numbers and
  // the diff are those of the state this transaction commits against.
  await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`, `cellgate-policy:${scope.scopeKey}`);
  plan = await planPolicy(tx, source);
  if (!plan.applicable || !plan.scope || plan.nextVersion === null) return { plan, applied: null };

  const id = randomUUID();
  const version = plan.nextVersion;
  const passed = plan.tests.length;
  const receipt = await writeReceipt(tx, {
    action: "policy.apply",
    actor: context.auditActor,
    scope: { type: plan.scope.level, id: plan.scope.profileId ?? plan.scope.tenantId ?? "platform" },
    tenantId: plan.scope.tenantId,
    profileId: plan.scope.profileId,
    request: { scope: plan.scope.scopeKey, hash: plan.hash, file: context.file ?? null, origin: context.origin },
    result: { policyVersionId: id, version, hash: plan.hash, previous: plan.active?.hash ?? null },
    summary: {
      policy: plan.scope.label,
      version,
      hash: plan.hash,
      tests: `${passed} passed`,
      origin: context.origin,
      ...(context.file ? { file: context.file } : {}),
    },
  });
  await tx.policyVersion.create({
    data: {
      id,
      level: plan.scope.level,
      scopeKey: plan.scope.scopeKey,
      tenantId: plan.scope.tenantId,
      profileId: plan.scope.profileId,
      version,
      hash: plan.hash,
      source,
      authorType: context.auditActor.type,
      authorId: context.auditActor.id,
      receiptId: receipt.id,
    },
  });
  return { plan, applied: { id, version, receipt } };
}

/** Why a plan was not applied, in one sentence (for the CLI and errors). */
export function refusalReason(plan: PolicyPlan): string | null {
  if (plan.problems.length > 0) return `${plan.problems.length} problem(s)`;
  const failed = plan.tests.filter((t) => !t.passed).length;
  const reasons: string[] = [];
  if (failed > 0) reasons.push(`${failed} failing test(s)`);
  if (plan.widening.length > 0) reasons.push(`${plan.widening.length} widening rule(s)`);
  return reasons.length ? reasons.join(" and ") : null;
}
