-- Model usage and cost per hour and per day (UTC, epoch-aligned), tenant,
-- profile (and all of the tenant's profiles) and model, kept by statement-level triggers in the writing
-- transaction (as "EventRollup" is); `records` counts the cost records, so a
-- key whose records were all deleted (its shards' records sum to 0) is no row
-- at all to readers.
CREATE TABLE "CostRollup" (
    "width" TEXT NOT NULL,
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "tenantId" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "records" BIGINT NOT NULL,
    "cost" DECIMAL(24,6) NOT NULL,
    "tokensIn" BIGINT NOT NULL,
    "tokensOut" BIGINT NOT NULL,
    "shard" INTEGER NOT NULL,

    CONSTRAINT "CostRollup_pkey" PRIMARY KEY ("width","bucket","tenantId","profileId","model","shard")
);
CREATE INDEX "CostRollup_profileId_width_bucket_idx" ON "CostRollup"("profileId", "width", "bucket");

CREATE FUNCTION cellgate_rollup_costs(rows_json JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "CostRollup" ("width", "bucket", "tenantId", "profileId", "model", "records", "cost", "tokensIn", "tokensOut", "shard")
  SELECT w.width, date_bin(w.span, c."occurredAt", TIMESTAMPTZ 'epoch'), c."tenantId", l.profile, c."model",
         sign * count(*), sign * sum(c."cost"), sign * sum(c."tokensIn"), sign * sum(c."tokensOut"), cellgate_shard()
    FROM jsonb_to_recordset(rows_json) AS c("tenantId" uuid, "profileId" uuid, "model" text, "occurredAt" timestamptz, "cost" numeric, "tokensIn" bigint, "tokensOut" bigint)
   CROSS JOIN LATERAL cellgate_rollup_levels(c."profileId") AS l
   CROSS JOIN cellgate_rollup_widths() AS w
   GROUP BY 1, 2, 3, 4, 5
   ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT ("width", "bucket", "tenantId", "profileId", "model", "shard") DO UPDATE SET
    "records" = "CostRollup"."records" + EXCLUDED."records",
    "cost" = "CostRollup"."cost" + EXCLUDED."cost",
    "tokensIn" = "CostRollup"."tokensIn" + EXCLUDED."tokensIn",
    "tokensOut" = "CostRollup"."tokensOut" + EXCLUDED."tokensOut";
$$;

-- Kept applied to every row change, starting with the rows already there.
SELECT cellgate_keep_applied('"CostRecord"', 'cellgate_rollup_costs', 'tenantId, profileId, model, occurredAt, cost, tokensIn, tokensOut');
