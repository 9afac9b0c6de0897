-- The ingest events the safety dashboard counts (denied tools and egress, and
-- every redacted event) per hour and per day (UTC, aligned to the Unix
-- epoch, as the dashboards' date_bin buckets are), tenant, profile and type:
-- how many, how many carried a redaction summary, and the redactions they
-- counted; and the redacted values by kind. Kept by statement-level triggers
-- in the transaction that writes the events, so they always equal the raw
-- group-by (late events land in their own hour; duplicates are never stored,
-- so never counted). The safety dashboard reads them for windows whose
-- buckets are whole hours or days.
CREATE TABLE "EventRollup" (
    "width" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "redactedEvents" BIGINT NOT NULL,
    "redactions" DECIMAL(65,30) NOT NULL,
    "shard" INTEGER NOT NULL,

    CONSTRAINT "EventRollup_pkey" PRIMARY KEY ("width","bucket","tenantId","profileId","type","shard")
);
CREATE INDEX "EventRollup_width_type_bucket_idx" ON "EventRollup"("width", "type", "bucket");
CREATE INDEX "EventRollup_profileId_width_bucket_idx" ON "EventRollup"("profileId", "width", "bucket");

CREATE TABLE "RedactionKindRollup" (
    "width" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "count" BIGINT NOT NULL,
    "shard" INTEGER NOT NULL,

    CONSTRAINT "RedactionKindRollup_pkey" PRIMARY KEY ("width","bucket","tenantId","profileId","kind","shard")
);

-- Every rollup is kept at two levels: per profile, and per tenant over all
-- its profiles (profileId = cellgate_all_profiles(), a UUID no profile has),
-- so a view of a tenant or of every tenant sums a few rows per bucket instead
-- of one per profile; and at two widths (hour, day).
CREATE FUNCTION cellgate_all_profiles() RETURNS UUID
LANGUAGE sql IMMUTABLE AS $$ SELECT 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid $$;
CREATE FUNCTION cellgate_rollup_levels(p UUID) RETURNS TABLE (profile UUID)
LANGUAGE sql IMMUTABLE AS $$ VALUES (p), (cellgate_all_profiles()) $$;
CREATE FUNCTION cellgate_rollup_widths() RETURNS TABLE (width TEXT, span INTERVAL)
LANGUAGE sql IMMUTABLE AS $$ VALUES ('h', INTERVAL '1 hour'), ('d', INTERVAL '1 day') $$;

-- Adds one sign (+1 inserted, -1 deleted) of a set of event rows, in key
-- order (every writer locks rollup rows in the same order: no deadlocks).
CREATE FUNCTION cellgate_rollup_events(rows_json JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  WITH e AS (
    SELECT r."tenantId", l.profile AS "profileId", r."type", r."occurredAt",
           (r."redactions" IS NOT NULL AND jsonb_typeof(r."redactions") = 'object') AS redacted,
           r."redactions"
      FROM jsonb_to_recordset(rows_json) AS r("tenantId" uuid, "profileId" uuid, "type" text, "occurredAt" timestamptz, "redactions" jsonb)
     CROSS JOIN LATERAL cellgate_rollup_levels(r."profileId") AS l
  ), counted AS (
    INSERT INTO "EventRollup" ("width", "bucket", "tenantId", "profileId", "type", "events", "redactedEvents", "redactions", "shard")
    SELECT w.width, date_bin(w.span, e."occurredAt", TIMESTAMPTZ 'epoch'), e."tenantId", e."profileId", e."type",
           sign * count(*), sign * count(*) FILTER (WHERE e.redacted),
           sign * COALESCE(sum(CASE WHEN e.redacted AND jsonb_typeof(e."redactions" -> 'count') = 'number' THEN (e."redactions" ->> 'count')::numeric ELSE 0 END), 0),
           cellgate_shard()
      FROM e CROSS JOIN cellgate_rollup_widths() AS w
     GROUP BY 1, 2, 3, 4, 5
     ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("width", "bucket", "tenantId", "profileId", "type", "shard") DO UPDATE SET
      "events" = "EventRollup"."events" + EXCLUDED."events",
      "redactedEvents" = "EventRollup"."redactedEvents" + EXCLUDED."redactedEvents",
      "redactions" = "EventRollup"."redactions" + EXCLUDED."redactions"
  )
  INSERT INTO "RedactionKindRollup" ("width", "bucket", "tenantId", "profileId", "kind", "count", "shard")
  SELECT w.width, date_bin(w.span, e."occurredAt", TIMESTAMPTZ 'epoch'), e."tenantId", e."profileId", k.key, sign * sum(k.value::numeric)::bigint, cellgate_shard()
    FROM e CROSS JOIN cellgate_rollup_widths() AS w
    CROSS JOIN LATERAL jsonb_each_text(CASE WHEN jsonb_typeof(e."redactions" -> 'kinds') = 'object' THEN e."redactions" -> 'kinds' ELSE '{}'::jsonb END) AS k
   WHERE e.redacted AND k.value ~ '^[0-9]{1,9}$'
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("width", "bucket", "tenantId", "profileId", "kind", "shard") DO UPDATE SET
    "count" = "RedactionKindRollup"."count" + EXCLUDED."count";
$$;

-- Kept applied to every row change, starting with the rows already there.
-- Only the events the dashboards count (denied tools and egress, redacted
-- events of any type): the bulk of a fleet's events (heartbeats, allowed
-- tools) costs the ingest transaction nothing here.
SELECT cellgate_keep_applied('"IngestEvent"', 'cellgate_rollup_events', 'tenantId, profileId, type, occurredAt, redactions',
  $$"type" IN ('tool.denied', 'egress.denied') OR ("redactions" IS NOT NULL AND jsonb_typeof("redactions") = 'object')$$);
