-- The safety dashboard's approval figures select jobs by status and a time
-- (requested by createdAt, approved / rejected by resolvedAt, latency from
-- both): with these the reads are index-only instead of visiting every
-- approval job's (wide) row.
CREATE INDEX "Job_status_createdAt_idx" ON "Job"("status", "createdAt");
CREATE INDEX "Job_status_resolvedAt_createdAt_idx" ON "Job"("status", "resolvedAt", "createdAt");
