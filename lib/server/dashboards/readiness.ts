import "server-only";
/**
 * The readiness fleet board: profiles by canary stage (0 deploy-only,
 * 1 read-only, 2 limited, promoted, rolled back), each card with its
 * rollback target, last rollback drill, evidence checklist count and tier
 * control gaps; within a column the profiles short of their tier's controls
 * (a required control with no attestation, or one whose backing evidence
 * item is failing or stale) come first, most unmet first. Each shown card
 * names those controls and why, so a card never says "all evidenced" beside
 * a failing item, when it last changed stage, and any
 * tool drift blocking its risky jobs. Built for 10,000 profiles: unmet controls are counted, columns ranked and
 * capped in SQL (window functions), and only the shown cards' evidence rows
 * are read.
 */
import { EVIDENCE_INFO, EVIDENCE_ITEMS, ROLLBACK_LIMIT_SEC, evidenceChecklist, type EvidenceState } from "@/lib/domain/evidence";
import { MAX_EVIDENCE_AGE_SEC, controlStatus, type Drift } from "@/lib/domain/gate";
import { driftsByProfile } from "../canary/drift";
import { CANARY_STAGES, TIERS, controlGaps, requiredControls, type CanaryStageName, type ControlName, type TierName } from "@/lib/domain/tiers";
import { CARDS_ONE_STAGE, CARDS_PER_COLUMN } from "./readiness-query";
import type { DashboardLoader } from "./load";
import { scopeCondition } from "./scope";

export interface ReadinessCard {
  slug: string;
  tenant: string;
  tier: TierName;
  stage: CanaryStageName;
  rollback: { endpoint: string; manifestDigest: string };
  /** The rollback_proven evidence (null: never drilled). */
  drill: { durationSec: number | null; observedAt: string; ageSec: number; state: EvidenceState; reason: string | null } | null;
  evidence: Record<EvidenceState, number> & { total: number };
  requiredControls: number;
  /** Required controls without an attestation, in tier order. */
  gaps: ControlName[];
  /**
   * Required controls not evidenced, in tier order: the gaps, plus those whose
   * backing evidence item is failing or stale (lib/domain/gate controlStatus).
   * What ranks the column and makes the profile "short".
   */
  notEvidenced: { control: ControlName; why: string }[];
  /** When the profile last changed stage (null: never, it is where the registry put it). */
  stageSince: string | null;
  /** Tool drift in force: the profile's risky jobs are denied meanwhile. */
  drifts: { tool: string; why: string }[];
}

export interface ReadinessColumn {
  stage: CanaryStageName;
  /** Profiles in this column (in scope). */
  total: number;
  /** Of those, short of their tier's controls (a required control not evidenced). */
  short: number;
  cards: ReadinessCard[];
}

export interface ReadinessBoard {
  /** Every stage in board order, or just the chosen one. */
  columns: ReadinessColumn[];
  total: number;
  short: number;
  perColumn: number;
}

export interface ReadinessOptions {
  stage?: CanaryStageName;
  /** Cards per column (default CARDS_PER_COLUMN, or CARDS_ONE_STAGE for one stage). */
  perColumn?: number;
}

interface RankedRow {
  id: string;
  slug: string;
  tenant: string;
  tier: TierName;
  stage: CanaryStageName;
  required: number;
  /** Required controls not evidenced (no attestation, or a failing or stale backing item). */
  unmet: number;
  total: number;
  short: number;
  rollbackEndpoint: string;
  rollbackManifestDigest: string;
  artifactDigest: string;
}

/** `WITH req(tier, control)`: the tier-control table as two parallel arrays. */
function requirementArrays(): [string[], string[]] {
  const pairs = TIERS.flatMap((tier) => requiredControls(tier).map((control) => [tier, control] as const));
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/** `WITH backs(item, control)`: which evidence item backs which control (EVIDENCE_INFO), as two arrays. */
function backingArrays(): [string[], string[]] {
  const pairs = EVIDENCE_ITEMS.flatMap((item) => EVIDENCE_INFO[item].controls.map((control) => [item, control] as const));
  return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
}

/**
 * A stored evidence row that un-evidences the controls it backs — the SQL
 * twin of evidenceChecklist + itemStatus's "fail" and "stale" (missing items
 * do not un-evidence an attested control): not passed; a rollback drill with
 * no usable duration or one at the limit or over; a digest other than the
 * registered one; observed longer ago than the tier allows. The readiness
 * integration test holds the two to the same answer on every card.
 */
const BROKEN_ITEM = (e: string, p: string, ages: string, now: string, limit: string) => `(
    NOT ${e}.passed
    OR ${e}."observedAt" < ${now} - make_interval(secs => ${ages}.sec)
    OR (${e}.item = 'rollback_proven' AND (jsonb_typeof(${e}.detail->'durationSec') IS DISTINCT FROM 'number'
        OR (${e}.detail->>'durationSec')::float8 < 0 OR (${e}.detail->>'durationSec')::float8 >= ${limit}))
    OR (${e}.item = 'intended_digest' AND jsonb_typeof(${e}.detail->'digest') = 'string' AND ${e}.detail->>'digest' <> ${p}."artifactDigest")
  )`;

export function readinessLoader(options: ReadinessOptions = {}): DashboardLoader<ReadinessBoard> {
  const perColumn = Math.max(1, Math.min(500, options.perColumn ?? (options.stage ? CARDS_ONE_STAGE : CARDS_PER_COLUMN)));
  return async ({ database, scope, now }) => {
    const params: unknown[] = [...requirementArrays(), ...backingArrays(), TIERS, TIERS.map((t) => MAX_EVIDENCE_AGE_SEC[t]), now.toISOString(), ROLLBACK_LIMIT_SEC];
    const where = [scopeCondition(scope, params, { tenant: `p."tenantId"`, profile: "p.id" })];
    if (options.stage) {
      params.push(options.stage);
      where.push(`p."canaryStage" = $${params.length}::"CanaryStage"`);
    }
    params.push(perColumn);
    const cap = `$${params.length}::int`;
    // Per profile: the required controls attested and not un-evidenced by a
    // failing or stale backing item. The rest are "not evidenced": they rank
    // the column and make a profile "short".
    const rows = await database.sql.query<RankedRow>(
      `WITH req(tier, control) AS (SELECT * FROM unnest($1::text[], $2::text[])),
       backs(item, control) AS (SELECT * FROM unnest($3::text[], $4::text[])),
       ages(tier, sec) AS (SELECT * FROM unnest($5::text[], $6::int[])),
       need AS (SELECT tier, array_agg(control) AS controls, count(*)::int AS required FROM req GROUP BY tier),
       broken AS (
         SELECT DISTINCT e."profileId", b.control
         FROM "ProfileEvidence" e
         JOIN "Profile" p ON p.id = e."profileId"
         JOIN backs b ON b.item = e.item
         JOIN ages a ON a.tier = p.tier::text
         WHERE ${where.join(" AND ")} AND ${BROKEN_ITEM("e", "p", "a", "$7::timestamptz", "$8::float8")}
       ),
       have AS (
         SELECT c."profileId", count(*)::int AS n
         FROM "ProfileControl" c
         JOIN "Profile" p ON p.id = c."profileId"
         JOIN need n ON n.tier = p.tier::text
         WHERE c.control = ANY(n.controls) AND ${where.join(" AND ")}
           AND NOT EXISTS (SELECT 1 FROM broken b WHERE b."profileId" = c."profileId" AND b.control = c.control)
         GROUP BY c."profileId"
       ),
       scoped AS (
         SELECT p.id, p.slug, p.tier::text AS tier, p."canaryStage"::text AS stage, n.required,
                n.required - coalesce(h.n, 0) AS unmet
         FROM "Profile" p JOIN need n ON n.tier = p.tier::text LEFT JOIN have h ON h."profileId" = p.id
         WHERE ${where.join(" AND ")}
       ),
       ranked AS (
         SELECT s.*,
                row_number() OVER (PARTITION BY stage ORDER BY (unmet > 0) DESC, unmet DESC, tier DESC, slug) AS rn,
                count(*) OVER (PARTITION BY stage)::int AS total,
                (count(*) FILTER (WHERE unmet > 0) OVER (PARTITION BY stage))::int AS short
         FROM scoped s
       )
       SELECT r.id, r.slug, t.slug AS tenant, r.tier, r.stage, r.required, r.unmet, r.total, r.short,
              p."rollbackEndpoint", p."rollbackManifestDigest", p."artifactDigest"
       FROM ranked r JOIN "Profile" p ON p.id = r.id JOIN "Tenant" t ON t.id = p."tenantId"
       WHERE r.rn <= ${cap}
       ORDER BY r.stage, r.rn`,
      params,
    );

    const ids = rows.map((r) => r.id);
    const [evidence, controls, changes, drifts] = ids.length
      ? await Promise.all([
          database.sql.query<{ profileId: string; item: string; passed: boolean; observedAt: Date; detail: unknown }>(
            `SELECT "profileId", item, passed, "observedAt", detail FROM "ProfileEvidence" WHERE "profileId" = ANY($1::uuid[])`,
            [ids],
          ),
          database.sql.query<{ profileId: string; control: string; evidencedAt: Date }>(
            `SELECT "profileId", control, "evidencedAt" FROM "ProfileControl" WHERE "profileId" = ANY($1::uuid[])`,
            [ids],
          ),
          database.sql.query<{ profileId: string; at: Date }>(
            `SELECT "profileId", max("at") AS "at" FROM "StageChange" WHERE "profileId" = ANY($1::uuid[]) GROUP BY "profileId"`,
            [ids],
          ),
          driftsByProfile(database.sql, ids),
        ])
      : [[], [], [], new Map<string, Drift[]>()];
    const stageSince = new Map(changes.map((c) => [c.profileId, new Date(c.at).toISOString()]));
    const evidenceOf = groupBy(evidence, (e) => e.profileId);
    const controlsOf = groupBy(controls, (c) => c.profileId);

    const byStage = new Map<CanaryStageName, ReadinessColumn>(
      (options.stage ? [options.stage] : CANARY_STAGES).map((stage) => [stage, { stage, total: 0, short: 0, cards: [] }]),
    );
    for (const row of rows) {
      const column = byStage.get(row.stage);
      if (!column) continue;
      column.total = Number(row.total);
      column.short = Number(row.short);
      const checklist = evidenceChecklist(
        (evidenceOf.get(row.id) ?? []).map((e) => ({ ...e, observedAt: new Date(e.observedAt) })),
        now,
        { intendedDigest: row.artifactDigest },
      );
      const drill = checklist.entries.find((e) => e.item === "rollback_proven");
      const attested = (controlsOf.get(row.id) ?? []).map((c) => ({ control: c.control, evidencedAt: new Date(c.evidencedAt) }));
      const report = controlStatus(row.tier, attested, checklist, now);
      column.cards.push({
        slug: row.slug,
        tenant: row.tenant,
        tier: row.tier,
        stage: row.stage,
        rollback: { endpoint: row.rollbackEndpoint, manifestDigest: row.rollbackManifestDigest },
        drill:
          drill && drill.observedAt
            ? { durationSec: drill.durationSec, observedAt: drill.observedAt.toISOString(), ageSec: drill.ageSec ?? 0, state: drill.state, reason: drill.reason }
            : null,
        evidence: { ...checklist.counts, total: checklist.entries.length },
        requiredControls: Number(row.required),
        gaps: controlGaps(row.tier, attested.map((c) => c.control)),
        notEvidenced: report.notEvidenced.map((c) => ({ control: c.control as ControlName, why: c.why ?? "" })),
        stageSince: stageSince.get(row.id) ?? null,
        drifts: (drifts.get(row.id) ?? []).map((d) => ({ tool: d.tool, why: d.why })),
      });
    }
    const columns = [...byStage.values()];
    return {
      columns,
      total: columns.reduce((n, c) => n + c.total, 0),
      short: columns.reduce((n, c) => n + c.short, 0),
      perColumn,
    };
  };
}

/** The whole board with default caps (what the page and the benchmark load). */
export const readinessDashboard: DashboardLoader<ReadinessBoard> = readinessLoader();

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(key(row));
    if (list) list.push(row);
    else out.set(key(row), [row]);
  }
  return out;
}
