import "server-only";
/**
 * Applies a registry plan inside the caller's transaction; the caller (the
 * pipeline, or the demo seed) writes ONE receipt for the whole plan
 * (`planReceipt`): all of it commits, or none of it does.
 */
import type { Tx } from "@/lib/db";
import { formatChange, summarizePlan } from "@/lib/domain/registry/format-plan";
import type { ProfileSpec } from "@/lib/domain/registry/manifest-schema";
import { planScope, type Change, type RegistryPlan } from "@/lib/domain/registry/plan-types";
import type { ReceiptSpec } from "@/lib/server/action";
import { AppError } from "@/lib/server/errors";

export interface ReceiptContext {
  /** What was asked (hashed into the receipt), e.g. { manifestHash, file }. */
  request: Record<string, unknown>;
  /** Where it came from, e.g. "cli:alice@laptop". */
  origin: string;
  /** Receipt scope when it is one host (host commands). */
  hostId?: string;
}

/** What applying resolved: the tenant a single-tenant plan touched. */
export interface AppliedPlan {
  singleTenantId: string | null;
}

const MAX_SUMMARY_LINES = 40;
const PROFILE_BATCH = 500;

function profileFields(p: ProfileSpec) {
  return {
    owner: p.owner,
    ring: p.ring,
    tier: p.tier,
    unit: p.unit,
    artifactDigest: p.artifactDigest,
    rollbackEndpoint: p.rollbackTarget.endpoint,
    rollbackManifestDigest: p.rollbackTarget.manifestDigest,
    evidencePath: p.evidencePath,
    tools: p.tools,
    deniedTools: p.deniedTools,
    egress: p.egress,
    secretRefs: p.secrets,
    monthlyBudgetUsd: p.budget?.monthlyUsd ?? null,
  };
}

export async function applyPlan(tx: Tx, plan: RegistryPlan): Promise<AppliedPlan> {
  if (plan.problems.length > 0) throw new AppError("invalid_input", plan.problems.join("; "));
  const tenantIds = new Map<string, string>();
  const tenantId = async (slug: string): Promise<string> => {
    let id = tenantIds.get(slug);
    if (!id) {
      const tenant = await tx.tenant.findUnique({ where: { slug }, select: { id: true } });
      if (!tenant) throw new AppError("conflict", `tenant ${slug} does not exist`);
      id = tenant.id;
      tenantIds.set(slug, id);
    }
    return id;
  };
  const profileId = async (slug: string): Promise<string> => {
    const profile = await tx.profile.findUnique({ where: { slug }, select: { id: true } });
    if (!profile) throw new AppError("conflict", `profile ${slug} does not exist`);
    return profile.id;
  };

  // New profiles are inserted in batches (a first sync of a large registry); everything else in plan order.
  let pending: Extract<Change, { op: "create-profile" }>[] = [];
  const flush = async () => {
    for (let i = 0; i < pending.length; i += PROFILE_BATCH) {
      const batch = pending.slice(i, i + PROFILE_BATCH);
      const data = [];
      for (const c of batch) data.push({ slug: c.profile.slug, tenantId: await tenantId(c.profile.tenant), ...profileFields(c.profile) });
      await tx.profile.createMany({ data });
    }
    pending = [];
  };
  for (const change of plan.changes) {
    if (change.op === "create-profile") {
      pending.push(change);
      continue;
    }
    await flush();
    await applyChange(tx, change, { tenantId, profileId });
  }
  await flush();

  const scope = planScope(plan);
  return { singleTenantId: !scope.platform && scope.tenants.length === 1 ? await tenantId(scope.tenants[0]!) : null };
}

/** The one receipt of an applied plan: its changes (hashed), counts and first lines. */
export function planReceipt(plan: RegistryPlan, applied: AppliedPlan, ctx: ReceiptContext): ReceiptSpec {
  const scope = planScope(plan);
  const single = applied.singleTenantId;
  const lines = plan.changes.map(formatChange);
  return {
    scope: ctx.hostId ? { type: "host", id: ctx.hostId } : single ? { type: "tenant", id: single } : { type: "platform", id: "registry" },
    tenantId: single,
    request: ctx.request,
    result: plan.changes,
    summary: {
      origin: ctx.origin,
      counts: summarizePlan(plan),
      tenants: scope.tenants,
      changes: lines.slice(0, MAX_SUMMARY_LINES),
      ...(lines.length > MAX_SUMMARY_LINES ? { moreChanges: lines.length - MAX_SUMMARY_LINES } : {}),
    },
  };
}

interface Lookups {
  tenantId(slug: string): Promise<string>;
  profileId(slug: string): Promise<string>;
}

async function applyChange(tx: Tx, change: Change, lookups: Lookups): Promise<void> {
  switch (change.op) {
    case "create-tenant":
      await tx.tenant.create({ data: { slug: change.tenant.slug, name: change.tenant.name, monthlyBudgetUsd: change.tenant.budget?.monthlyUsd ?? null } });
      return;
    case "update-tenant":
      await tx.tenant.update({ where: { slug: change.slug }, data: { name: change.tenant.name, monthlyBudgetUsd: change.tenant.budget?.monthlyUsd ?? null } });
      return;
    case "create-profile":
    case "update-profile": {
      const p = change.profile;
      const fields = profileFields(p);
      if (change.op === "create-profile") {
        await tx.profile.create({ data: { slug: p.slug, tenantId: await lookups.tenantId(p.tenant), ...fields } });
      } else {
        const { count } = await tx.profile.updateMany({ where: { slug: p.slug, tenantId: await lookups.tenantId(p.tenant) }, data: fields });
        if (count !== 1) throw new AppError("conflict", `profile ${p.slug} changed while applying; run the sync again`);
      }
      return;
    }
    case "create-host":
      await tx.host.create({ data: { id: change.hostId } });
      return;
    case "bind":
      await tx.hostProfile.create({ data: { hostId: change.hostId, profileId: await lookups.profileId(change.profile) } });
      return;
    case "unbind":
      await tx.hostProfile.deleteMany({ where: { hostId: change.hostId, profileId: await lookups.profileId(change.profile) } });
      return;
    case "add-key":
      await tx.hostKey.create({
        data: {
          id: change.keyId,
          hostId: change.hostId,
          publicKey: change.publicKey,
          status: change.status,
          ...(change.status === "revoked" ? { revokedAt: new Date(), revokedReason: "recorded as revoked by the registry manifest" } : {}),
        },
      });
      return;
    case "revoke-key": {
      const { count } = await tx.hostKey.updateMany({
        where: { id: change.keyId, hostId: change.hostId, status: "active" },
        data: { status: "revoked", revokedAt: new Date(), revokedReason: change.reason },
      });
      if (count !== 1) throw new AppError("conflict", `key ${change.keyId} is no longer active; run the command again`);
      return;
    }
  }
}
