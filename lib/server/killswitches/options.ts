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
