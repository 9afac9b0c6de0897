/**
 * /receipts/<id>'s one read (loadReceipt): who may read a receipt (its own
 * actor, and whoever reads its audit entry), the checkpoint that seals it
 * (the first whose size covers the entry) with an inclusion proof, and the
 * evidence the browser verifies — checked here with the same verifier.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDatabase, type Db } from "@/lib/db";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { verifyReceiptEvidence } from "@/lib/domain/receipt-verify";
import { resetEnvCache } from "@/lib/env";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { appendAudit } from "@/lib/server/audit";
import { takeCheckpoint } from "@/lib/server/checkpoints";
import { auditSequencer } from "@/lib/server/audit-sequencer";
import { getPlatformKey, resetPlatformKeyCache } from "@/lib/server/platform-key";
import { loadPendingReceipt, loadReceipt } from "@/lib/server/receipt-load";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { sealedAt } from "../support/audit";

let keyDir: string;
let savedKeyRef: string | undefined;
beforeAll(() => {
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-receipt-key-"));
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

describe.each(BACKENDS)("the receipt page's read on %s", (backend) => {
  let database: TestDatabase;
  let prisma: Db;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let approver: SessionActor;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    prisma = database.prisma;
    setDatabase(database);
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id);
    approver = await createActor(prisma, acme.id, "approver");
  });
  afterAll(async () => {
    setDatabase(undefined);
    await database?.close();
  });

  /** A vote by `approver` on a fresh pending acme job: its receipt id and audit seq. */
  async function vote(note: string) {
    const job = await createJob(prisma, { tenant: acme, profile: triage, ttlSec: 3600 });
    const result = await voteOnJobAction.execute({ actor: approver, prisma }, { jobId: job.id, vote: "approve", note, seenHash: job.jobHash });
    if (!result.ok) throw new Error(`vote failed: ${result.error.message}`);
    return { id: result.receipt!.id, seq: result.receipt!.auditSeq, job };
  }

  async function appendNoise(n: number) {
    for (let i = 0; i < n; i += 1) {
      await prisma.$transaction((tx) => appendAudit(tx, { actor: { type: "system", id: "test" }, action: "test.noise", resource: `thing:${i}`, data: { i } }));
    }
  }

  it("a receipt pending seal reads as pending (its leaf, no entry yet) for the same readers, then as sealed", async () => {
    process.env.CELLGATE_AUDIT_SEAL_WAIT_MS = "0";
    resetEnvCache();
    let pending: Awaited<ReturnType<typeof vote>>;
    try {
      pending = await vote(randomSlug("pending"));
    } finally {
      delete process.env.CELLGATE_AUDIT_SEAL_WAIT_MS;
      resetEnvCache();
    }
    expect(pending.seq).toBeNull();
    expect(await loadReceipt(approver, pending.id, { prisma })).toBeNull();
    const page = await loadPendingReceipt(approver, pending.id, { prisma });
    expect(page).toMatchObject({ id: pending.id, action: "job.vote", leafId: expect.stringMatching(/^leaf_/), leafHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const outsider = await createActor(prisma, globex.id, "auditor");
    expect(await loadPendingReceipt(outsider, pending.id, { prisma })).toBeNull();

    await auditSequencer(database.sql).sealPending();
    expect(await loadPendingReceipt(approver, pending.id, { prisma })).toBeNull();
    const sealed = await loadReceipt(approver, pending.id, { prisma });
    expect(sealed?.receipt.auditSeq).toEqual(expect.any(Number));
    expect(sealed?.entry).toMatchObject({ seq: sealed?.receipt.auditSeq });
  });

  it("shows its owner the receipt, its entry (with the vote's note) and 'not yet in a checkpoint'; the evidence verifies", async () => {
    const { id, seq, job } = await vote(`looks right ${randomSlug("n")}`);
    const page = await loadReceipt(approver, id, { prisma });
    expect(page).not.toBeNull();
    expect(page!.receipt).toMatchObject({ id, action: "job.vote", actor: `user:${approver.userId}`, actorEmail: approver.email, scope: `job:${job.id}`, auditSeq: seq, tenant: acme.slug });
    expect(page!.entry).toMatchObject({ seq, action: "job.vote", resource: `job:${job.id}`, profile: triage.slug });
    expect(page!.entry.data).toMatchObject({ receipt: id, vote: "approve", note: expect.stringMatching(/^looks right /) });
    // An approver does not read the audit log: the entry is shown here, without a link to /audit/<seq>.
    expect(page!.mayOpenEntry).toBe(false);
    // No checkpoint was taken in this database yet.
    expect(page!.seal).toBeNull();
    const result = await verifyReceiptEvidence(page!.evidence);
    expect(result).toMatchObject({ ok: true, sealed: false });
    expect(result.steps.find((s) => s.id === "inclusion")!.state).toBe("skipped");
  });

  it("is null for anyone else without audit.read over the entry, exactly like an unknown id", async () => {
    const { id } = await vote("another");
    const otherApprover = await createActor(prisma, acme.id, "approver");
    const viewer = await createActor(prisma, acme.id, "viewer");
    const foreignAuditor = await createActor(prisma, globex.id, "auditor");
    const foreignAdmin = await createActor(prisma, globex.id, "tenant_admin");
    for (const actor of [otherApprover, viewer, foreignAuditor, foreignAdmin]) {
      expect(await loadReceipt(actor, id, { prisma })).toBeNull();
    }
    expect(await loadReceipt(approver, "rcpt_doesnotexist000", { prisma })).toBeNull();
    expect(await loadReceipt(approver, "'; DROP TABLE x; --", { prisma })).toBeNull();
  });

  it("shows auditors and tenant admins of the entry's tenant, and platform admins, the receipt with a link to the entry", async () => {
    const { id } = await vote("audited");
    for (const actor of [
      await createActor(prisma, acme.id, "auditor"),
      await createActor(prisma, acme.id, "tenant_admin"),
      await createActor(prisma, null, "platform_admin"),
    ]) {
      const page = await loadReceipt(actor, id, { prisma });
      expect(page?.receipt.id).toBe(id);
      expect(page?.mayOpenEntry).toBe(true);
    }
  });

  it("is sealed by the first checkpoint whose size covers the entry, with a proof that verifies against its signed root", async () => {
    await appendNoise(2);
    const first = await vote("first");
    await appendNoise(3);
    const cpA = await takeCheckpoint(database);
    expect(cpA.seq).toBeGreaterThanOrEqual(sealedAt(first.seq));
    const second = await vote("second");
    await appendNoise(4);
    const cpB = await takeCheckpoint(database);
    const cpC = await takeCheckpoint(database); // same size, later: never the seal when B already covers
    expect(cpC.seq).toBe(cpB.seq);

    const a = await loadReceipt(approver, first.id, { prisma });
    expect(a!.seal).toMatchObject({ leafIndex: sealedAt(first.seq) - 1, treeSize: cpA.seq, checkpoint: { seq: cpA.seq, treeRoot: cpA.treeRoot, signature: cpA.signature } });
    const b = await loadReceipt(approver, second.id, { prisma });
    expect(b!.seal).toMatchObject({ treeSize: cpB.seq, checkpoint: { seq: cpB.seq, time: cpB.time, treeRoot: cpB.treeRoot } });

    const key = await getPlatformKey();
    for (const page of [a!, b!]) {
      expect(page.evidence.platformKey).toEqual({ keyId: key.keyId, publicKey: key.publicKeyBase64 });
      const result = await verifyReceiptEvidence(JSON.parse(JSON.stringify(page.evidence)));
      expect(result.steps.map((s) => [s.id, s.state])).toEqual([
        ["entry-hash", "pass"],
        ["receipt", "pass"],
        ["inclusion", "pass"],
        ["signature", "pass"],
      ]);
      expect(result).toMatchObject({ ok: true, sealed: true });
    }

    // An entry after the last checkpoint: not yet sealed.
    const third = await vote("third");
    expect((await loadReceipt(approver, third.id, { prisma }))!.seal).toBeNull();
  });
});
