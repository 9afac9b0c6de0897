import "server-only";
/**
 * The simulator: evaluate an input against the policy in force for one of
 * the actor's profiles. It reads only — no decision record, no throttle
 * count, no audit entry — so trying things out changes nothing.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import { db } from "@/lib/db";
import { evaluate, type Evaluation, type PolicyInput } from "@/lib/domain/policy";
import type { SimulateQuery } from "@/lib/schemas/policies";
import { compiledPolicyFor, type VersionRef } from "./load";

export interface Simulation {
  input: PolicyInput;
  profile: { slug: string; tenant: { slug: string; name: string } };
  evaluation: Evaluation;
  /** The versions in force that were evaluated. */
  versions: VersionRef[];
  /** Set when the policy fails closed. */
  failure: string | null;
}

export type SimulateResult = { ok: true; simulation: Simulation } | { ok: false; field: "profile"; message: string };

export async function simulatePolicy(actor: Actor, query: SimulateQuery): Promise<SimulateResult> {
  const prisma = await db();
  const profile = await prisma.profile.findFirst({
    where: { slug: query.profile, ...scopedWhere(scopeFor(actor, "registry.read")) },
    include: { tenant: { select: { slug: true, name: true } } },
  });
  if (!profile) return { ok: false, field: "profile", message: `No profile ${query.profile} among the profiles you can see.` };
  const { set, compiled } = await compiledPolicyFor(prisma, { id: profile.id, tenantId: profile.tenantId });
  const input: PolicyInput = {
    topic: query.topic,
    tenant: profile.tenant.slug,
    profile: profile.slug,
    riskTags: query.riskTags,
    labels: query.labels,
    ring: profile.ring,
    tier: profile.tier,
  };
  return {
    ok: true,
    simulation: {
      input,
      profile: { slug: profile.slug, tenant: profile.tenant },
      evaluation: evaluate(compiled, input),
      versions: set.versions,
      failure: set.failure ?? null,
    },
  };
}

/** Profile slugs offered as suggestions in the simulator form (the actor's own, at most `limit`). */
export async function listSimulatorProfiles(actor: Actor, limit = 200): Promise<string[]> {
  const prisma = await db();
  const rows = await prisma.profile.findMany({
    where: scopedWhere(scopeFor(actor, "registry.read")),
    orderBy: { slug: "asc" },
    take: limit,
    select: { slug: true },
  });
  return rows.map((r) => r.slug);
}
