import "server-only";
/**
 * `cellgate audit verify` in one call: the hash chain (every entry re-hashed,
 * linked, gapless, matching the head row) and then every signed checkpoint
 * (plus an exported one, if given). A checkpoint that no longer matches only
 * bounds the fault to the entries after the last matching checkpoint; when
 * the chain check pinpoints a broken entry within (or before) that span,
 * the chain's finding is reported, else the checkpoint's.
 */
import { verifyAuditLog } from "../audit-verify";
import { verifyAuditLogParallel } from "../audit-verify-parallel";
import { getPlatformKey } from "../platform-key";
import type { RawSql } from "@/lib/sql";
import { createPublicKey } from "node:crypto";
import { verifyCheckpoints } from "./verify";

export type FullVerification =
  | {
      ok: true;
      entries: number;
      headSeq: number;
      checkpoints: number;
      latestCheckpoint: { id: number; seq: number; time: string } | null;
      external: { seq: number; time: string } | null;
    }
  | { ok: false; seq: number; reason: string };

/**
 * `parallelUrl`: the PostgreSQL URL the chain check's worker threads may
 * connect with (PostgreSQL only); without it the chain is walked in one thread.
 */
export async function verifyAuditLogAndCheckpoints(
  sql: RawSql,
  options: { external?: unknown; parallelUrl?: string } = {},
): Promise<FullVerification> {
  const chain = options.parallelUrl ? await verifyAuditLogParallel(sql, { url: options.parallelUrl }) : await verifyAuditLog(sql);
  let headSeq: number;
  if (chain.ok) {
    headSeq = chain.head.seq;
  } else {
    const rows = await sql.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM "AuditEntry"`);
    headSeq = Number(rows[0]?.seq ?? 0);
  }
  const key = await getPlatformKey();
  const checkpoints = await verifyCheckpoints(sql, createPublicKey(key.privateKey), { headSeq, external: options.external });
  if (!chain.ok && (checkpoints.ok || chain.seq <= checkpoints.checkpointSeq)) return { ok: false, seq: chain.seq, reason: chain.reason };
  if (!checkpoints.ok) return { ok: false, seq: checkpoints.seq, reason: checkpoints.reason };
  if (!chain.ok) return { ok: false, seq: chain.seq, reason: chain.reason }; // unreachable, narrows the type
  return {
    ok: true,
    entries: chain.entries,
    headSeq,
    checkpoints: checkpoints.checkpoints,
    latestCheckpoint: checkpoints.latest,
    external: checkpoints.external,
  };
}
