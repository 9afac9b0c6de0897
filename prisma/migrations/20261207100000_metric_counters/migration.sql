-- Running totals for /api/metrics, kept by statement-level triggers in the
-- same transaction as the rows they count (so they are exact, whatever path
-- wrote the rows: ingest, job submission, the demo seed, a test factory), and
-- read in constant time however long the history. Each total is split over
-- shards chosen by the writing backend (pg_backend_pid() % 64), so concurrent
-- writers rarely wait on one row; a reader sums the shards.
CREATE TABLE "MetricCounter" (
    "name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "shard" INTEGER NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "MetricCounter_pkey" PRIMARY KEY ("name","key","shard")
);

-- Adds (name, key, delta) rows to this backend's shard, in key order (rows
-- are locked in one order by every writer, so two writers never deadlock).
CREATE FUNCTION cellgate_count(names TEXT[], keys TEXT[], deltas BIGINT[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "MetricCounter" ("name", "key", "shard", "value")
  SELECT d.n, d.k, pg_backend_pid() % 64, sum(d.v)
    FROM unnest(names, keys, deltas) AS d(n, k, v)
   GROUP BY d.n, d.k
  HAVING sum(d.v) <> 0
   ORDER BY d.n, d.k
  ON CONFLICT ("name", "key", "shard") DO UPDATE SET "value" = "MetricCounter"."value" + EXCLUDED."value";
$$;

-- Ingest events by type.
CREATE FUNCTION cellgate_count_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM cellgate_count(array_agg('ingest_events'::text), array_agg(t), array_agg(n))
       FROM (SELECT "type" AS t, count(*) AS n FROM new_rows GROUP BY 1) g;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM cellgate_count(array_agg('ingest_events'::text), array_agg(t), array_agg(-n))
       FROM (SELECT "type" AS t, count(*) AS n FROM old_rows GROUP BY 1) g;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "IngestEvent_count_insert" AFTER INSERT ON "IngestEvent" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_events();
CREATE TRIGGER "IngestEvent_count_update" AFTER UPDATE ON "IngestEvent" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_events();
CREATE TRIGGER "IngestEvent_count_delete" AFTER DELETE ON "IngestEvent" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_events();

-- Ingest batches and the duplicates they reported.
CREATE FUNCTION cellgate_count_batches() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM cellgate_count(ARRAY['ingest_batches', 'ingest_duplicates'], ARRAY['', ''], ARRAY[count(*), COALESCE(sum("duplicates"), 0)])
       FROM new_rows;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM cellgate_count(ARRAY['ingest_batches', 'ingest_duplicates'], ARRAY['', ''], ARRAY[-count(*), -COALESCE(sum("duplicates"), 0)])
       FROM old_rows;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "IngestBatch_count_insert" AFTER INSERT ON "IngestBatch" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_batches();
CREATE TRIGGER "IngestBatch_count_update" AFTER UPDATE ON "IngestBatch" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_batches();
CREATE TRIGGER "IngestBatch_count_delete" AFTER DELETE ON "IngestBatch" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_batches();

-- Policy decisions by decision.
CREATE FUNCTION cellgate_count_decisions() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    PERFORM cellgate_count(array_agg('policy_decisions'::text), array_agg(d), array_agg(n))
       FROM (SELECT "decision" AS d, count(*) AS n FROM new_rows GROUP BY 1) g;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    PERFORM cellgate_count(array_agg('policy_decisions'::text), array_agg(d), array_agg(-n))
       FROM (SELECT "decision" AS d, count(*) AS n FROM old_rows GROUP BY 1) g;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "PolicyDecision_count_insert" AFTER INSERT ON "PolicyDecision" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_decisions();
CREATE TRIGGER "PolicyDecision_count_update" AFTER UPDATE ON "PolicyDecision" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_decisions();
CREATE TRIGGER "PolicyDecision_count_delete" AFTER DELETE ON "PolicyDecision" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_decisions();

-- Signed checkpoints (append-only: inserts only).
CREATE FUNCTION cellgate_count_checkpoints() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM cellgate_count(ARRAY['audit_checkpoints'], ARRAY[''], ARRAY[count(*)]) FROM new_rows;
  RETURN NULL;
END $$;
CREATE TRIGGER "AuditCheckpoint_count_insert" AFTER INSERT ON "AuditCheckpoint" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION cellgate_count_checkpoints();

-- What was there before the counters.
INSERT INTO "MetricCounter" ("name", "key", "shard", "value")
SELECT 'ingest_events', "type", 0, count(*) FROM "IngestEvent" GROUP BY "type"
UNION ALL SELECT 'ingest_batches', '', 0, count(*) FROM "IngestBatch" HAVING count(*) > 0
UNION ALL SELECT 'ingest_duplicates', '', 0, sum("duplicates") FROM "IngestBatch" HAVING count(*) > 0
UNION ALL SELECT 'policy_decisions', "decision", 0, count(*) FROM "PolicyDecision" GROUP BY "decision"
UNION ALL SELECT 'audit_checkpoints', '', 0, count(*) FROM "AuditCheckpoint" HAVING count(*) > 0;
