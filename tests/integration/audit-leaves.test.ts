/**
 * Audit leaves and the sequencer (issue 15, "remove the serial point"):
 * business transactions append leaves without a global lock; the sequencer
 * integrates committed leaves into the chain in batches; receipts carry the
 * leaf at once and their sequence number once sealed; verification covers
 * leaves not yet sealed. On both databases.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { hashAuditLeaf } from "@/lib/domain/audit/chain";
import { resetEnvCache } from "@/lib/env";
import { appendAudit, writeReceipt, type ReceiptView } from "@/lib/server/audit";
import { auditSequencer, sealTick } from "@/lib/server/audit-sequencer";
import { verifyAuditLog } from "@/lib/server/audit-verify";
import { takeCheckpoint } from "@/lib/server/checkpoints";
import { collectMetrics } from "@/lib/server/metrics/collect";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { sealedAt } from "../support/audit";

function receiptInput(i: number) {
  return {
    action: "test.leaf",
    actor: { type: "user" as const, id: "leaf-tester" },
    scope: { type: "platform" as const, id: "cellgate" },
    request: { i },
    result: { ok: true, i },
    summary: { i },
  };
}

/** Writes made while the seal wait is 0 answer at once and leave their leaves pending. */
async function withoutSealWait<T>(run: () => Promise<T>): Promise<T> {
  const before = process.env.CELLGATE_AUDIT_SEAL_WAIT_MS;
  process.env.CELLGATE_AUDIT_SEAL_WAIT_MS = "0";
  resetEnvCache();
  try {
    return await run();
  } finally {
    if (before === undefined) delete process.env.CELLGATE_AUDIT_SEAL_WAIT_MS;
    else process.env.CELLGATE_AUDIT_SEAL_WAIT_MS = before;
    resetEnvCache();
  }
}

async function pendingReceipt(database: Database, i: number): Promise<ReceiptView> {
  return withoutSealWait(() => database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(i))));
}

async function leafCount(database: Database): Promise<number> {
  const [row] = await database.sql.query<{ n: string }>(`SELECT count(*) AS n FROM "AuditLeaf"`);
  return Number(row!.n);
}

/** Run `sql` with the leaf guard off (a tamperer with table-owner rights), then put it back. */
async function unguarded(database: Database, sql: string, params: unknown[] = []): Promise<void> {
  await database.sql.exec(`ALTER TABLE "AuditLeaf" DISABLE TRIGGER "AuditLeaf_guard"; ALTER TABLE "Receipt" DISABLE TRIGGER "Receipt_no_update_delete"`);
  try {
    await database.sql.query(sql, params);
  } finally {
    await database.sql.exec(`ALTER TABLE "AuditLeaf" ENABLE TRIGGER "AuditLeaf_guard"; ALTER TABLE "Receipt" ENABLE TRIGGER "Receipt_no_update_delete"`);
  }
}

describe.each(BACKENDS)("audit leaves and the sequencer on %s", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(() => database?.close());
  afterEach(async () => {
    // Every case leaves a clean, sealed, verifying log for the next.
    await auditSequencer(database.sql).sealPending();
  });

  it("a receipt carries its leaf at once and its sequence number once its transaction has committed and sealed", async () => {
    let inside: { auditSeq: number | null; leafId: string } | null = null;
    const receipt = await database.prisma.$transaction(async (tx) => {
      const r = await writeReceipt(tx, receiptInput(1));
      inside = { auditSeq: r.auditSeq, leafId: r.leafId };
      return r;
    });
    expect(inside).toEqual({ auditSeq: null, leafId: expect.stringMatching(/^leaf_/) });
    const seq = sealedAt(receipt.auditSeq);
    const entry = await database.prisma.auditEntry.findUniqueOrThrow({ where: { seq } });
    expect(entry).toMatchObject({ leafId: receipt.leafId, hash: receipt.auditHash, action: "test.leaf" });
    expect(hashAuditLeaf({ ...entry, id: receipt.leafId })).toBe(receipt.leafHash);
    const stored = await database.prisma.receipt.findUniqueOrThrow({ where: { id: receipt.id } });
    expect(stored).toMatchObject({ auditSeq: seq, auditHash: entry.hash, leafId: receipt.leafId, leafHash: receipt.leafHash });
    expect(await leafCount(database)).toBe(0);
  });

  it("a rolled-back transaction leaves no leaf, no receipt and no entry", async () => {
    const [{ seq: before }] = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`) as [{ seq: number }];
    let leafId = "";
    await expect(
      database.prisma.$transaction(async (tx) => {
        leafId = (await writeReceipt(tx, receiptInput(2))).leafId;
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    await auditSequencer(database.sql).sealPending();
    expect(await database.prisma.receipt.count({ where: { leafId } })).toBe(0);
    expect(await database.prisma.auditEntry.count({ where: { leafId } })).toBe(0);
    const [{ seq: after }] = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`) as [{ seq: number }];
    expect(after).toBe(before);
  });

  it("seals many concurrent writers into one gapless chain, in batches, each receipt naming its own entry", async () => {
    const [{ seq: before }] = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`) as [{ seq: number }];
    const sealedBefore = auditSequencer(database.sql).stats.sealed;
    const receipts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(100 + i)))),
    );
    const seqs = receipts.map((r) => sealedAt(r.auditSeq)).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => before + 1 + i));
    const entries = await database.prisma.auditEntry.findMany({ where: { seq: { in: seqs } } });
    const byLeaf = new Map(entries.map((e) => [e.leafId, e]));
    for (const r of receipts) expect(byLeaf.get(r.leafId)).toMatchObject({ seq: r.auditSeq, hash: r.auditHash });
    // Fewer sealing transactions than writers: the rounds are coalesced.
    expect(auditSequencer(database.sql).stats.sealed - sealedBefore).toBe(40);
    const verified = await verifyAuditLog(database.sql, { pageSize: 7 });
    expect(verified).toMatchObject({ ok: true, head: { seq: before + 40 } });
  });

  it("answers at once when the seal wait is 0, says 'pending', and the background tick seals it later", async () => {
    const receipt = await pendingReceipt(database, 3);
    expect(receipt.auditSeq).toBeNull();
    expect(receipt.auditHash).toBeNull();
    expect(await database.prisma.receipt.findUniqueOrThrow({ where: { id: receipt.id } })).toMatchObject({ auditSeq: null, leafId: receipt.leafId });
    expect(await leafCount(database)).toBe(1);

    const pending = await verifyAuditLog(database.sql);
    expect(pending).toMatchObject({ ok: true, pending: 1 });
    const metrics = await collectMetrics(database);
    expect(metrics.find((m) => m.name === "cellgate_audit_leaves_pending")?.samples).toEqual([{ value: 1 }]);
    expect(metrics.find((m) => m.name === "cellgate_audit_oldest_pending_seconds")?.samples[0]?.value).toBeGreaterThanOrEqual(0);

    await sealTick(database.sql);
    expect(await leafCount(database)).toBe(0);
    const stored = await database.prisma.receipt.findUniqueOrThrow({ where: { id: receipt.id } });
    expect(stored.auditSeq).toEqual(expect.any(Number));
    expect(await database.prisma.auditEntry.findUniqueOrThrow({ where: { seq: stored.auditSeq! } })).toMatchObject({ leafId: receipt.leafId, hash: stored.auditHash });
    const after = await collectMetrics(database);
    expect(after.find((m) => m.name === "cellgate_audit_leaves_pending")?.samples).toEqual([{ value: 0 }]);
    expect(after.find((m) => m.name === "cellgate_audit_seal_lag_seconds")?.samples.map((s) => s.labels?.quantile)).toEqual(["0.5", "0.99", "1"]);
  });

  it("a checkpoint seals what was committed before it and covers it", async () => {
    const receipt = await pendingReceipt(database, 4);
    const checkpoint = await takeCheckpoint(database);
    const stored = await database.prisma.receipt.findUniqueOrThrow({ where: { id: receipt.id } });
    expect(stored.auditSeq).not.toBeNull();
    expect(checkpoint.seq).toBeGreaterThanOrEqual(stored.auditSeq!);
  });

  it("the database refuses to change, remove or truncate a pending leaf, and to rewrite a receipt", async () => {
    const receipt = await pendingReceipt(database, 5);
    await expect(database.sql.query(`UPDATE "AuditLeaf" SET action = 'x' WHERE id = $1`, [receipt.leafId])).rejects.toThrow(/append-only/);
    await expect(database.sql.query(`DELETE FROM "AuditLeaf" WHERE id = $1`, [receipt.leafId])).rejects.toThrow(/not integrated yet/);
    await expect(database.sql.exec(`TRUNCATE "AuditLeaf"`)).rejects.toThrow(/append-only/);
    await expect(database.sql.query(`UPDATE "Receipt" SET summary = '{}' WHERE id = $1`, [receipt.id])).rejects.toThrow(/append-only/);
    // Filling in a sequence number the chain does not give this leaf is refused too.
    await expect(database.sql.query(`UPDATE "Receipt" SET "auditSeq" = 1, "auditHash" = 'x' WHERE id = $1`, [receipt.id])).rejects.toThrow(/append-only/);
    await expect(database.sql.query(`DELETE FROM "Receipt" WHERE id = $1`, [receipt.id])).rejects.toThrow(/append-only/);
  });

  it("audit verify finds a pending leaf altered, and the sequencer refuses to seal it", async () => {
    const receipt = await pendingReceipt(database, 6);
    await unguarded(database, `UPDATE "AuditLeaf" SET data = '{"i": 666}' WHERE id = $1`, [receipt.leafId]);
    const result = await verifyAuditLog(database.sql);
    expect(result).toMatchObject({ ok: false, leaf: receipt.leafId, reason: expect.stringMatching(/pending audit leaf .* was altered/) });
    const refused = auditSequencer(database.sql).stats.refused;
    const later = await pendingReceipt(database, 61);
    await auditSequencer(database.sql).sealPending();
    expect(auditSequencer(database.sql).stats.refused).toBe(refused + 1);
    expect(await database.prisma.receipt.findUniqueOrThrow({ where: { id: receipt.id } })).toMatchObject({ auditSeq: null });
    // The refused leaf holds nothing up: the one written after it is sealed in the same round.
    expect((await database.prisma.receipt.findUniqueOrThrow({ where: { id: later.id } })).auditSeq).toEqual(expect.any(Number));
    // Clean up for the next case (as a tamperer would not): remove the altered leaf and its receipt.
    await unguarded(database, `DELETE FROM "Receipt" WHERE id = $1`, [receipt.id]);
    await unguarded(database, `DELETE FROM "AuditLeaf" WHERE id = $1`, [receipt.leafId]);
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true });
  });

  it("audit verify finds a pending leaf removed, replaced, or a sealed leaf inserted again", async () => {
    const removed = await pendingReceipt(database, 7);
    await unguarded(database, `DELETE FROM "AuditLeaf" WHERE id = $1`, [removed.leafId]);
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: false, leaf: removed.leafId, reason: expect.stringMatching(/leaf .* is missing: a pending leaf was removed/) });
    await unguarded(database, `DELETE FROM "Receipt" WHERE id = $1`, [removed.id]);

    const replaced = await pendingReceipt(database, 8);
    const other = randomSlug("forged");
    await unguarded(database, `UPDATE "AuditLeaf" SET "leafHash" = $2, data = '{"forged": true}' WHERE id = $1`, [replaced.leafId, other]);
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: false, leaf: replaced.leafId, reason: expect.stringMatching(/names a different hash than its audit leaf/) });
    await unguarded(database, `DELETE FROM "Receipt" WHERE id = $1`, [replaced.id]);
    await unguarded(database, `DELETE FROM "AuditLeaf" WHERE id = $1`, [replaced.leafId]);

    const sealed = await database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(9)));
    const seq = sealedAt(sealed.auditSeq);
    await database.sql.query(
      `INSERT INTO "AuditLeaf" (id, time, "actorType", "actorId", action, resource, data, "leafHash")
       SELECT "leafId", time, "actorType", "actorId", action, resource, data, $2 FROM "AuditEntry" WHERE seq = $1`,
      [seq, sealed.leafHash],
    );
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: false, leaf: sealed.leafId, reason: expect.stringMatching(/already sealed as entry/) });
    // The sequencer never seals it twice, and it does not stop sealing the others.
    const next = await pendingReceipt(database, 10);
    await auditSequencer(database.sql).sealPending();
    expect(await database.prisma.auditEntry.count({ where: { leafId: sealed.leafId } })).toBe(1);
    expect(await database.prisma.auditLeaf.count({ where: { id: sealed.leafId } })).toBe(1);
    expect((await database.prisma.receipt.findUniqueOrThrow({ where: { id: next.id } })).auditSeq).toBe(seq + 1);
    await database.sql.query(`DELETE FROM "AuditLeaf" WHERE id = $1`, [sealed.leafId]); // allowed: its entry exists
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true });
  });

  it("appends within one transaction keep their order in the chain", async () => {
    const entries = await database.prisma.$transaction(async (tx) => {
      const out = [];
      for (let i = 0; i < 12; i++) out.push(await appendAudit(tx, { actor: { type: "system", id: "order" }, action: "test.order", resource: `step:${i}`, data: { i } }));
      return out;
    });
    const seqs = entries.map((e) => sealedAt(e.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[11]! - seqs[0]!).toBe(11);
  });

  it("audit verify finds a sealed receipt re-pointed at another entry", async () => {
    const a = await database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(20)));
    const b = await database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(21)));
    await database.sql.exec(`ALTER TABLE "Receipt" DISABLE TRIGGER "Receipt_no_update_delete"`);
    try {
      // Swap the two receipts' entries (through NULL: seq is unique).
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = NULL WHERE id = $1`, [b.id]);
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = $2, "auditHash" = $3 WHERE id = $1`, [a.id, b.auditSeq, b.auditHash]);
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = $2, "auditHash" = $3 WHERE id = $1`, [b.id, a.auditSeq, a.auditHash]);
      expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: false, reason: expect.stringMatching(new RegExp(`receipt (${a.id} names audit entry ${b.auditSeq}|${b.id} names audit entry ${a.auditSeq}), which is not the entry its leaf became: the receipt was re-pointed`)) });
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = NULL WHERE id = $1`, [b.id]);
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = $2, "auditHash" = $3 WHERE id = $1`, [a.id, a.auditSeq, a.auditHash]);
      await database.sql.query(`UPDATE "Receipt" SET "auditSeq" = $2, "auditHash" = $3 WHERE id = $1`, [b.id, b.auditSeq, b.auditHash]);
    } finally {
      await database.sql.exec(`ALTER TABLE "Receipt" ENABLE TRIGGER "Receipt_no_update_delete"`);
    }
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true });
  });

  it("appendAudit without a receipt also seals after commit", async () => {
    const entry = await database.prisma.$transaction((tx) =>
      appendAudit(tx, { actor: { type: "system", id: "leaf-test" }, action: "test.plain", resource: "thing:1", data: { n: 1 } }),
    );
    const seq = sealedAt(entry.seq);
    expect(await database.prisma.auditEntry.findUniqueOrThrow({ where: { seq } })).toMatchObject({ leafId: entry.leafId, hash: entry.hash });
  });
});

describe("no global lock: writers do not wait for each other (PostgreSQL)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgresql", { poolSize: 4 });
  });
  afterAll(() => database?.close());

  it("a transaction that appended and is still open blocks neither another writer's commit nor its seal", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let slowLeaf = "";
    const slow = database.prisma.$transaction(async (tx) => {
      slowLeaf = (await writeReceipt(tx, receiptInput(1000))).leafId;
      await held; // still open, its leaf uncommitted
      return "slow done";
    }, { timeout: 30_000 });
    while (!slowLeaf) await new Promise((r) => setTimeout(r, 10));

    // With the old head lock (FOR UPDATE until commit) this would wait for `slow`.
    const fast = await database.prisma.$transaction((tx) => writeReceipt(tx, receiptInput(1001)));
    expect(sealedAt(fast.auditSeq)).toBeGreaterThan(0);
    expect(await database.prisma.auditLeaf.count({ where: { id: slowLeaf } })).toBe(0); // not visible: not committed

    release();
    await expect(slow).resolves.toBe("slow done");
    const stored = await database.prisma.receipt.findFirstOrThrow({ where: { leafId: slowLeaf } });
    expect(stored.auditSeq).toBeGreaterThan(fast.auditSeq!);
    expect(await verifyAuditLog(database.sql)).toMatchObject({ ok: true });
  }, 60_000);
});
