import "server-only";
/**
 * The capabilities an engage form offers: the fixed catalog, one
 * `tool:<name>` per tool listed by a profile in the actor's readable tenants,
 * and one `topic:<glob>` per topic glob the policies in force there name
 * (the issue: "taken from the profiles' tools and the policy").
 */
import { inScope, scopeFor, type Actor } from "@/lib/authz";
import { scopedSql } from "@/lib/authz/where";
import type { Db } from "@/lib/db";
import { capabilitiesFor, type Capability } from "@/lib/domain/killswitch";
import { Prisma } from "@/lib/generated/prisma/client";
import { policyTopicGlobs } from "../policies/load";

/** At most this many tool capabilities are offered (the form stays usable on a large registry). */
export const TOOL_OPTIONS_LIMIT = 500;

export async function capabilityOptions(prisma: Db, actor: Actor, tenantId?: string): Promise<Capability[]> {
  const readable = scopeFor(actor, "registry.read");
  if (tenantId && !inScope(readable, tenantId)) return capabilitiesFor([]);
  const tenants = tenantId ? { all: false as const, tenantIds: [tenantId] } : readable;
  const scope = Prisma.sql`WHERE ${scopedSql(tenants, Prisma.sql`p."tenantId"`)}`;
  const toolRows = prisma.$queryRaw<Array<{ name: string }>>(Prisma.sql`
    SELECT DISTINCT t.value->>'name' AS name
    FROM "Profile" p CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p."tools") = 'array' THEN p."tools" ELSE '[]'::jsonb END) AS t(value)
    ${scope}
    ORDER BY 1
    LIMIT ${TOOL_OPTIONS_LIMIT}`);
  const [rows, topics] = await Promise.all([toolRows, policyTopicGlobs(prisma, tenants)]);
  return capabilitiesFor(
    rows.flatMap((r) => (typeof r.name === "string" ? [r.name] : [])),
    topics,
  );
}

/** At most this many profiles go to the engage form's picker; past it, the picker also takes an exact slug. */
export const PROFILE_OPTIONS_LIMIT = 1000;

export interface ProfileOption {
  slug: string;
  tenant: string;
  tier: string;
}

/**
 * The profiles the actor may engage a kill switch on (killswitch.write's
 * scope, from the authorization module), for the engage form's picker,
 * sorted by slug. `truncated` when there were more than the limit.
 */
export async function killSwitchProfileOptions(
  prisma: Db,
  actor: Actor,
  limit = PROFILE_OPTIONS_LIMIT,
): Promise<{ profiles: ProfileOption[]; truncated: boolean }> {
  const rows = await prisma.$queryRaw<Array<{ slug: string; tenant: string; tier: string }>>(Prisma.sql`
    SELECT p.slug, t.slug AS tenant, p.tier::text AS tier
    FROM "Profile" p JOIN "Tenant" t ON t.id = p."tenantId"
    WHERE ${scopedSql(scopeFor(actor, "killswitch.write"), Prisma.sql`p."tenantId"`)}
    ORDER BY p.slug
    LIMIT ${limit + 1}`);
  return { profiles: rows.slice(0, limit), truncated: rows.length > limit };
}
