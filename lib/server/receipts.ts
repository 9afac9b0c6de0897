import "server-only";
/** The signed-in user's own receipts, newest first (scoped by the actor's own id). */
import type { Actor } from "@/lib/authz";
import { db } from "@/lib/db";
import { pageCount } from "@/lib/domain/registry-query";

export const RECEIPTS_PAGE_SIZE = 25;

export interface ReceiptRow {
  id: string;
  action: string;
  scope: string;
  time: Date;
  requestHash: string;
  resultHash: string;
  /** null while the receipt's leaf is pending seal. */
  auditSeq: number | null;
  auditHash: string | null;
  leafId: string | null;
  summary: Record<string, unknown>;
  /** The API token the change came through (the CLI), if any. */
  tokenId: string | null;
}

export async function listReceipts(
  actor: Actor,
  page: number,
): Promise<{ rows: ReceiptRow[]; total: number; page: number; pageCount: number }> {
  const prisma = await db();
  const where = { actorType: "user", actorId: actor.userId };
  const total = await prisma.receipt.count({ where });
  const pages = pageCount(total, RECEIPTS_PAGE_SIZE);
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const rows = await prisma.receipt.findMany({
    where,
    orderBy: [{ time: "desc" }, { auditSeq: "desc" }],
    skip: (current - 1) * RECEIPTS_PAGE_SIZE,
    take: RECEIPTS_PAGE_SIZE,
  });
  return {
    rows: rows.map((r) => ({
      id: r.id,
      action: r.action,
      scope: `${r.scopeType}:${r.scopeId}`,
      time: r.time,
      requestHash: r.requestHash,
      resultHash: r.resultHash,
      auditSeq: r.auditSeq,
      auditHash: r.auditHash,
      leafId: r.leafId,
      tokenId: r.tokenId,
      summary: r.summary && typeof r.summary === "object" && !Array.isArray(r.summary) ? (r.summary as Record<string, unknown>) : {},
    })),
    total,
    page: current,
    pageCount: pages,
  };
}
