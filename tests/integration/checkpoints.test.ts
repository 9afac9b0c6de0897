import { createPublicKey } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Database } from "@/lib/db";
import { GENESIS_HASH } from "@/lib/domain/audit/chain";
import { verifyCheckpoint } from "@/lib/domain/checkpoint";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { EMPTY_ROOT_HEX, MerkleTree, verifyConsistency } from "@/lib/domain/merkle";
import { resetEnvCache } from "@/lib/env";
import { appendAudit } from "@/lib/server/audit";
import { auditChainStatus, FULL_EVERY_MS } from "@/lib/server/audit-explorer/chain-status";
import {
  CheckpointError,
  checkpointTick,
  checkpointsBetween,
  latestCheckpoint,
  leafHashesUpTo,
  publicCheckpoint,
  takeCheckpoint,
} from "@/lib/server/checkpoints";
import { verifyCheckpoints } from "@/lib/server/checkpoints/verify";
import { getPlatformKey, resetPlatformKeyCache } from "@/lib/server/platform-key";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

async function appendMany(database: Database, n: number): Promise<void> {
  const actor = { type: "user" as const, id: randomSlug("actor") };
  for (let i = 0; i < n; i += 1) {
    await database.prisma.$transaction((tx) => appendAudit(tx, { actor, action: "test.append", resource: `thing:${i}`, data: { i, n: randomSlug("n") } }));
  }
}

async function publicKey() {
  return createPublicKey((await getPlatformKey()).privateKey);
}

let keyDir: string;
let savedKeyRef: string | undefined;
beforeAll(() => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-cp-key-"));
  fs.writeFileSync(path.join(keyDir, "key.pem"), generateEd25519Key().privateKeyPem, { mode: 0o600 });
  savedKeyRef = process.env.CELLGATE_PLATFORM_KEY;
  process.env.CELLGATE_PLATFORM_KEY = `file:${path.join(keyDir, "key.pem")}`;
  resetEnvCache();
  resetPlatformKeyCache();
});
afterAll(() => {
  if (savedKeyRef === undefined) delete process.env.CELLGATE_PLATFORM_KEY;
  else process.env.CELLGATE_PLATFORM_KEY = savedKeyRef;
  resetEnvCache();
  resetPlatformKeyCache();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

describe.each(BACKENDS)("signed checkpoints on %s", (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(() => database?.close());

  it("signs the empty log, then extends the stored frontier as entries are appended", async () => {
    const empty = await takeCheckpoint(database, { now: new Date("2026-11-22T10:00:00.000Z") });
    expect(empty).toMatchObject({ seq: 0, headHash: GENESIS_HASH, treeRoot: EMPTY_ROOT_HEX, time: "2026-11-22T10:00:00.000Z" });
    expect(verifyCheckpoint(publicCheckpoint(empty), await publicKey())).toEqual({ ok: true });

    await appendMany(database, 5);
    const five = await takeCheckpoint(database, { now: new Date("2026-11-22T10:05:00.000Z") });
    const hashes5 = await leafHashesUpTo(database.sql, 5);
    expect(hashes5).toHaveLength(5);
    expect(five).toMatchObject({ seq: 5, headHash: hashes5[4], treeRoot: MerkleTree.fromAuditHashes(hashes5).root() });

    await appendMany(database, 6);
    const eleven = await takeCheckpoint(database, { now: new Date("2026-11-22T10:10:00.000Z") });
    const tree = MerkleTree.fromAuditHashes(await leafHashesUpTo(database.sql, 11));
    expect(eleven).toMatchObject({ seq: 11, treeRoot: tree.root(), frontier: expect.objectContaining({ size: 11 }) });
    expect(verifyConsistency(5, 11, five.treeRoot, eleven.treeRoot, tree.consistencyProof(5, 11))).toBe(true);
    for (const cp of [five, eleven]) expect(verifyCheckpoint(publicCheckpoint(cp), await publicKey())).toEqual({ ok: true });
  });

  it("checkpoints an unchanged log again (same seq, new time) and finds checkpoints by time", async () => {
    const before = await latestCheckpoint(database.sql);
    const again = await takeCheckpoint(database, { now: new Date("2026-11-22T10:15:00.000Z") });
    expect(again.id).toBeGreaterThan(before!.id);
    expect(again).toMatchObject({ seq: before!.seq, headHash: before!.headHash, treeRoot: before!.treeRoot, time: "2026-11-22T10:15:00.000Z" });
    const between = await checkpointsBetween(database.sql, new Date("2026-11-22T10:05:00.000Z"), new Date("2026-11-22T10:15:00.000Z"));
    expect(between.map((c) => c.time)).toEqual(["2026-11-22T10:05:00.000Z", "2026-11-22T10:10:00.000Z"]);
  });

  it("skips a tick when a checkpoint was taken within the interval", async () => {
    const latest = await latestCheckpoint(database.sql);
    await appendMany(database, 1);
    const skipped = await takeCheckpoint(database, { now: new Date("2026-11-22T10:16:00.000Z"), skipIfWithinMs: 300_000 });
    expect(skipped).toEqual(latest);
    const taken = await takeCheckpoint(database, { now: new Date("2026-11-22T10:21:00.000Z"), skipIfWithinMs: 300_000 });
    expect(taken.id).toBeGreaterThan(latest!.id);
    expect(taken.seq).toBe(latest!.seq + 1);
  });

  it("verifies every stored checkpoint against the log", async () => {
    const head = (await latestCheckpoint(database.sql))!.seq;
    const result = await verifyCheckpoints(database.sql, await publicKey(), { headSeq: head });
    expect(result).toMatchObject({ ok: true, checkpoints: 5, latest: expect.objectContaining({ seq: head }) });
  });

  it("keeps checkpoints append-only at the database", async () => {
    await expect(database.sql.query(`UPDATE "AuditCheckpoint" SET seq = 1`)).rejects.toThrow(/append-only/);
    await expect(database.sql.query(`DELETE FROM "AuditCheckpoint"`)).rejects.toThrow(/append-only/);
  });

  it("refuses a bad size for leaf hashes", async () => {
    await expect(leafHashesUpTo(database.sql, 10_000)).rejects.toThrow(CheckpointError);
    await expect(leafHashesUpTo(database.sql, -1)).rejects.toThrow(/non-negative/);
    expect(await leafHashesUpTo(database.sql, 0)).toEqual([]);
  });
});

describe.each(BACKENDS)("checkpointing a tampered log on %s", (backend) => {
  it("refuses to sign a log whose entries no longer hash to their chain", async () => {
    const database = await createTestDatabase(backend);
    try {
      await appendMany(database, 3);
      await takeCheckpoint(database);
      await appendMany(database, 2);
      await database.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER; UPDATE "AuditEntry" SET data = '{"i": 7}' WHERE seq = 4; ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
      await expect(takeCheckpoint(database)).rejects.toThrow(/refusing to checkpoint a broken log: entry 4 was altered/);
      expect((await latestCheckpoint(database.sql))!.seq).toBe(3);
    } finally {
      await database.close();
    }
  });
});

describe.each(BACKENDS)("an altered stored frontier on %s", (backend) => {
  it("is not trusted by the next checkpoint and is reported by verification", async () => {
    const database = await createTestDatabase(backend);
    try {
      await appendMany(database, 5);
      const first = await takeCheckpoint(database);
      await database.sql.exec(
        `ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER USER; UPDATE "AuditCheckpoint" SET frontier = '{"size": 5, "hashes": ["${"c".repeat(64)}", "${"d".repeat(64)}"]}'; ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER USER;`,
      );
      await appendMany(database, 2);
      const next = await takeCheckpoint(database);
      expect(next.treeRoot).toBe(MerkleTree.fromAuditHashes(await leafHashesUpTo(database.sql, 7)).root());
      const result = await verifyCheckpoints(database.sql, await publicKey(), { headSeq: 7 });
      expect(result).toMatchObject({ ok: false, seq: 1, checkpointSeq: 5 });
      expect(!result.ok && result.reason).toBe(`checkpoint #${first.id} (seq 5, signed ${first.time}): its stored Merkle frontier does not match the log (it was altered; the next checkpoint would be wrong)`);
    } finally {
      await database.close();
    }
  });
});

describe("concurrent checkpointers (PostgreSQL)", () => {
  it("serialize: every checkpoint extends the previous one and all verify", async () => {
    const database = await createTestDatabase("postgresql", { poolSize: 6 });
    try {
      await appendMany(database, 4);
      const taken = await Promise.all([
        takeCheckpoint(database),
        appendMany(database, 3).then(() => takeCheckpoint(database)),
        takeCheckpoint(database),
        takeCheckpoint(database),
      ]);
      expect(taken.every((c) => c.seq >= 4)).toBe(true);
      const ids = taken.map((c) => c.id).sort((a, b) => a - b);
      const rows = await database.sql.query<{ id: number; seq: number }>(`SELECT id, seq FROM "AuditCheckpoint" ORDER BY id`);
      expect(rows.map((r) => r.id)).toEqual(ids);
      const seqs = rows.map((r) => Number(r.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const result = await verifyCheckpoints(database.sql, await publicKey(), { headSeq: 7 });
      expect(result).toMatchObject({ ok: true, checkpoints: 4 });
    } finally {
      await database.close();
    }
  });
});

describe.each(BACKENDS)("chain status panel data with checkpoints on %s", (backend) => {
  it("reports no checkpoint, then the verified latest one, then a forged one", async () => {
    const database = await createTestDatabase(backend);
    try {
      await appendMany(database, 4);
      const now = new Date("2026-11-22T12:00:00.000Z");
      expect(await auditChainStatus(database.sql, { now })).toMatchObject({ ok: true, throughSeq: 4, checkpoint: { state: "none" } });

      const cp = await takeCheckpoint(database, { now });
      const later = new Date(now.getTime() + 1000);
      expect(await auditChainStatus(database.sql, { now: later })).toMatchObject({
        ok: true,
        checkpoint: { state: "ok", id: cp.id, seq: 4, time: cp.time, keyId: cp.keyId, count: 1, checkedAt: later },
      });

      await database.sql.exec(
        `ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER USER; UPDATE "AuditCheckpoint" SET "headHash" = repeat('b', 64); ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER USER;`,
      );
      const next = new Date(now.getTime() + FULL_EVERY_MS);
      expect(await auditChainStatus(database.sql, { now: next })).toMatchObject({
        ok: true,
        checkpoint: { state: "failed", seq: 1, reason: expect.stringMatching(/checkpoint #\d+: checkpoint at seq 4 has a bad signature/), checkedAt: next },
      });
    } finally {
      await database.close();
    }
  });
});

describe("the checkpointer tick (PostgreSQL, the app's database singleton)", () => {
  it("checkpoints once, then is a no-op while a recent checkpoint exists", async () => {
    const database = await createTestDatabase("postgresql");
    setDatabase(database);
    try {
      await appendMany(database, 2);
      await checkpointTick(300_000);
      await checkpointTick(300_000); // another replica's tick within the interval: nothing new
      const rows = await database.sql.query<{ seq: number }>(`SELECT seq FROM "AuditCheckpoint"`);
      expect(rows.map((r) => Number(r.seq))).toEqual([2]);
    } finally {
      setDatabase(undefined);
      await database.close();
    }
  });
});
