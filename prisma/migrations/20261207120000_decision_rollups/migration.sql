-- Policy decisions counted per hour and per day (UTC, epoch-aligned), tenant,
-- profile (and all of the tenant's profiles) and decision, kept by statement-level triggers in the writing
-- transaction (as "EventRollup" is). A decision about no tenant or profile is
-- counted under the nil UUID, which no tenant or profile has: a tenant-scoped
-- read never sees it, the all-tenants view does, as with the raw rows.
CREATE TABLE "DecisionRollup" (
    "width" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "decision" TEXT NOT NULL,
    "count" BIGINT NOT NULL,
    "shard" INTEGER NOT NULL,

    CONSTRAINT "DecisionRollup_pkey" PRIMARY KEY ("width","bucket","tenantId","profileId","decision","shard")
);
CREATE INDEX "DecisionRollup_profileId_width_bucket_idx" ON "DecisionRollup"("profileId", "width", "bucket");

CREATE FUNCTION cellgate_rollup_decisions(rows_json JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "DecisionRollup" ("width", "bucket", "tenantId", "profileId", "decision", "count", "shard")
  SELECT w.width, date_bin(w.span, d."createdAt", TIMESTAMPTZ 'epoch'),
         COALESCE(d."tenantId", '00000000-0000-0000-0000-000000000000'), l.profile, d."decision", sign * count(*), cellgate_shard()
    FROM jsonb_to_recordset(rows_json) AS d("tenantId" uuid, "profileId" uuid, "decision" text, "createdAt" timestamptz)
   CROSS JOIN LATERAL cellgate_rollup_levels(COALESCE(d."profileId", '00000000-0000-0000-0000-000000000000')) AS l
   CROSS JOIN cellgate_rollup_widths() AS w
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("width", "bucket", "tenantId", "profileId", "decision", "shard") DO UPDATE SET
    "count" = "DecisionRollup"."count" + EXCLUDED."count";
$$;

-- Kept applied to every row change, starting with the rows already there.
SELECT cellgate_keep_applied('"PolicyDecision"', 'cellgate_rollup_decisions', 'tenantId, profileId, decision, createdAt');
