/**
 * The parallel whole-log verify (worker threads, PostgreSQL only: PGlite is
 * one in-process connection) must find exactly what the sequential verify
 * finds — the same first fault at the same sequence number — whichever
 * stretch the tampering falls in, including right at stretch boundaries.
 * 30 entries over 3 stretches: (0,10], (10,20], (20,30].
 */
import { afterEach, describe, expect, it } from "vitest";
import { hashAuditEntry } from "@/lib/domain/audit/chain";
import { appendAudit } from "@/lib/server/audit";
import { chainEntriesAfter, verifyAuditLog } from "@/lib/server/audit-verify";
import { verifyAuditLogParallel } from "@/lib/server/audit-verify-parallel";
import { createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";

const ENTRIES = 30;
const UNLOCK = `ALTER TABLE "AuditEntry" DISABLE TRIGGER USER;`;

type PgDatabase = TestDatabase & { url: string };
let open: TestDatabase | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function logOf30(): Promise<PgDatabase> {
  const created = await createTestDatabase("postgresql");
  open = created;
  if (!created.url) throw new Error("a PostgreSQL test database has a URL");
  const db = created as PgDatabase;
  const actor = { type: "user" as const, id: randomSlug("actor") };
  await db.prisma.$transaction(async (tx) => {
    for (let i = 0; i < ENTRIES; i += 1) await appendAudit(tx, { actor, action: "test.append", resource: `thing:${i}`, data: { i } });
  });
  await db.sql.exec(UNLOCK);
  return db;
}

/** The parallel result without its work count, to compare with the sequential one. */
async function parallel(db: PgDatabase) {
  const { walkedInStretches, ...result } = await verifyAuditLogParallel(db.sql, { url: db.url, workers: 3, minEntries: 0, pageSize: 4 });
  return { result, walkedInStretches };
}

describe("parallel audit verify (postgresql)", () => {
  it("verifies an intact log like the sequential walk", async () => {
    const db = await logOf30();
    const { result, walkedInStretches } = await parallel(db);
    expect(result).toEqual(await verifyAuditLog(db.sql, { pageSize: 4 }));
    expect(result).toMatchObject({ ok: true, entries: ENTRIES, head: { seq: ENTRIES } });
    // Every entry was walked by the stretches (the main thread's and two workers'), none left to the tail walk.
    expect(walkedInStretches).toBe(ENTRIES);
  });

  const swap = (a: number, b: number) =>
    `UPDATE "AuditEntry" SET seq = 1000 WHERE seq = ${a}; UPDATE "AuditEntry" SET seq = ${a} WHERE seq = ${b}; UPDATE "AuditEntry" SET seq = ${b} WHERE seq = 1000;`;

  const cases: { kind: string; sql: string; seq: number; why: RegExp }[] = [
    { kind: "a changed entry mid-stretch", sql: `UPDATE "AuditEntry" SET data = '{"i": 99}' WHERE seq = 15`, seq: 15, why: /entry 15 was altered/ },
    { kind: "the first entry deleted", sql: `DELETE FROM "AuditEntry" WHERE seq = 1`, seq: 1, why: /entry 1 is missing/ },
    { kind: "a stretch's last entry deleted", sql: `DELETE FROM "AuditEntry" WHERE seq = 10`, seq: 10, why: /entry 10 is missing/ },
    { kind: "a stretch's first entry deleted", sql: `DELETE FROM "AuditEntry" WHERE seq = 21`, seq: 21, why: /entry 21 is missing/ },
    { kind: "entries reordered across a boundary", sql: swap(20, 21), seq: 20, why: /entry 20/ },
    { kind: "a broken link at a boundary", sql: `UPDATE "AuditEntry" SET "prevHash" = repeat('a', 64) WHERE seq = 11`, seq: 11, why: /entry 11 does not link to entry 10/ },
    { kind: "a truncated tail", sql: `DELETE FROM "AuditEntry" WHERE seq > 27`, seq: 28, why: /entries 28–30 are missing: the log was truncated/ },
    { kind: "a whole stretch deleted", sql: `DELETE FROM "AuditEntry" WHERE seq BETWEEN 11 AND 20`, seq: 11, why: /entry 11 is missing \(next entry found is 21\)/ },
    { kind: "a head row that names another hash", sql: `UPDATE "AuditHead" SET hash = repeat('b', 64) WHERE id = 1`, seq: 30, why: /does not match the chain head hash/ },
  ];

  it.each(cases)("finds $kind at the same entry as the sequential walk", async ({ sql, seq, why }) => {
    const db = await logOf30();
    await db.sql.exec(sql);
    const { result } = await parallel(db);
    expect(result).toEqual(await verifyAuditLog(db.sql, { pageSize: 4 }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.seq).toBe(seq);
      expect(result.reason).toMatch(why);
    }
  });

  it("catches a re-hashed forgery inside one stretch by its link to the next stretch", async () => {
    const db = await logOf30();
    // Entry 12 forged and re-hashed, so stretch 2 alone still chains up to entry 12's new hash…
    const [twelve] = await chainEntriesAfter(db.sql, 11, 1);
    const forged = { ...twelve!, data: { forged: true } };
    forged.hash = hashAuditEntry(forged);
    await db.sql.query(`UPDATE "AuditEntry" SET data = $1::jsonb, hash = $2 WHERE seq = 12`, [JSON.stringify(forged.data), forged.hash]);
    const { result } = await parallel(db);
    expect(result).toEqual(await verifyAuditLog(db.sql, { pageSize: 4 }));
    // …but entry 13 still links to the old hash.
    expect(result).toMatchObject({ ok: false, seq: 13 });
  });

  it("does not fail on entries appended while it runs", async () => {
    const db = await logOf30();
    await db.sql.exec(`ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
    const actor = { type: "user" as const, id: randomSlug("late") };
    const appends = (async () => {
      for (let i = 0; i < 5; i += 1) await db.prisma.$transaction((tx) => appendAudit(tx, { actor, action: "test.late", resource: `late:${i}`, data: { i } }));
    })();
    const [verified] = await Promise.all([verifyAuditLogParallel(db.sql, { url: db.url, workers: 2, minEntries: 0 }), appends]);
    expect(verified.ok).toBe(true);
    expect(verified.entries).toBeGreaterThanOrEqual(ENTRIES);
    expect(verified.entries).toBeLessThanOrEqual(ENTRIES + 5);
    expect(await verifyAuditLogParallel(db.sql, { url: db.url, workers: 2, minEntries: 0 })).toMatchObject({ ok: true, entries: ENTRIES + 5, walkedInStretches: ENTRIES + 5 });
  });
});
