import "server-only";
/**
 * Entry points used by the CLI (and tests): plan, or plan-authorize-apply in
 * one transaction. The plan is recomputed inside the transaction, so what is
 * applied is what the state is at that moment.
 */
import type { Database, Tx } from "@/lib/db";
import { withBudgetChanges } from "@/lib/domain/budgets/registry-budgets";
import { canonicalHash } from "@/lib/domain/hash";
import { planHostAdd, planHostRevoke, planHostRotate, type HostAddInput, type HostRevokeInput, type HostRotateInput } from "@/lib/domain/registry/host-plan";
import type { Manifest } from "@/lib/domain/registry/manifest-schema";
import { planRegistrySync } from "@/lib/domain/registry/plan";
import type { RegistryPlan } from "@/lib/domain/registry/plan-types";
import type { ReceiptView } from "@/lib/server/audit";
import { authorizePlan, loadCliActor } from "./actor";
import { applyPlan } from "./apply-plan";
import { RegistryError } from "./errors";
import { loadBudgetState, loadRegistryState, stateQueryFor } from "./load-state";

export interface ApplyOptions {
  /** Email of the console user making the change. */
  actorEmail: string;
  /** e.g. "cli:alice@laptop". */
  origin: string;
}

export interface Applied {
  plan: RegistryPlan;
  /** null when there was nothing to change (no receipt is written for a no-op). */
  receipt: ReceiptView | null;
}

const TX_OPTIONS = { timeout: 120_000, maxWait: 30_000 };

type Planner = (tx: Tx) => Promise<RegistryPlan>;

async function planOnly(database: Database, planner: Planner): Promise<RegistryPlan> {
  return planner(database.prisma);
}

async function planAndApply(
  database: Database,
  planner: Planner,
  options: ApplyOptions,
  action: string,
  request: Record<string, unknown>,
  hostId?: string,
): Promise<Applied> {
  return database.prisma.$transaction(async (tx) => {
    const actor = await loadCliActor(tx, options.actorEmail);
    const plan = await planner(tx);
    if (plan.problems.length > 0) throw new RegistryError("invalid-plan", plan.problems.join("; "));
    await authorizePlan(tx, actor, plan);
    if (plan.changes.length === 0) return { plan, receipt: null };
    const receipt = await applyPlan(tx, plan, {
      actor: { type: "user", id: actor.userId },
      action,
      request,
      origin: options.origin,
      hostId,
    });
    return { plan, receipt };
  }, TX_OPTIONS);
}

const syncPlanner = (manifest: Manifest): Planner => async (tx) => {
  const [state, budgets] = await Promise.all([loadRegistryState(tx, stateQueryFor(manifest)), loadBudgetState(tx, manifest)]);
  return withBudgetChanges(planRegistrySync(manifest, state), manifest, budgets);
};

export function planSync(database: Database, manifest: Manifest): Promise<RegistryPlan> {
  return planOnly(database, syncPlanner(manifest));
}

export function applySync(database: Database, manifest: Manifest, options: ApplyOptions & { file?: string }): Promise<Applied> {
  return planAndApply(database, syncPlanner(manifest), options, "registry.sync", {
    file: options.file ?? null,
    manifestHash: canonicalHash(manifest),
  });
}

const hostAddPlanner = (input: HostAddInput): Planner => async (tx) =>
  planHostAdd(input, await loadRegistryState(tx, { hostIds: [input.hostId], profileSlugs: input.profiles, keyIds: [input.keyId] }));
const hostRotatePlanner = (input: HostRotateInput): Planner => async (tx) =>
  planHostRotate(input, await loadRegistryState(tx, { hostIds: [input.hostId], keyIds: [input.keyId] }));
const hostRevokePlanner = (input: HostRevokeInput): Planner => async (tx) =>
  planHostRevoke(input, await loadRegistryState(tx, { hostIds: [input.hostId] }));

export const planHostAddition = (db: Database, input: HostAddInput) => planOnly(db, hostAddPlanner(input));
export const planHostRotation = (db: Database, input: HostRotateInput) => planOnly(db, hostRotatePlanner(input));
export const planHostRevocation = (db: Database, input: HostRevokeInput) => planOnly(db, hostRevokePlanner(input));

export const applyHostAddition = (db: Database, input: HostAddInput, options: ApplyOptions) =>
  planAndApply(db, hostAddPlanner(input), options, "host.add", { ...input }, input.hostId);
export const applyHostRotation = (db: Database, input: HostRotateInput, options: ApplyOptions) =>
  planAndApply(db, hostRotatePlanner(input), options, "host.rotate", { ...input }, input.hostId);
export const applyHostRevocation = (db: Database, input: HostRevokeInput, options: ApplyOptions) =>
  planAndApply(db, hostRevokePlanner(input), options, "host.revoke", { ...input }, input.hostId);
