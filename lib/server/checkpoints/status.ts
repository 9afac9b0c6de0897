import "server-only";
/**
 * The latest signed checkpoint as the console's chain status panel shows it:
 * every stored checkpoint verified against the log (signature with the
 * platform key, head hash, recomputed tree root). Re-checked when a new
 * checkpoint appears or when the caller asks (the panel does on each full
 * chain verification); otherwise the last result is reused. The platform key
 * is only loaded once a checkpoint exists.
 */
import { createPublicKey } from "node:crypto";
import type { RawSql } from "@/lib/sql";
import { latestCheckpoint } from "../checkpoints";
import { getPlatformKey } from "../platform-key";
import { verifyCheckpoints } from "./verify";

export type CheckpointStatus =
  | { state: "none" }
  | {
      state: "ok";
      id: number;
      seq: number;
      time: string;
      keyId: string;
      count: number;
      checkedAt: Date;
      /** Each witness's latest cosigned tree (the cosignature was verified when it was posted). */
      witnesses: Array<{ name: string; treeSize: number; cosignedAt: string }>;
    }
  | { state: "failed"; seq: number; reason: string; checkedAt: Date };

const cache = new WeakMap<object, { latestId: number; status: CheckpointStatus }>();

export async function checkpointStatus(sql: RawSql, options: { now: Date; refresh: boolean }): Promise<CheckpointStatus> {
  const latest = await latestCheckpoint(sql);
  if (!latest) return { state: "none" };
  const cached = cache.get(sql);
  if (cached && !options.refresh && cached.latestId === latest.id && cached.status.state === "ok") return { ...cached.status, witnesses: await witnessed(sql) };
  const rows = await sql.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM "AuditEntry"`);
  const headSeq = Number(rows[0]?.seq ?? 0);
  const key = createPublicKey((await getPlatformKey()).privateKey);
  const result = await verifyCheckpoints(sql, key, { headSeq });
  const status: CheckpointStatus = result.ok
    ? { state: "ok", id: latest.id, seq: latest.seq, time: latest.time, keyId: latest.keyId, count: result.checkpoints, checkedAt: options.now, witnesses: await witnessed(sql) }
    : { state: "failed", seq: result.seq, reason: result.reason, checkedAt: options.now };
  cache.set(sql, { latestId: latest.id, status });
  return status;
}

/** For each witness, the largest tree it cosigned and when (read fresh: cosignatures arrive between checkpoints). */
async function witnessed(sql: RawSql): Promise<Array<{ name: string; treeSize: number; cosignedAt: string }>> {
  const rows = await sql.query<{ name: string; seq: number; ts: string | number }>(
    `SELECT DISTINCT ON (c.vkey) c."witnessName" AS name, a.seq, c."timestamp" AS ts
       FROM "CheckpointCosignature" c JOIN "AuditCheckpoint" a ON a.id = c."checkpointId"
      ORDER BY c.vkey, a.seq DESC, c."checkpointId" DESC`,
  );
  return rows.map((r) => ({ name: r.name, treeSize: Number(r.seq), cosignedAt: new Date(Number(r.ts) * 1000).toISOString() })).sort((a, b) => a.name.localeCompare(b.name));
}
