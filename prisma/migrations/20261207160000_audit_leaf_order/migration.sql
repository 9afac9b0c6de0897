-- Leaves are sealed in the order they were written: `ord` comes from a
-- sequence at insert, so appends within one transaction keep their order in
-- the chain (a random leaf id within the same millisecond would not).
ALTER TABLE "AuditLeaf" ADD COLUMN "ord" BIGSERIAL NOT NULL;
DROP INDEX "AuditLeaf_time_id_idx";
CREATE INDEX "AuditLeaf_ord_idx" ON "AuditLeaf"("ord");
