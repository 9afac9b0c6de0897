import "server-only";
/**
 * Tool drift for a profile (lib/domain/gate/drift.ts): its stored
 * `tool.allowed` reports judged against the registry's tools as they are
 * now. While any is in force, the profile's risky jobs are denied with rule
 * `drift:<tool>` (lib/server/jobs/submit.ts), and the profile page says so.
 */
import { driftRuleId, driftsInForce, isRiskyTopic, type Drift } from "@/lib/domain/gate";
import type { Evaluation } from "@/lib/domain/policy/types";
import type { RawSql } from "@/lib/sql";
import { parseTools } from "../profiles";

type Sql = Pick<RawSql, "query">;

export async function profileDrifts(sql: Sql, profileId: string): Promise<Drift[]> {
  return (await driftsByProfile(sql, [profileId])).get(profileId) ?? [];
}

/**
 * The drifts in force for each of `profileIds` that has any (the readiness
 * board asks for its shown cards at once). One round trip: the job path asks
 * this for every risky job.
 */
export async function driftsByProfile(sql: Sql, profileIds: readonly string[]): Promise<Map<string, Drift[]>> {
  const out = new Map<string, Drift[]>();
  if (profileIds.length === 0) return out;
  const rows = await sql.query<{ id: string; tools: unknown; reports: unknown }>(
    `SELECT p."id", p."tools",
       (SELECT json_agg(json_build_object('tool', r."tool", 'reportedHash', r."reportedHash", 'detectedAt', r."detectedAt"))
          FROM "ToolReport" r WHERE r."profileId" = p."id") AS "reports"
     FROM "Profile" p
     WHERE p."id" = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM "ToolReport" r WHERE r."profileId" = p."id")`,
    [profileIds],
  );
  const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
  for (const row of rows) {
    const reports = (json(row.reports) ?? []) as { tool: string; reportedHash: string | null; detectedAt: string }[];
    const drifts = driftsInForce(
      parseTools(json(row.tools)),
      reports.map((r) => ({ tool: r.tool, reportedHash: r.reportedHash, detectedAt: new Date(r.detectedAt) })),
    );
    if (drifts.length) out.set(row.id, drifts);
  }
  return out;
}

/** DENY naming every drifting tool, for a risky job on a drifting profile; null otherwise. */
export async function driftDenial(sql: Sql, profileId: string, topic: string): Promise<Evaluation | null> {
  if (!isRiskyTopic(topic)) return null;
  const drifts = await profileDrifts(sql, profileId);
  if (drifts.length === 0) return null;
  return {
    decision: "DENY",
    ruleIds: drifts.map((d) => driftRuleId(d.tool)),
    reason: `tool drift blocks risky jobs: ${drifts.map((d) => `${d.tool} ${d.why}`).join("; ")}`.slice(0, 500),
    approvalsNeeded: null,
    ttlSec: null,
    constraints: null,
    throttles: [],
    policyHash: "none",
  };
}
