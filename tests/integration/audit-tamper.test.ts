/**
 * Tampering with the audit log as an attacker with database access would
 * (append-only triggers switched off first), detected by the REAL
 * `cellgate audit verify` CLI against the chain and the signed checkpoints.
 * Every scenario: entries 1–5, checkpoints signed at seq 3 and seq 5, both
 * also exported to files kept "outside the console".
 */
import { createPublicKey } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { verifyCheckpoint, type SignedCheckpoint } from "@/lib/domain/checkpoint";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { appendAudit } from "@/lib/server/audit";
import { hashAuditEntry, type ChainEntry } from "@/lib/domain/audit/chain";
import { resetEnvCache } from "@/lib/env";
import { chainEntriesAfter } from "@/lib/server/audit-verify";
import { publicCheckpoint, takeCheckpoint } from "@/lib/server/checkpoints";
import { getPlatformKey, resetPlatformKeyCache } from "@/lib/server/platform-key";
import { runCli, type CliResult } from "../support/cli";
import { ADMIN_TOKEN_PERMISSIONS, openConsoleStore, type ConsoleStore } from "../support/console-store";
import { insertTokenRow } from "../support/tokens";
import { BACKENDS, randomSlug, type Backend } from "../support/databases";

/**
 * The real `cellgate audit verify`: on PostgreSQL straight from the database
 * (`--database-url`, read-only, the key from CELLGATE_PLATFORM_KEY); on the
 * embedded default through the console, started on the data directory for
 * the check (the CLI never opens PGlite beside it).
 */
async function verifyCli(store: ConsoleStore, token: string, args: string[]): Promise<CliResult> {
  if (store.url) return runCli(["audit", "verify", "--database-url", store.url, ...args], env);
  return throughConsole(store, token, ["audit", "verify", ...args]);
}

/** Any console command of the CLI, against the console serving `store` (started for it on PGlite). */
async function throughConsole(store: ConsoleStore, token: string, args: string[]): Promise<CliResult> {
  const served = await store.serve(env);
  try {
    return await runCli(args, { CELLGATE_URL: served.url, CELLGATE_TOKEN: token });
  } finally {
    await served.stop();
  }
}

/** A platform admin with a token, without a creation receipt: the log holds exactly the entries a scenario appends. */
async function fixtureAdmin(db: Database): Promise<{ token: string }> {
  const user = await db.prisma.user.create({ data: { email: `${randomSlug("admin")}@example.test`, name: "Admin", platformAdmin: true } });
  return insertTokenRow(db.prisma, user.id, ADMIN_TOKEN_PERMISSIONS);
}

async function appendEntries(db: Database, n: number): Promise<void> {
  const actor = { type: "user" as const, id: randomSlug("actor") };
  for (let i = 0; i < n; i += 1) {
    await db.prisma.$transaction((tx) => appendAudit(tx, { actor, action: "test.append", resource: `thing:${i}`, data: { i, n: randomSlug("n") } }));
  }
}

const UNLOCK = `ALTER TABLE "AuditEntry" DISABLE TRIGGER USER; ALTER TABLE "AuditCheckpoint" DISABLE TRIGGER USER;`;
const LOCK = `ALTER TABLE "AuditEntry" ENABLE TRIGGER USER; ALTER TABLE "AuditCheckpoint" ENABLE TRIGGER USER;`;

async function entry(db: Database, seq: number): Promise<ChainEntry> {
  return (await chainEntriesAfter(db.sql, seq - 1, 1))[0]!;
}

async function insertRecord(db: Database, r: ChainEntry): Promise<void> {
  await db.sql.query(
    `INSERT INTO "AuditEntry" (seq, time, "actorType", "actorId", action, resource, "tenantId", "profileId", decision,
       "requestHash", "resultHash", "traceId", data, "prevHash", hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::uuid, $8::uuid, $9, $10, $11, $12, $13::jsonb, $14, $15)`,
    [r.seq, new Date(r.time).toISOString(), r.actorType, r.actorId, r.action, r.resource, r.tenantId, r.profileId, r.decision,
      r.requestHash, r.resultHash, r.traceId, JSON.stringify(r.data), r.prevHash, r.hash],
  );
}

/** Re-hash entries from `fromSeq` on with forged data, so the chain itself still verifies. */
async function rewriteTail(db: Database, fromSeq: number): Promise<void> {
  let prev = (await entry(db, fromSeq - 1)).hash;
  for (const r of await chainEntriesAfter(db.sql, fromSeq - 1, 1_000)) {
    const forged = { ...r, data: { forged: true, seq: r.seq }, prevHash: prev };
    forged.hash = hashAuditEntry(forged);
    await db.sql.query(`UPDATE "AuditEntry" SET data = $1::jsonb, "prevHash" = $2, hash = $3 WHERE seq = $4`, [
      JSON.stringify(forged.data), forged.prevHash, forged.hash, r.seq,
    ]);
    prev = forged.hash;
  }
  await db.sql.query(`UPDATE "AuditHead" SET hash = $1 WHERE id = 1`, [prev]);
}

/** Cut the log back to `seq` entries, head row included (so the chain alone looks intact). */
async function truncateTo(db: Database, seq: number): Promise<void> {
  const last = await entry(db, seq);
  await db.sql.query(`DELETE FROM "AuditEntry" WHERE seq > $1`, [seq]);
  await db.sql.query(`UPDATE "AuditHead" SET seq = $1, hash = $2 WHERE id = 1`, [seq, last.hash]);
}

interface Scenario {
  kind: string;
  tamper: (db: Database) => Promise<void>;
  /** Verify with the exported checkpoint file of this seq. */
  file?: 3 | 5;
  seq: number;
  why: RegExp;
}

const SCENARIOS: Scenario[] = [
  { kind: "a changed entry", tamper: (db) => db.sql.exec(`UPDATE "AuditEntry" SET data = '{"i": 99}' WHERE seq = 3`), seq: 3, why: /entry 3 was altered/ },
  { kind: "a deleted entry", tamper: (db) => db.sql.exec(`DELETE FROM "AuditEntry" WHERE seq = 4`), seq: 4, why: /entry 4 is missing/ },
  {
    kind: "an inserted entry",
    tamper: async (db) => {
      const third = await entry(db, 3);
      await db.sql.exec(`UPDATE "AuditEntry" SET seq = seq + 1000 WHERE seq >= 4; UPDATE "AuditEntry" SET seq = seq - 999 WHERE seq >= 1000;`);
      const forged = { ...(await entry(db, 5)), seq: 4, resource: "forged:1", prevHash: third.hash };
      await insertRecord(db, { ...forged, hash: hashAuditEntry(forged) });
    },
    seq: 5,
    why: /entry 5 does not link to entry 4/,
  },
  {
    kind: "reordered entries",
    tamper: (db) => db.sql.exec(`UPDATE "AuditEntry" SET seq = 1003 WHERE seq = 3; UPDATE "AuditEntry" SET seq = 3 WHERE seq = 4; UPDATE "AuditEntry" SET seq = 4 WHERE seq = 1003;`),
    seq: 3,
    why: /entry 3 does not link to entry 2/,
  },
  { kind: "a truncated tail (head row rewound)", tamper: (db) => truncateTo(db, 3), seq: 4, why: /covers 5 entries but the log has 3/ },
  {
    kind: "a truncated tail with its checkpoints removed, against the exported file",
    tamper: async (db) => {
      await truncateTo(db, 3);
      await db.sql.exec(`DELETE FROM "AuditCheckpoint" WHERE seq > 3`);
    },
    file: 5,
    seq: 4,
    why: /the checkpoint file \(seq 5, .*\) covers 5 entries but the log has 3/,
  },
  { kind: "a rewritten tail", tamper: (db) => rewriteTail(db, 4), seq: 4, why: /entries 4–5 do not match checkpoint #2 .*rewritten after it was signed/ },
  {
    kind: "a rewritten tail with its checkpoints removed, against the exported file",
    tamper: async (db) => {
      await rewriteTail(db, 4);
      await db.sql.exec(`DELETE FROM "AuditCheckpoint" WHERE seq > 3`);
    },
    file: 5,
    seq: 4,
    why: /entries 4–5 do not match the checkpoint file/,
  },
  {
    kind: "a forged checkpoint",
    tamper: (db) => db.sql.exec(`UPDATE "AuditCheckpoint" SET "treeRoot" = repeat('a', 64) WHERE seq = 5`),
    seq: 4,
    why: /checkpoint #2: checkpoint at seq 5 has a bad signature/,
  },
];

let keyDir: string;
let env: Record<string, string>;
beforeAll(() => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-tamper-"));
  fs.writeFileSync(path.join(keyDir, "key.pem"), generateEd25519Key().privateKeyPem, { mode: 0o600 });
  env = { CELLGATE_PLATFORM_KEY: `file:${path.join(keyDir, "key.pem")}` };
  process.env.CELLGATE_PLATFORM_KEY = env.CELLGATE_PLATFORM_KEY;
  resetEnvCache();
  resetPlatformKeyCache();
});
afterAll(() => {
  delete process.env.CELLGATE_PLATFORM_KEY;
  resetEnvCache();
  resetPlatformKeyCache();
  fs.rmSync(keyDir, { recursive: true, force: true });
});

/** Entries 1–5, checkpoints at 3 and 5 (stored and exported to files); a platform admin's API token. */
async function prepared(backend: Backend): Promise<{ store: ConsoleStore; files: Record<3 | 5, string>; token: string }> {
  const store = await openConsoleStore(backend);
  const files = { 3: path.join(store.dir, "cp-3.json"), 5: path.join(store.dir, "cp-5.json") };
  const token = await store.use(async (db) => {
    const { token } = await fixtureAdmin(db);
    await appendEntries(db, 3);
    fs.writeFileSync(files[3], JSON.stringify(publicCheckpoint(await takeCheckpoint(db))));
    await appendEntries(db, 2);
    fs.writeFileSync(files[5], JSON.stringify(publicCheckpoint(await takeCheckpoint(db))));
    return token;
  });
  return { store, files, token };
}

describe.each(BACKENDS)("cellgate audit verify finds tampering (real CLI, %s)", (backend) => {
  it("takes, exports and checks checkpoints through the console", async () => {
    const { store, token } = await prepared(backend);
    const file = path.join(store.dir, "exported.json");
    try {
      await store.use((db) => appendEntries(db, 1));
      const served = await store.serve(env);
      const e = { CELLGATE_URL: served.url, CELLGATE_TOKEN: token };
      try {
        expect(await runCli(["audit", "checkpoint"], e)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Plan: sign a checkpoint of the log at seq 6; the latest checkpoint is at seq 5 .*\nDry run: nothing was changed/) });
        expect(await runCli(["audit", "checkpoint", "--apply"], e)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Checkpoint taken: seq 6, head [0-9a-f]{64}, tree root [0-9a-f]{64}, /) });
        expect(await runCli(["audit", "export-checkpoint", "--out", file], e)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Wrote checkpoint seq 6 /) });
        const exported = JSON.parse(fs.readFileSync(file, "utf8")) as SignedCheckpoint;
        expect(verifyCheckpoint(exported, createPublicKey((await getPlatformKey()).privateKey))).toEqual({ ok: true });
        expect(JSON.parse((await runCli(["audit", "export-checkpoint"], e)).stdout)).toEqual(exported);

        // The checkpoint's receipt is entry 7, after the checkpoint it took.
        const result = await runCli(["audit", "verify", "--checkpoint", file], e);
        expect(result.stdout).toBe(`audit chain OK: 7 entries\nsigned checkpoints OK: 3 (latest #3 at seq 6, ${exported.time})\ncheckpoint file OK: the log still matches seq 6 signed ${exported.time}\n`);
        expect(result.code).toBe(0);
        fs.writeFileSync(file, "not json");
        expect(await runCli(["audit", "verify", "--checkpoint", file], e)).toMatchObject({ code: 1, stderr: expect.stringMatching(/exported\.json is not JSON/) });
      } finally {
        await served.stop();
      }
    } finally {
      await store.close();
    }
  });

  it("says so when there is no checkpoint to export", async () => {
    const store = await openConsoleStore(backend);
    try {
      const { token } = await store.use((db) => fixtureAdmin(db));
      const result = await throughConsole(store, token, ["audit", "export-checkpoint"]);
      expect(result).toMatchObject({ code: 1, stdout: "", stderr: expect.stringMatching(/No signed checkpoint yet: take one with `cellgate audit checkpoint --apply`/) });
    } finally {
      await store.close();
    }
  });

  it.each(SCENARIOS)("names entry $seq after $kind", async ({ tamper, file, seq, why }) => {
    const { store, files, token } = await prepared(backend);
    try {
      await store.use(async (db) => {
        await db.sql.exec(UNLOCK);
        await tamper(db);
        await db.sql.exec(LOCK);
      });
      const result = await verifyCli(store, token, file ? ["--checkpoint", files[file]] : []);
      expect(result.stdout).toMatch(new RegExp(`^audit chain BROKEN at entry ${seq}: `));
      expect(result.stdout).toMatch(why);
      expect(result.code).toBe(1);
      if (file) {
        // Without the file kept outside, the database alone now looks consistent: that is what the export is for.
        expect(await verifyCli(store, token, [])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^audit chain OK: [35] entries\n/) });
      }
    } finally {
      await store.close();
    }
  });
});
