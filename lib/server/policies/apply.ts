import "server-only";
/**
 * Planning and applying a policy document through the one pipeline, with
 * `policy.write` on the document's scope (its tenant; the platform for the
 * platform document). The resource is the plan: the scope is resolved inside
 * the tenants the actor may read (a document naming another tenant reads as
 * "not found"). Applying plans again inside the transaction, under a
 * per-scope lock (two applies of one scope queue up), and stores the next
 * version with its receipt only when the plan is applicable; a refused plan
 * is answered with the reasons and writes nothing.
 */
import { randomUUID } from "node:crypto";
import { inScope, scopeFor, type Resource } from "@/lib/authz";
import type { Tx } from "@/lib/db";
import { ZPolicySourceInput } from "@/lib/schemas/policies";
import { defineAction } from "../action";
import type { RequestActor } from "../actor";
import { writeReceipt, type AuditActor, type ReceiptView } from "../audit";
import { AppError } from "../errors";
import { planPolicy, type PolicyPlan } from "./plan";

export { planPolicy, type PolicyPlan, type PlanTestResult, type WideningNotice } from "./plan";

const TX_OPTIONS = { timeout: 60_000, maxWait: 30_000 };

interface PlanResource extends Resource {
  plan: PolicyPlan;
}

export interface AppliedPolicy {
  plan: PolicyPlan;
  /** null when nothing was applied: the plan was refused or the source is already in force. */
  applied: { id: string; version: number } | null;
  /** Why it was not applied, in one sentence (null when applied or unchanged). */
  refusal: string | null;
}

/** The plan as a resource, scoped to what the actor may read; null ("not found") for a scope outside it. */
async function planResource(tx: Tx, actor: RequestActor, source: string): Promise<PlanResource | null> {
  const plan = await planPolicy(tx, source);
  const readable = scopeFor(actor, "registry.read");
  if (!plan.scope) {
    // Parse problems were refused by the input schema; what is left is a tenant or profile the document names
    // that is not there. Say which only inside the actor's own tenants (never whether another tenant exists).
    const tenant = plan.document?.tenant ? await tx.tenant.findUnique({ where: { slug: plan.document.tenant }, select: { id: true } }) : null;
    const detail = tenant && inScope(readable, tenant.id) ? `${plan.problems.join("; ")}. ` : "";
    throw new AppError("not_found", `${detail}No ${plan.document?.level ?? "policy"} scope of yours matches this document's tenant and profile.`);
  }
  if (plan.scope.tenantId !== null && !inScope(readable, plan.scope.tenantId)) return null;
  return { tenantId: plan.scope.tenantId, plan };
}

/** `cellgate policy test` and `policy apply` without --apply: the plan, nothing written. */
export const planPolicyAction = defineAction({
  name: "policy.plan",
  input: ZPolicySourceInput,
  permission: "policy.write",
  resource: (input, tx, actor) => planResource(tx, actor, input.source),
  run: async (_tx, _input, _actor, resource) => resource.plan,
});

export const applyPolicyAction = defineAction({
  name: "policy.apply",
  input: ZPolicySourceInput,
  permission: "policy.write",
  transaction: TX_OPTIONS,
  resource: (input, tx, actor) => planResource(tx, actor, input.source),
  async run(tx, input, actor, resource, { receiptId }): Promise<AppliedPolicy> {
    const scope = resource.plan.scope!;
    // Serialize applies of one scope, then plan again: the version numbers and
    // the diff are those of the state this transaction commits against.
    await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext($1))::text AS locked`, `cellgate-policy:${scope.scopeKey}`);
    const plan = await planPolicy(tx, input.source);
    if (!plan.applicable || !plan.scope || plan.nextVersion === null) return { plan, applied: null, refusal: refusalReason(plan) };
    const id = randomUUID();
    await storeVersion(tx, plan, input.source, { id, author: { type: "user", id: actor.userId }, receiptId });
    return { plan, applied: { id, version: plan.nextVersion }, refusal: null };
  },
  receipt: (input, result) => (result.applied ? policyReceipt(result.plan, result.applied, input) : null),
  revalidate: ["/policies"],
});

function policyReceipt(
  plan: PolicyPlan,
  applied: { id: string; version: number },
  context: { file?: string; origin?: string },
) {
  const scope = plan.scope!;
  const origin = context.origin ?? "api";
  return {
    scope: { type: scope.level, id: scope.profileId ?? scope.tenantId ?? "platform" },
    tenantId: scope.tenantId,
    profileId: scope.profileId,
    request: { scope: scope.scopeKey, hash: plan.hash, file: context.file ?? null, origin },
    result: { policyVersionId: applied.id, version: applied.version, hash: plan.hash, previous: plan.active?.hash ?? null },
    summary: {
      policy: scope.label,
      version: applied.version,
      hash: plan.hash,
      tests: `${plan.tests.length} passed`,
      origin,
      ...(context.file ? { file: context.file } : {}),
    },
  } as const;
}

async function storeVersion(
  tx: Tx,
  plan: PolicyPlan,
  source: string,
  row: { id: string; author: AuditActor; receiptId: string },
): Promise<void> {
  const scope = plan.scope!;
  await tx.policyVersion.create({
    data: {
      id: row.id,
      level: scope.level,
      scopeKey: scope.scopeKey,
      tenantId: scope.tenantId,
      profileId: scope.profileId,
      version: plan.nextVersion!,
      hash: plan.hash,
      source,
      authorType: row.author.type,
      authorId: row.author.id,
      receiptId: row.receiptId,
    },
  });
}

/**
 * The demo seed's path (a bootstrap of an empty database, like migrations):
 * plan and, when applicable, store the version with its receipt as the given
 * author, in the seed's own transaction.
 */
export async function seedPolicyVersion(tx: Tx, source: string, author: AuditActor, origin: string): Promise<{ plan: PolicyPlan; applied: { version: number; receipt: ReceiptView } | null }> {
  const plan = await planPolicy(tx, source);
  if (!plan.applicable || !plan.scope || plan.nextVersion === null) return { plan, applied: null };
  const id = randomUUID();
  const receipt = await writeReceipt(tx, { ...policyReceipt(plan, { id, version: plan.nextVersion }, { origin }), action: "policy.apply", actor: author });
  await storeVersion(tx, plan, source, { id, author, receiptId: receipt.id });
  return { plan, applied: { version: plan.nextVersion, receipt } };
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
