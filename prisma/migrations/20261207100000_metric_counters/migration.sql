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

-- `"a", "b"` → `'a', "a", 'b', "b"`: the arguments of jsonb_build_object for those columns.
CREATE FUNCTION cellgate_row_fields(columns TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(format('%L, %I', c, c), ', ' ORDER BY o)
    FROM unnest(string_to_array(replace(columns, ' ', ''), ',')) WITH ORDINALITY AS u(c, o);
$$;

-- The totals would go stale after a TRUNCATE (no row trigger sees it): refused.
CREATE FUNCTION cellgate_refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is counted by running totals and rollups: delete rows instead of truncating', TG_TABLE_NAME;
END $$;

-- Keeps `fn(rows JSONB, sign INTEGER)` applied to every row of `tbl` that
-- matches `matching` (a condition on its columns): called once per statement with
-- the rows it inserted (sign 1) and once with those it deleted (sign -1; an
-- update is both), each row a JSON object of `columns`; not called for a
-- statement that changed no such row (a batch of duplicates). The trigger
-- function is generated here with the columns and condition written in, so
-- at run time it is plain SQL (planned once per connection, no EXECUTE).
-- TRUNCATE is refused. The rows already there are applied first, in chunks
-- of 10,000 (a JSON value holds at most 256 MiB).
CREATE FUNCTION cellgate_keep_applied(tbl REGCLASS, fn TEXT, columns TEXT, matching TEXT DEFAULT 'TRUE') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  base TEXT := replace(tbl::text, '"', '') || '_' || fn;
  fields TEXT := cellgate_row_fields(columns);
  apply TEXT := 'PERFORM %I(rows, %s) FROM (SELECT jsonb_agg(jsonb_build_object(%s)) AS rows FROM %s WHERE %s) s WHERE rows IS NOT NULL;';
  chunk JSONB;
BEGIN
  EXECUTE format($f$CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
    BEGIN
      -- (Nested: a statement naming a transition table the event lacks fails to plan.)
      IF TG_OP <> 'DELETE' THEN %s END IF;
      IF TG_OP <> 'INSERT' THEN %s END IF;
      RETURN NULL;
    END $body$ $f$, base || '_rows', format(apply, fn, 1, fields, 'new_rows', matching), format(apply, fn, -1, fields, 'old_rows', matching));
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', base || '_insert', tbl, base || '_rows');
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', base || '_update', tbl, base || '_rows');
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION %I()', base || '_delete', tbl, base || '_rows');
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = replace(tbl::text, '"', '') || '_no_truncate_counted') THEN
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION cellgate_refuse_truncate()',
      replace(tbl::text, '"', '') || '_no_truncate_counted', tbl);
  END IF;
  FOR chunk IN EXECUTE format('SELECT jsonb_agg(jsonb_build_object(%s)) FROM (SELECT *, (row_number() OVER () - 1) / 10000 AS chunk FROM %s WHERE %s) t GROUP BY chunk', fields, tbl, matching) LOOP
    EXECUTE format('SELECT %I($1, 1)', fn) USING chunk;
  END LOOP;
END $$;

-- The shard this backend writes: concurrent transactions run on different
-- backends, so they rarely meet on a counter or rollup row (and then only wait
-- for each other's commit, in key order); readers sum the shards.
CREATE FUNCTION cellgate_shard() RETURNS INTEGER
LANGUAGE sql STABLE AS $$ SELECT pg_backend_pid() % 64 $$;

-- Adds (name, key, delta) rows to this backend's shard, in key order (rows
-- are locked in one order by every writer, so two writers never deadlock).
CREATE FUNCTION cellgate_count(names TEXT[], keys TEXT[], deltas BIGINT[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "MetricCounter" ("name", "key", "shard", "value")
  SELECT d.n, d.k, cellgate_shard(), sum(d.v)
    FROM unnest(names, keys, deltas) AS d(n, k, v)
   GROUP BY d.n, d.k
  HAVING sum(d.v) <> 0
   ORDER BY d.n, d.k
  ON CONFLICT ("name", "key", "shard") DO UPDATE SET "value" = "MetricCounter"."value" + EXCLUDED."value";
$$;

-- Ingest events by type; policy decisions by decision.
CREATE FUNCTION cellgate_count_by(rows JSONB, sign INTEGER, name TEXT, key TEXT) RETURNS void
LANGUAGE sql AS $$
  SELECT cellgate_count(array_agg(name), array_agg(r.v ->> key), array_agg(sign::bigint)) FROM jsonb_array_elements(rows) AS r(v);
$$;
CREATE FUNCTION cellgate_count_events(rows JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$ SELECT cellgate_count_by(rows, sign, 'ingest_events', 'type'); $$;
CREATE FUNCTION cellgate_count_decisions(rows JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$ SELECT cellgate_count_by(rows, sign, 'policy_decisions', 'decision'); $$;

-- Ingest batches and the duplicates they reported; signed checkpoints.
CREATE FUNCTION cellgate_count_batches(rows JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  SELECT cellgate_count(ARRAY['ingest_batches', 'ingest_duplicates'], ARRAY['', ''], ARRAY[sign * count(*), sign * COALESCE(sum(r."duplicates"), 0)]::BIGINT[])
    FROM jsonb_to_recordset(rows) AS r("duplicates" BIGINT);
$$;
CREATE FUNCTION cellgate_count_checkpoints(rows JSONB, sign INTEGER) RETURNS void
LANGUAGE sql AS $$
  SELECT cellgate_count(ARRAY['audit_checkpoints'], ARRAY[''], ARRAY[sign * count(*)]) FROM jsonb_array_elements(rows);
$$;

SELECT cellgate_keep_applied('"IngestEvent"', 'cellgate_count_events', 'type');
SELECT cellgate_keep_applied('"IngestBatch"', 'cellgate_count_batches', 'duplicates');
SELECT cellgate_keep_applied('"PolicyDecision"', 'cellgate_count_decisions', 'decision');
-- Append-only (updates and deletes are refused): only its inserts ever fire.
SELECT cellgate_keep_applied('"AuditCheckpoint"', 'cellgate_count_checkpoints', 'id');
