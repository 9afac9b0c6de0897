import "server-only";
/**
 * Registry writes through the one pipeline: a manifest sync and the host
 * commands (add, rotate, revoke), each as a dry run (a read: the plan) and an
 * apply (a write: the plan again, inside the transaction, then one receipt).
 * The resource is the plan itself with every scope it touches, so the
 * declared `registry.write` is checked on each tenant it changes (and on the
 * platform when it creates a tenant or a host bound to no profile).
 */
import { scopeFor, type Resource, type Touch } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Tx } from "@/lib/db";
import { withBudgetChanges } from "@/lib/domain/budgets/registry-budgets";
import { canonicalHash } from "@/lib/domain/hash";
import { planHostAdd, planHostRevoke, planHostRotate } from "@/lib/domain/registry/host-plan";
import type { Manifest } from "@/lib/domain/registry/manifest-schema";
import { planRegistrySync } from "@/lib/domain/registry/plan";
import { planScope, type RegistryPlan } from "@/lib/domain/registry/plan-types";
import { z } from "zod";
import { ZHostAddInput, ZHostRevokeInput, ZHostRotateInput, ZRegistrySyncInput, type RegistrySyncInput } from "@/lib/schemas/registry";
import { defineAction, type ActionDefinition } from "../action";
import type { RequestActor } from "../actor";
import { AppError } from "../errors";
import { applyPlan, planReceipt } from "./apply-plan";
import { loadBudgetState, loadRegistryState, stateQueryFor } from "./load-state";

/** Plans (minutes for a first sync of a large registry) get more time than a click. */
const REGISTRY_TRANSACTION = { timeout: 120_000, maxWait: 30_000 };

export interface PlanResource extends Resource {
  plan: RegistryPlan;
}

export interface RegistryResult {
  plan: RegistryPlan;
  /** False for a dry run, or an apply that found nothing to change (no receipt then). */
  applied: boolean;
}

export function syncPlanner(manifest: Manifest) {
  return async (tx: Tx): Promise<RegistryPlan> => {
    const [state, budgets] = await Promise.all([loadRegistryState(tx, stateQueryFor(manifest)), loadBudgetState(tx, manifest)]);
    return withBudgetChanges(planRegistrySync(manifest, state), manifest, budgets);
  };
}


/**
 * The plan as a resource: every tenant it changes is a scope to authorize,
 * and the platform too when it creates a tenant or a host bound to no
 * profile. A tenant the actor cannot read is named the same way whether or
 * not it exists (its existence never leaks), as a platform-level touch only a
 * platform admin passes. A plan that changes nothing is scoped to the tenants
 * it names.
 */
async function planResource(tx: Tx, actor: RequestActor, plan: RegistryPlan, options: { refuseProblems: boolean }): Promise<PlanResource> {
  if (options.refuseProblems && plan.problems.length > 0) {
    throw new AppError("invalid_input", `the plan cannot be applied: ${plan.problems.join("; ")}`, { plan: plan.problems });
  }
  const scope = planScope(plan);
  const slugs = scope.tenants.length || scope.platform ? scope.tenants : plan.unchanged.tenants;
  const readable = scopeFor(actor, "registry.read");
  const rows = await tx.tenant.findMany({ where: { slug: { in: slugs }, ...scopedWhere(readable, "id") }, select: { id: true, slug: true } });
  const ids = new Map(rows.map((t) => [t.slug, t.id]));
  const touches: Touch[] = slugs.map((slug) => {
    const id = ids.get(slug);
    return id
      ? { tenantId: id, label: `tenant ${slug}` }
      : { tenantId: null, label: `tenant ${slug} (not one of yours, or new: creating a tenant needs a platform admin)` };
  });
  if (scope.platform || touches.length === 0) {
    touches.push({ tenantId: null, label: "the platform (creating a tenant, or a host bound to no profile)" });
  }
  const [first, ...rest] = touches;
  return { tenantId: first!.tenantId, touches: [first!, ...rest], plan };
}

interface PlanSpec<I> {
  name: string;
  input: ActionDefinition<I, RegistryResult, PlanResource>["input"];
  planner: (input: I) => (tx: Tx) => Promise<RegistryPlan>;
  request: (input: I) => Record<string, unknown>;
  hostId?: (input: I) => string;
}

/** The dry run (read) and the apply (write) of one kind of registry plan. */
function planDefinitions<I extends { origin?: string }>(spec: PlanSpec<I>) {
  const plan = defineAction({
    name: `${spec.name}.plan`,
    input: spec.input,
    permission: "registry.write",
    resource: async (input, tx, actor) => planResource(tx, actor, await spec.planner(input)(tx), { refuseProblems: false }),
    run: async (_tx, _input, _actor, resource) => ({ plan: resource.plan, applied: false }),
  });
  const apply = defineAction({
    name: spec.name,
    input: spec.input,
    permission: "registry.write",
    transaction: REGISTRY_TRANSACTION,
    resource: async (input, tx, actor) => planResource(tx, actor, await spec.planner(input)(tx), { refuseProblems: true }),
    async run(tx, _input, _actor, resource): Promise<RegistryResult & { singleTenantId: string | null }> {
      if (resource.plan.changes.length === 0) return { plan: resource.plan, applied: false, singleTenantId: null };
      const applied = await applyPlan(tx, resource.plan);
      return { plan: resource.plan, applied: true, ...applied };
    },
    receipt: (input, result) =>
      result.applied
        ? planReceipt(result.plan, result, {
            request: spec.request(input),
            origin: input.origin ?? "api",
            hostId: spec.hostId?.(input),
          })
        : null,
    revalidate: ["/profiles", "/readiness"],
  });
  return { plan, apply };
}

export const registrySync = planDefinitions<RegistrySyncInput>({
  name: "registry.sync",
  input: ZRegistrySyncInput,
  planner: (input) => syncPlanner(input.manifest),
  request: (input) => ({ file: input.file ?? null, manifestHash: canonicalHash(input.manifest) }),
});

const hostRequest = ({ origin: _origin, ...input }: { origin?: string }) => ({ ...input });
const hostIdOf = (input: { hostId: string }) => input.hostId;

/** `cellgate host add|rotate|revoke`: the same plans as a sync, scoped to one host. */
export const hostCommands = {
  add: planDefinitions<z.infer<typeof ZHostAddInput>>({
    name: "host.add",
    input: ZHostAddInput,
    planner: (input) => async (tx) =>
      planHostAdd(input, await loadRegistryState(tx, { hostIds: [input.hostId], profileSlugs: input.profiles, keyIds: [input.keyId] })),
    request: hostRequest,
    hostId: hostIdOf,
  }),
  rotate: planDefinitions<z.infer<typeof ZHostRotateInput>>({
    name: "host.rotate",
    input: ZHostRotateInput,
    planner: (input) => async (tx) => planHostRotate(input, await loadRegistryState(tx, { hostIds: [input.hostId], keyIds: [input.keyId] })),
    request: hostRequest,
    hostId: hostIdOf,
  }),
  revoke: planDefinitions<z.infer<typeof ZHostRevokeInput>>({
    name: "host.revoke",
    input: ZHostRevokeInput,
    planner: (input) => async (tx) => planHostRevoke(input, await loadRegistryState(tx, { hostIds: [input.hostId] })),
    request: hostRequest,
    hostId: hostIdOf,
  }),
};
