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
import type { RawSql } from "@/lib/sql";
import type { KeyObject } from "node:crypto";
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

type ChainResult = Awaited<ReturnType<typeof verifyAuditLog>>;

/**
 * `publicKey`: the platform public key the checkpoints must be signed with
 * (the console's own, or one the auditor pinned). `walkChain`: how the chain
 * is walked (default one sequential walk; the CLI passes the parallel walk of
 * lib/server/audit-verify-parallel.ts, whose worker threads a bundled server
 * cannot start).
 */
export async function verifyAuditLogAndCheckpoints(
  sql: RawSql,
  options: { publicKey: KeyObject; external?: unknown; walkChain?: (sql: RawSql) => Promise<ChainResult> },
): Promise<FullVerification> {
  const chain = await (options.walkChain ?? verifyAuditLog)(sql);
  let headSeq: number;
  if (chain.ok) {
    headSeq = chain.head.seq;
  } else {
    const rows = await sql.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM "AuditEntry"`);
    headSeq = Number(rows[0]?.seq ?? 0);
  }
  const checkpoints = await verifyCheckpoints(sql, options.publicKey, { headSeq, external: options.external });
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
