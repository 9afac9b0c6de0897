import "server-only";
/**
 * The plan shown before a switch is engaged: which profiles, hosts and
 * pending jobs it touches, inside the actor's readable tenants. Read-only.
 */
import { scopeFor, type Actor } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Db, Tx } from "@/lib/db";
import { capabilityById, covers, TOOL_CAPABILITY_PREFIX } from "@/lib/domain/killswitch";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ZKillSwitchTarget } from "@/lib/schemas/killswitches";
import { defineAction, readAs } from "../action";
import type { RequestActor } from "../actor";
import { resolveTarget, type ResolvedTarget } from "./target";
import { effectiveRiskTags } from "@/lib/domain/jobs";

/** Lists are cut at this many entries; `totals` always has the full counts. */
export const PLAN_LIST_LIMIT = 500;

export interface KillSwitchPlan {
  /** What was resolved, e.g. "Write tools on tenant acme". */
  target: { scope: string; tenant: string | null; profile: string | null; capability: string | null };
  profiles: Array<{ slug: string; tenant: string }>;
  hosts: string[];
  pendingJobs: Array<{ id: string; topic: string; profile: string }>;
  totals: { profiles: number; hosts: number; pendingJobs: number };
  /** True when a list was cut at PLAN_LIST_LIMIT. */
  truncated: boolean;
}

function toolNames(tools: Prisma.JsonValue): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((t) => (t && typeof t === "object" && !Array.isArray(t) && typeof t.name === "string" ? [t.name] : []));
}

/**
 * The plan for engaging a switch at `input` ({scope, tenant?, profile?,
 * capability?}; extra fields such as reason are ignored). It lists pending
 * jobs, so it is declared with the engage permission: only someone who may
 * engage here sees it. Throws AppError invalid_input for a malformed target,
 * not_found for a tenant or profile outside the actor's tenants, forbidden
 * for someone who may not engage there.
 */
export function planKillSwitch(prisma: Db, actor: RequestActor, input: unknown): Promise<KillSwitchPlan> {
  return readAs(planKillSwitchRead.definition, { actor, prisma }, input);
}

const planKillSwitchRead = defineAction({
  name: "killswitch.plan",
  input: ZKillSwitchTarget,
  permission: "killswitch.write",
  resource: (input, tx, actor) => resolveTarget(tx, actor, input),
  run: (tx, _input, actor, target) => computePlan(tx, actor, target, new Date()),
});

async function computePlan(prisma: Db | Tx, actor: Actor, target: ResolvedTarget, now: Date): Promise<KillSwitchPlan> {
  const where: Prisma.ProfileWhereInput = target.profileId
    ? { id: target.profileId }
    : target.tenantId
      ? { tenantId: target.tenantId }
      : scopedWhere(scopeFor(actor, "registry.read"));
  const rows = await prisma.profile.findMany({
    where,
    select: { id: true, slug: true, tenantId: true, tools: true, tenant: { select: { slug: true } } },
    orderBy: [{ tenant: { slug: "asc" } }, { slug: "asc" }],
  });
  // A tool capability touches only the profiles that list the tool.
  const tool = target.capability?.startsWith(TOOL_CAPABILITY_PREFIX) ? target.capability.slice(TOOL_CAPABILITY_PREFIX.length) : null;
  const touched = tool ? rows.filter((p) => toolNames(p.tools).includes(tool)) : rows;
  const ids = touched.map((p) => p.id);
  const slugById = new Map(touched.map((p) => [p.id, p.slug]));

  const [hostRows, jobRows] = ids.length
    ? await Promise.all([
        prisma.hostProfile.findMany({ where: { profileId: { in: ids } }, select: { hostId: true }, distinct: ["hostId"], orderBy: { hostId: "asc" } }),
        prisma.job.findMany({
          where: { profileId: { in: ids }, status: "PENDING_APPROVAL", OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
          select: { id: true, topic: true, riskTags: true, consoleTags: true, tenantId: true, profileId: true },
          orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        }),
      ])
    : [[], []];
  const sw = { scope: target.scope, tenantId: target.tenantId, profileId: target.profileId, capability: target.capability };
  const jobs = jobRows.filter((j) => covers(sw, { tenantId: j.tenantId, profileId: j.profileId, topic: j.topic, riskTags: effectiveRiskTags(j) }));

  const hosts = hostRows.map((h) => h.hostId);
  return {
    target: {
      scope: target.scope,
      tenant: target.tenantSlug,
      profile: target.profileSlug,
      capability: target.capability ? (capabilityById(target.capability)?.id ?? target.capability) : null,
    },
    profiles: touched.slice(0, PLAN_LIST_LIMIT).map((p) => ({ slug: p.slug, tenant: p.tenant.slug })),
    hosts: hosts.slice(0, PLAN_LIST_LIMIT),
    pendingJobs: jobs.slice(0, PLAN_LIST_LIMIT).map((j) => ({ id: j.id, topic: j.topic, profile: slugById.get(j.profileId) ?? "" })),
    totals: { profiles: touched.length, hosts: hosts.length, pendingJobs: jobs.length },
    truncated: touched.length > PLAN_LIST_LIMIT || hosts.length > PLAN_LIST_LIMIT || jobs.length > PLAN_LIST_LIMIT,
  };
}
