/**
 * Seeds a benchmark database for `npm run bench:dashboards` with set-based
 * SQL only (generate_series + INSERT … SELECT, in chunks), never row by row:
 *
 *  - TENANTS tenants, PROFILES profiles spread over them (every tier, ring,
 *    health and canary stage; evidence and controls for the readiness board;
 *    budgets on some), one host + key per profile;
 *  - EVENTS ingest events over the last 30 days (skewed towards a few busy
 *    profiles), 1 in 10 `cost.usage` with its CostRecord, tool/egress denials,
 *    ~2 % with redactions; one IngestBatch per profile and day;
 *  - DECISIONS policy decisions with their jobs (approval jobs approved,
 *    rejected, expired or pending, with votes for the resolved ones);
 *  - a few kill switches (global, tenant, profile, capability), some released.
 *
 * Same data shape on PGlite and PostgreSQL (random() seeded per statement).
 */
import type { Database } from "../../lib/db";
import type { RawSql } from "../../lib/sql";
import { CANARY_EVIDENCE_ITEMS } from "../../lib/domain/ingest/event-schemas";
import { CONTROLS } from "../../lib/domain/tiers";

export interface SeedSize {
  tenants: number;
  profiles: number;
  events: number;
  decisions: number;
}

export interface SeededTenant {
  id: string;
  slug: string;
}

const CHUNK = 100_000;
const DIGEST = `sha256:${"b".repeat(64)}`;

/** Run one statement with random() seeded, so both backends get the same mix. */
async function seeded(sql: RawSql, seed: number, text: string, params: unknown[] = []): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT setseed($1)`, [seed]);
    await tx.query(text, params);
  });
}

async function timedStep(label: string, fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  console.log(`  seed ${label.padEnd(34)} ${(ms / 1000).toFixed(1).padStart(6)} s`);
  return ms;
}

async function seedTenantsAndProfiles(sql: RawSql, size: SeedSize): Promise<SeededTenant[]> {
  const tenants = await sql.query<SeededTenant>(
    `INSERT INTO "Tenant" (id, slug, name, "monthlyBudgetUsd")
     SELECT gen_random_uuid(), 'bench-t' || t, 'Bench tenant ' || t, CASE WHEN t % 2 = 0 THEN 5000 + 2500 * t END
     FROM generate_series(0, $1 - 1) t
     RETURNING id, slug`,
    [size.tenants],
  );
  tenants.sort((a, b) => a.slug.localeCompare(b.slug, "en", { numeric: true }));
  // Profile p belongs to tenant p % tenants; slug bench-p<p>, host bench-h<p>.
  await seeded(
    sql,
    0.11,
    `INSERT INTO "Profile" (id, "tenantId", slug, owner, ring, tier, unit, health, "canaryStage", "artifactDigest",
       "rollbackEndpoint", "rollbackManifestDigest", "evidencePath", "monthlyBudgetUsd", "lastSeenAt", "updatedAt")
     SELECT gen_random_uuid(), t.id, 'bench-p' || p, 'team-' || (p % 7), p % 6,
       (ARRAY['L0','L1','L2','L3','L4','L5'])[1 + (p + p / 6) % 6]::"Tier",
       'bench-p' || p || '.service',
       (ARRAY['healthy','healthy','healthy','degraded','down','unknown'])[1 + p % 6]::"Health",
       (ARRAY['deploy_only','read_only','limited','promoted','promoted','rolled_back'])[1 + (p * 5) % 6]::"CanaryStage",
       $2, 'https://rollback.bench.example/' || p, $2, 'evidence/bench-p' || p,
       CASE WHEN p % 5 = 0 THEN 100 + (p % 9) * 50 END, now(), now()
     FROM generate_series(0, $1 - 1) p
     JOIN "Tenant" t ON t.slug = 'bench-t' || (p % ${size.tenants})`,
    [size.profiles, DIGEST],
  );
  await sql.query(
    `INSERT INTO "Host" (id, "ratePerMinute") SELECT 'bench-h' || p, 1000000 FROM generate_series(0, $1 - 1) p`,
    [size.profiles],
  );
  await sql.query(
    `INSERT INTO "HostProfile" ("hostId", "profileId") SELECT 'bench-h' || substr(slug, 8), id FROM "Profile" WHERE slug LIKE 'bench-p%'`,
  );
  await sql.query(
    `INSERT INTO "HostKey" (id, "hostId", "publicKey") SELECT id || '-k1', id, 'AAAA' FROM "Host" WHERE id LIKE 'bench-h%'`,
  );
  return tenants;
}

/** Evidence (most items, some failed or stale, rollback drill durations) and a subset of the tier controls. */
async function seedReadiness(sql: RawSql): Promise<void> {
  await seeded(
    sql,
    0.21,
    `INSERT INTO "ProfileEvidence" ("profileId", item, passed, "observedAt", detail)
     SELECT p.id, item, random() < 0.85, now() - (random() * 20) * interval '1 day',
       CASE WHEN item = 'rollback_proven' THEN jsonb_build_object('durationSec', 30 + floor(random() * 400)::int) ELSE '{}'::jsonb END
     FROM "Profile" p CROSS JOIN unnest($1::text[]) item
     WHERE p.slug LIKE 'bench-p%' AND random() < 0.8`,
    [[...CANARY_EVIDENCE_ITEMS]],
  );
  await seeded(
    sql,
    0.22,
    `INSERT INTO "ProfileControl" ("profileId", control, "evidencedAt", source)
     SELECT p.id, control, now() - (random() * 60) * interval '1 day', 'bench'
     FROM "Profile" p CROSS JOIN unnest($1::text[]) control
     WHERE p.slug LIKE 'bench-p%' AND random() < 0.7`,
    [Object.keys(CONTROLS)],
  );
}

/**
 * Bulk-load practice: drop a table's secondary indexes (not its primary key or
 * constraints), load, then build them again from their own definitions, in
 * one go, which is several times faster than maintaining them row by row.
 */
async function withIndexesRebuilt(sql: RawSql, table: string, load: () => Promise<void>): Promise<void> {
  const indexes = await sql.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [table],
  );
  for (const index of indexes) await sql.exec(`DROP INDEX "${index.name}"`);
  try {
    await load();
  } finally {
    for (const index of indexes) await sql.exec(index.definition);
  }
}

/** One batch per profile and day (events name it), then the events in chunks. */
async function seedEvents(sql: RawSql, size: SeedSize, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO "IngestBatch" (id, "hostId", "keyId", "receivedAt", "batchHash", accepted, duplicates, "receiptId")
     SELECT 'bench-b' || p || '-' || d, 'bench-h' || p, 'bench-h' || p || '-k1', $2::timestamptz - d * interval '1 day',
       'sha256:bench', 0, 0, 'bench-receipt'
     FROM generate_series(0, $1 - 1) p CROSS JOIN generate_series(0, 29) d`,
    [size.profiles, now],
  );
  await withIndexesRebuilt(sql, "IngestEvent", () => insertEvents(sql, size, now));
  await sql.query(
    `INSERT INTO "CostRecord" (id, "tenantId", "profileId", "eventId", "occurredAt", model, "tokensIn", "tokensOut", cost)
     SELECT gen_random_uuid(), "tenantId", "profileId", id, "occurredAt", attributes->>'model',
       (attributes->>'tokensIn')::int, (attributes->>'tokensOut')::int, (attributes->>'cost')::numeric
     FROM "IngestEvent" WHERE type = 'cost.usage' AND "hostId" LIKE 'bench-h%'`,
  );
}

async function insertEvents(sql: RawSql, size: SeedSize, now: Date): Promise<void> {
  for (let start = 0; start < size.events; start += CHUNK) {
    const end = Math.min(size.events, start + CHUNK) - 1;
    // In time order, oldest first (as hosts report them); g.p skews towards low
    // profile numbers (a few busy agents); g.d is the day back from now (its batch).
    await seeded(
      sql,
      0.3 + start / size.events / 2,
      `INSERT INTO "IngestEvent" (id, "hostId", "eventId", "batchId", "tenantId", "profileId", type, "occurredAt", "receivedAt", attributes, redactions)
       SELECT gen_random_uuid(), 'bench-h' || g.p, 'e' || g.i, 'bench-b' || g.p || '-' || g.d, pr."tenantId", pr.id, g.type, g.at, g.at,
         CASE g.type
           WHEN 'cost.usage' THEN jsonb_build_object('model', (ARRAY['claude-sonnet','claude-haiku','gpt-4o','gpt-4o-mini'])[1 + g.k % 4],
             'tokensIn', 200 + g.k * 37 % 4000, 'tokensOut', 50 + g.k * 13 % 1500, 'cost', round((0.0004 + (g.k % 97) * 0.0003)::numeric, 6))
           WHEN 'tool.denied' THEN jsonb_build_object('tool', 'tool-' || g.k % 12, 'reason', 'not in the tool allowlist')
           WHEN 'tool.allowed' THEN jsonb_build_object('tool', 'tool-' || g.k % 12)
           WHEN 'egress.denied' THEN jsonb_build_object('destination', 'host-' || g.k % 20 || '.example:443', 'reason', 'not in the egress allowlist')
           WHEN 'health.heartbeat' THEN jsonb_build_object('status', 'healthy', 'intervalSec', 60)
           ELSE '{}'::jsonb
         END,
         CASE WHEN g.red < 0.02 THEN jsonb_build_object('count', 1 + g.k % 3, 'fields', jsonb_build_array('attributes.note'), 'kinds', jsonb_build_object('github_token', 1 + g.k % 3)) END
       FROM (
         SELECT i, floor($3 * power(random(), 2))::int AS p, least(floor(age)::int, 29) AS d, $4::timestamptz - age * interval '1 day' AS at,
           floor(random() * 100000)::int AS k, random() AS red,
           CASE
             WHEN r < 0.40 THEN 'tool.allowed' WHEN r < 0.62 THEN 'health.heartbeat' WHEN r < 0.72 THEN 'cost.usage'
             WHEN r < 0.80 THEN 'tool.denied' WHEN r < 0.84 THEN 'egress.denied' WHEN r < 0.89 THEN 'auth.accepted'
             WHEN r < 0.92 THEN 'secret.loaded' WHEN r < 0.96 THEN 'policy.decision' WHEN r < 0.98 THEN 'alignment.checked'
             WHEN r < 0.99 THEN 'service.start' ELSE 'canary.evidence'
           END AS type
         FROM (SELECT i, random() AS r, 30 * (1 - (i + random()) / $5::float8) AS age FROM generate_series($1::int, $2::int) i) s
       ) g
       JOIN "Profile" pr ON pr.slug = 'bench-p' || g.p`,
      [start, end, size.profiles, now, size.events],
    );
  }
}

/** Decisions, one job per decision (status from the decision), votes on resolved approval jobs. */
async function seedDecisionsAndJobs(sql: RawSql, size: SeedSize, now: Date): Promise<void> {
  for (let start = 0; start < size.decisions; start += CHUNK) {
    const end = Math.min(size.decisions, start + CHUNK) - 1;
    await seeded(
      sql,
      0.6 + start / size.decisions / 4,
      `INSERT INTO "PolicyDecision" (id, "tenantId", "profileId", "jobId", decision, "ruleIds", reason, "policyHash", "inputHash",
         "approvalsNeeded", "ttlSec", "createdAt")
       SELECT gen_random_uuid(), pr."tenantId", pr.id, 'bench-job-' || g.i, g.decision,
         ARRAY[CASE WHEN g.rule < 40 THEN 'platform:rule-' || g.rule ELSE 'tenant:rule-' || g.rule END, 'platform:default'],
         CASE g.decision WHEN 'DENY' THEN 'denied by rule ' || g.rule % 15 WHEN 'REQUIRE_APPROVAL' THEN 'writes need a human'
           WHEN 'THROTTLE' THEN 'rate limit' ELSE 'allowed by rule ' || g.rule END,
         'sha256:policy', 'sha256:input-' || g.i,
         CASE WHEN g.decision = 'REQUIRE_APPROVAL' THEN 1 + g.i % 2 END,
         CASE WHEN g.decision = 'REQUIRE_APPROVAL' THEN 3600 END,
         g.at
       FROM (
         SELECT i, floor($3 * power(random(), 2))::int AS p, $4::timestamptz - random() * interval '30 days' AS at,
           floor(random() * 60)::int AS rule,
           CASE WHEN r < 0.58 THEN 'ALLOW' WHEN r < 0.68 THEN 'ALLOW_WITH_CONSTRAINTS' WHEN r < 0.82 THEN 'DENY'
             WHEN r < 0.96 THEN 'REQUIRE_APPROVAL' ELSE 'THROTTLE' END AS decision
         FROM (SELECT i, random() AS r FROM generate_series($1::int, $2::int) i) s
       ) g
       JOIN "Profile" pr ON pr.slug = 'bench-p' || g.p`,
      [start, end, size.profiles, now],
    );
  }
  // Approval outcomes: 60 % approved, 15 % rejected, 25 % expired (pending instead when less than the TTL old).
  await seeded(
    sql,
    0.7,
    `INSERT INTO "Job" (id, "tenantId", "profileId", "hostId", "keyId", topic, "riskTags", labels, payload, canonical, "jobHash",
       status, "decisionId", "approvalsNeeded", "expiresAt", "resolvedAt", requester, "requesterIds", "traceId", "receiptId", "createdAt")
     SELECT d."jobId", d."tenantId", d."profileId", 'bench-h' || substr(pr.slug, 8), 'bench-h' || substr(pr.slug, 8) || '-k1',
       'job.bench.write.tool-' || (hashtext(d."jobId") & 15), ARRAY['prod'], '{}'::jsonb, '{}'::jsonb, '{}', 'sha256:' || d."jobId",
       s.status::"JobStatus", d.id, coalesce(d."approvalsNeeded", 0),
       CASE WHEN d.decision = 'REQUIRE_APPROVAL' THEN d."createdAt" + interval '1 hour' END,
       CASE WHEN s.status IN ('APPROVED', 'REJECTED') THEN d."createdAt" + (20 + s.lat) * interval '1 second'
            WHEN s.status = 'EXPIRED' THEN d."createdAt" + interval '1 hour' END,
       'someone@bench.example', ARRAY[]::text[], 'trace-' || d."jobId", 'bench-receipt', d."createdAt"
     FROM "PolicyDecision" d
     JOIN "Profile" pr ON pr.id = d."profileId"
     CROSS JOIN LATERAL (
       SELECT CASE d.decision
         WHEN 'ALLOW' THEN 'ALLOWED' WHEN 'ALLOW_WITH_CONSTRAINTS' THEN 'ALLOWED' WHEN 'DENY' THEN 'DENIED' WHEN 'THROTTLE' THEN 'THROTTLED'
         ELSE CASE WHEN u < 0.60 THEN 'APPROVED' WHEN u < 0.75 THEN 'REJECTED'
                   WHEN d."createdAt" > $1::timestamptz - interval '1 hour' THEN 'PENDING_APPROVAL' ELSE 'EXPIRED' END
       END AS status, floor(power(random(), 3) * 3000)::int AS lat
       FROM (SELECT random() AS u) r
     ) s
     WHERE d."jobId" LIKE 'bench-job-%'`,
    [now],
  );
  await sql.query(
    `INSERT INTO "JobVote" (id, "jobId", "userId", vote, note, "seenHash", "receiptId", "createdAt")
     SELECT gen_random_uuid(), j.id, gen_random_uuid(), CASE j.status WHEN 'APPROVED' THEN 'approve' ELSE 'deny' END, '', j."jobHash",
       'bench-receipt', j."resolvedAt"
     FROM "Job" j WHERE j.id LIKE 'bench-job-%' AND j.status IN ('APPROVED', 'REJECTED')`,
  );
}

async function seedKillSwitches(sql: RawSql, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO "KillSwitch" (id, scope, "tenantId", "profileId", capability, reason, "engagedBy", "engagedAt", "releasedAt", "releasedBy", "engageReceiptId")
     SELECT 'bench-ks-' || k,
       (ARRAY['global','tenant','profile','capability'])[1 + k % 4]::"KillSwitchScope",
       CASE WHEN k % 4 <> 0 THEN pr."tenantId" END, CASE WHEN k % 4 = 2 THEN pr.id END, CASE WHEN k % 4 = 3 THEN 'egress' END,
       'bench incident ' || k, 'bench-user', $1::timestamptz - (27 - k * 3) * interval '1 day',
       CASE WHEN k < 7 THEN $1::timestamptz - (27 - k * 3) * interval '1 day' + (1 + k) * interval '1 hour' END,
       CASE WHEN k < 7 THEN 'bench-user' END, 'bench-receipt'
     FROM generate_series(0, 8) k JOIN "Profile" pr ON pr.slug = 'bench-p' || k`,
    [now],
  );
}

/** Seed everything; returns the tenants (sorted by slug) and the total seeding time. */
export async function seedDashboards(database: Database, size: SeedSize, now: Date): Promise<{ tenants: SeededTenant[]; ms: number }> {
  const sql = database.sql;
  let tenants: SeededTenant[] = [];
  let ms = 0;
  ms += await timedStep(`${size.tenants} tenants, ${size.profiles} profiles + hosts`, async () => {
    tenants = await seedTenantsAndProfiles(sql, size);
  });
  ms += await timedStep("evidence + controls", () => seedReadiness(sql));
  ms += await timedStep(`${size.events.toLocaleString("en-US")} events + cost records`, () => seedEvents(sql, size, now));
  ms += await timedStep(`${size.decisions.toLocaleString("en-US")} decisions + jobs + votes`, () => seedDecisionsAndJobs(sql, size, now));
  ms += await timedStep("kill switches", () => seedKillSwitches(sql, now));
  ms += await timedStep("VACUUM ANALYZE", () => sql.exec("VACUUM ANALYZE"));
  return { tenants, ms };
}

/** Row counts of what was seeded (printed, so a reader sees the shape). */
export async function seededCounts(sql: RawSql, since: Date): Promise<Record<string, number>> {
  const [row] = await sql.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM "IngestEvent") AS events,
       (SELECT count(*) FROM "IngestEvent" WHERE "occurredAt" >= $1) AS "events in month",
       (SELECT count(*) FROM "CostRecord") AS "cost records",
       (SELECT count(*) FROM "IngestEvent" WHERE redactions IS NOT NULL) AS "redacted events",
       (SELECT count(*) FROM "PolicyDecision") AS decisions,
       (SELECT count(*) FROM "Job") AS jobs,
       (SELECT count(*) FROM "Job" WHERE "approvalsNeeded" > 0) AS "approval jobs",
       (SELECT count(*) FROM "KillSwitch") AS "kill switches"`,
    [since],
  );
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, Number(v)]));
}

