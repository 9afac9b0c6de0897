/**
 * exportPacket on both databases: what a tenant or profile packet holds (and
 * never holds: another tenant's anything), who may export (auditor of the
 * tenant, platform admin; everyone else gets the missing-tenant answer), the
 * receipt it writes, and that the file verifies with verifyPacket and with
 * the real `cellgate packet verify` CLI.
 */
import { execFile } from "node:child_process";
import { createHash, generateKeyPairSync, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/domain/hash";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { readTar, verifyPacket } from "@/lib/domain/packet";
import { resetEnvCache } from "@/lib/env";
import { appendAudit, type AuditInput } from "@/lib/server/audit";
import { takeCheckpoint, type StoredCheckpoint } from "@/lib/server/checkpoints";
import { AppError } from "@/lib/server/errors";
import { parseExportPacket } from "@/lib/schemas/packets";
import { rollbackAction } from "@/lib/server/canary/actions";
import { earlierCheckpoints, exportPacket, MAX_EARLIER_CHECKPOINTS, PacketExportError, packetFileName } from "@/lib/server/packets";
import { resetPlatformKeyCache } from "@/lib/server/platform-key";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, randomSlug, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";
import { sealedAt } from "../support/audit";
import { runCli } from "../support/cli";
import { checkpointBody, COSIGNATURE_V1, cosignNote, formatNote, verifierKey } from "@/lib/domain/checkpoint/note";
import { logOrigin, recordCosignature } from "@/lib/server/checkpoints/witness";

const ROOT = path.resolve(__dirname, "../..");
const run = promisify(execFile);
const PEM_VAR = "CG_PACKET_EXPORT_TEST_PEM";
const platform = generateEd25519Key();

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");
const member = (bytes: Uint8Array, name: string) => text(readTar(bytes).find((m) => m.name === name)!.data);
const jsonLines = (bytes: Uint8Array, name: string) => member(bytes, name).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

async function policy(db: TestDatabase, level: "platform" | "tenant" | "profile", scopeKey: string, tenantId: string | null, profileId: string | null) {
  const source = `apiVersion: cellgate/v1\nkind: Policy\n# ${randomSlug("p")}\nrules: []\n`;
  return db.prisma.policyVersion.create({
    data: { level, scopeKey, tenantId, profileId, version: 1, hash: `sha256:${sha256Hex(source)}`, source, authorType: "cli", authorId: "test", receiptId: `rcpt_${randomUUID()}` },
  });
}

async function killSwitch(db: TestDatabase, scope: "global" | "tenant" | "profile", tenantId: string | null, profileId: string | null) {
  return db.prisma.killSwitch.create({
    data: { id: `ks_${randomUUID()}`, scope, tenantId, profileId, reason: `drill ${randomSlug("r")}`, engagedBy: "test", engageReceiptId: `rcpt_${randomUUID()}` },
  });
}

describe.each(BACKENDS)("evidence packet export on %s", (backend) => {
  let db: TestDatabase;
  let acme: { id: string; slug: string };
  let globex: { id: string; slug: string };
  let triage: { id: string; slug: string };
  let other: { id: string; slug: string };
  let runner: { id: string; slug: string };
  let auditor: SessionActor;
  let foreignAuditor: SessionActor;
  let viewer: SessionActor;
  let tenantAdmin: SessionActor;
  let platformAdmin: SessionActor;
  const from = new Date(Date.now() - 3_600_000);
  const to = new Date(Date.now() + 3_600_000);
  const secrets: string[] = []; // strings that belong to globex and must never appear in an acme packet
  let dir = "";

  const append = (input: Partial<AuditInput> & Pick<AuditInput, "action">) =>
    db.prisma.$transaction((tx) => appendAudit(tx, { actor: { type: "host", id: "test-host" }, resource: `thing:${randomSlug("r")}`, data: {}, ...input }));

  beforeAll(async () => {
    db = await createTestDatabase(backend);
    process.env[PEM_VAR] = platform.privateKeyPem;
    process.env.CELLGATE_PLATFORM_KEY = `env:${PEM_VAR}`;
    resetEnvCache();
    resetPlatformKeyCache();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cg-packet-export-"));
    const prisma = db.prisma;
    acme = await createTenant(prisma, "acme");
    globex = await createTenant(prisma, "globex");
    triage = await createProfile(prisma, acme.id);
    other = await createProfile(prisma, acme.id);
    runner = await createProfile(prisma, globex.id);
    auditor = await createActor(prisma, acme.id, "auditor");
    foreignAuditor = await createActor(prisma, globex.id, "auditor");
    viewer = await createActor(prisma, acme.id, "viewer");
    tenantAdmin = await createActor(prisma, acme.id, "tenant_admin");
    platformAdmin = await createActor(prisma, null, "platform_admin");

    await append({ action: "auth.sign_in.succeeded", tenantId: null, data: { note: "platform-only" } });
    await append({ action: "job.submit", tenantId: acme.id, profileId: triage.id, decision: "ALLOW", data: { n: 1 } });
    const globexMarker = randomSlug("globex-secret");
    secrets.push(globex.id, globex.slug, runner.id, runner.slug, globexMarker);
    await append({ action: "job.submit", tenantId: globex.id, profileId: runner.id, data: { marker: globexMarker } });
    await takeCheckpoint(db); // an earlier checkpoint inside the range
    await append({ action: "job.vote", tenantId: acme.id, profileId: other.id, decision: "approve" });
    await append({ action: "policy.apply", tenantId: acme.id, data: { tenantWide: true } });

    const acmeJob = await createJob(prisma, { tenant: acme, profile: triage, status: "APPROVED" });
    await prisma.jobVote.create({ data: { jobId: acmeJob.id, userId: auditor.userId, vote: "approve", note: "ok", seenHash: acmeJob.jobHash, receiptId: `rcpt_${randomUUID()}` } });
    const globexJob = await createJob(prisma, { tenant: globex, profile: runner, status: "PENDING_APPROVAL" });
    secrets.push(globexJob.id, globexJob.decisionId);
    await killSwitch(db, "global", null, null);
    await killSwitch(db, "tenant", acme.id, null);
    await killSwitch(db, "profile", acme.id, other.id);
    secrets.push((await killSwitch(db, "tenant", globex.id, null)).id);
    await policy(db, "platform", "platform", null, null);
    await policy(db, "tenant", `tenant:${acme.id}`, acme.id, null);
    secrets.push((await policy(db, "tenant", `tenant:${globex.id}`, globex.id, null)).hash);
    // A rollback in each tenant, through the real action: acme's is in acme's packets, globex's never is.
    const rolled = await rollbackAction.execute({ actor: tenantAdmin, prisma }, { profileSlug: triage.slug, reason: "error rate doubled" });
    expect(rolled.ok).toBe(true);
    const globexAdmin = await createActor(prisma, globex.id, "tenant_admin");
    const globexReason = randomSlug("globex-rollback");
    secrets.push(globexReason);
    expect((await rollbackAction.execute({ actor: globexAdmin, prisma }, { profileSlug: runner.slug, reason: globexReason })).ok).toBe(true);
  });

  afterAll(async () => {
    delete process.env.CELLGATE_PLATFORM_KEY;
    delete process.env[PEM_VAR];
    resetEnvCache();
    resetPlatformKeyCache();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await db?.close();
  });

  it("exports a tenant packet that verifies, pinned to the platform key, with only that tenant's data", async () => {
    const packet = await exportPacket(db, auditor, { tenant: acme.slug, from, to });
    const result = verifyPacket(packet.bytes, { pinnedPublicKey: platform.publicKeyBase64 });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);

    const acmeSeqs = (await db.prisma.auditEntry.findMany({ where: { tenantId: acme.id, seq: { lte: packet.checkpoint.seq } }, orderBy: { seq: "asc" } })).map((e) => e.seq);
    // acme's entries appended above, its job's submit receipt (tests/support/job-factory.ts writes one like the jobs API), the rollback.
    expect(acmeSeqs).toHaveLength(5);
    expect(jsonLines(packet.bytes, "entries.jsonl").map((e) => e.seq)).toEqual(acmeSeqs);
    expect(result.summary).toMatchObject({
      scope: { tenant: { id: acme.id, slug: acme.slug }, profile: null, from: from.toISOString(), to: to.toISOString() },
      pinned: true,
      entries: { count: 5 },
      earlierCheckpoints: 1,
      records: { decisions: 1, approvals: 1, killSwitches: 3, stageChanges: 1 },
      policies: 2,
    });
    expect(jsonLines(packet.bytes, "approvals.jsonl")[0]).toMatchObject({ tenantId: acme.id, votes: [{ userId: auditor.userId, vote: "approve" }] });
    // The stage history: the rollback, citing the receipt whose entry is in the packet.
    const [change] = jsonLines(packet.bytes, "stage-changes.jsonl");
    expect(change).toMatchObject({ profileId: triage.id, kind: "rollback", toStage: "rolled_back", actorId: tenantAdmin.userId, reason: "error rate doubled" });
    const entry = jsonLines(packet.bytes, "entries.jsonl").find((e) => (e.data as { receipt?: string }).receipt === change!.receiptId);
    expect(entry).toMatchObject({ action: "canary.rollback", profileId: triage.id });
    const registry = JSON.parse(member(packet.bytes, "registry.json")) as { profiles: Array<{ slug: string }> };
    expect(registry.profiles.map((p) => p.slug).sort()).toEqual([triage.slug, other.slug].sort());

    const whole = text(packet.bytes);
    for (const secret of secrets) expect(whole, secret).not.toContain(secret);
    expect(whole).not.toContain("platform-only");
    expect(packet.fileName).toMatch(new RegExp(`^cellgate-evidence-${acme.slug}-\\d{8}T\\d{4}Z-\\d{8}T\\d{4}Z\\.tar$`));
  });

  it("writes one packet.export receipt whose audit entry names the packet's SHA-256", async () => {
    const before = await db.prisma.receipt.count({ where: { action: "packet.export" } });
    const packet = await exportPacket(db, auditor, { tenant: acme.slug, from, to });
    expect(await db.prisma.receipt.count({ where: { action: "packet.export" } })).toBe(before + 1);
    const sha256 = createHash("sha256").update(packet.bytes).digest("hex");
    expect(packet.sha256).toBe(sha256);
    const receipt = await db.prisma.receipt.findUniqueOrThrow({ where: { id: packet.receipt.id } });
    expect(receipt).toMatchObject({ action: "packet.export", actorId: auditor.userId, scopeType: "tenant", scopeId: acme.id, tenantId: acme.id });
    expect(receipt.summary).toMatchObject({ scope: `tenant ${acme.slug}`, entries: packet.entries, sha256, checkpointSeq: packet.checkpoint.seq });
    expect(receipt.auditSeq).toBeGreaterThan(packet.checkpoint.seq);
    const entry = await db.prisma.auditEntry.findUniqueOrThrow({ where: { seq: sealedAt(receipt.auditSeq) } });
    expect(entry).toMatchObject({ action: "packet.export", tenantId: acme.id, actorType: "user", actorId: auditor.userId });
  });

  it("scopes a profile packet to the profile (tenant-wide records stay, the sibling profile's go)", async () => {
    const packet = await exportPacket(db, auditor, { tenant: acme.slug, profile: other.slug, from, to });
    const result = verifyPacket(packet.bytes);
    expect(result.failures).toEqual([]);
    expect(result.summary?.scope.profile).toEqual({ id: other.id, slug: other.slug });
    expect(jsonLines(packet.bytes, "entries.jsonl").map((e) => e.action)).toEqual(["job.vote"]);
    const switches = jsonLines(packet.bytes, "kill-switches.jsonl");
    expect(switches.map((s) => s.scope).sort()).toEqual(["global", "profile", "tenant"]);
    expect(jsonLines(packet.bytes, "approvals.jsonl")).toEqual([]); // the approved job is triage's
    expect(jsonLines(packet.bytes, "stage-changes.jsonl")).toEqual([]); // so is the rollback
    expect(text(packet.bytes)).not.toContain(triage.id);
    expect(packet.fileName).toContain(`-${acme.slug}-${other.slug}-`);
  });

  it("keeps to the time range: entries before `from` are left out", async () => {
    const entries = await db.prisma.auditEntry.findMany({ where: { tenantId: acme.id }, orderBy: { seq: "asc" } });
    const start = entries[1]!.time;
    const packet = await exportPacket(db, auditor, { tenant: acme.slug, from: start, to });
    const expected = entries.filter((e) => e.time >= start && e.seq <= packet.checkpoint.seq).map((e) => e.seq);
    expect(jsonLines(packet.bytes, "entries.jsonl").map((e) => e.seq)).toEqual(expected);
    expect(expected).not.toContain(entries[0]!.seq);
    expect(verifyPacket(packet.bytes).ok).toBe(true);
  });

  it("answers another tenant's auditor, a viewer and a tenant admin exactly like a missing tenant", async () => {
    const refusal = async (actor: SessionActor, tenant: string, profile?: string) => {
      const error = await exportPacket(db, actor, { tenant, ...(profile ? { profile } : {}), from, to }).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      return { code: (error as AppError).code, message: (error as AppError).message.replace(tenant, "<tenant>") };
    };
    const missing = await refusal(auditor, randomSlug("nope"));
    expect(missing.code).toBe("not_found");
    for (const actor of [foreignAuditor, viewer, tenantAdmin]) expect(await refusal(actor, acme.slug)).toEqual(missing);
    expect(await refusal(foreignAuditor, acme.slug, triage.slug)).toEqual(missing);
    // A profile of another tenant is not found inside the auditor's own tenant either.
    expect((await refusal(auditor, acme.slug, runner.slug)).code).toBe("not_found");
    expect(await db.prisma.receipt.count({ where: { action: "packet.export", actorId: { in: [foreignAuditor.userId, viewer.userId, tenantAdmin.userId] } } })).toBe(0);
  });

  it("lets a platform admin export any tenant, and the real `packet verify` CLI accepts the file", async () => {
    const packet = await exportPacket(db, platformAdmin, { tenant: globex.slug, from, to });
    const file = path.join(dir, packet.fileName);
    fs.writeFileSync(file, packet.bytes);
    const env: NodeJS.ProcessEnv = { ...process.env, CELLGATE_DATA_DIR: "/nonexistent/never-opened" };
    delete env.DATABASE_URL;
    const { stdout } = await run(process.execPath, [path.join(ROOT, "bin/cellgate.mjs"), "packet", "verify", file, "--public-key", platform.publicKeyBase64], { env, cwd: dir });
    expect(stdout).toMatch(/^evidence packet OK: /);
    expect(stdout).toContain(`tenant ${globex.slug} (${globex.id})`);
    expect(stdout).toContain("(the pinned key)");
    expect(stdout).toContain(`log size ${packet.checkpoint.seq}`);
    expect(text(packet.bytes)).not.toContain(acme.id);
  });

  it("carries each witness's latest cosigned checkpoint; verify --witness-key requires a cosigned tree holding every entry", async () => {
    const witness = generateKeyPairSync("ed25519");
    const vkey = verifierKey("witness.test/w1", COSIGNATURE_V1, witness.publicKey);
    const stranger = verifierKey("witness.test/w2", COSIGNATURE_V1, generateKeyPairSync("ed25519").publicKey);
    const cp = await takeCheckpoint(db);
    const body = checkpointBody({ origin: logOrigin(), size: cp.seq, rootHex: cp.treeRoot });
    const stored = await recordCosignature(db.sql, { note: formatNote(body, [cosignNote(body, "witness.test/w1", witness.privateKey, 1_765_000_000)]), vkey });
    expect(stored).toMatchObject({ created: true, checkpoint: { seq: cp.seq } });

    const packet = await exportPacket(db, auditor, { tenant: acme.slug, from, to });
    expect(packet.checkpoint.seq).toBeGreaterThanOrEqual(cp.seq);
    const witnessed = verifyPacket(packet.bytes, { witnessKeys: [vkey] });
    expect(witnessed.failures).toEqual([]);
    expect(witnessed.summary!.witnessed).toEqual([{ witness: "witness.test/w1", keyId: stored.keyId, treeSize: cp.seq, cosignedAt: "2025-12-06T05:46:40.000Z" }]);
    const file = path.join(dir, "witnessed.tar");
    fs.writeFileSync(file, packet.bytes);
    const ok = await runCli(["packet", "verify", file, "--witness-key", vkey]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`witnesses:    witness.test/w1 cosigned tree size ${cp.seq} at 2025-12-06T05:46:40.000Z (verified)`);
    const unknown = await runCli(["packet", "verify", file, "--witness-key", stranger]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/checkpoints\.json: no checkpoint in this packet is cosigned by witness witness\.test\/w2 \(key [0-9a-f]{8}\)/);

    // An acme entry the witness has not seen yet: the packet says which tree the witness vouched for.
    await append({ action: "job.submit", tenantId: acme.id, profileId: triage.id, decision: "ALLOW", data: { n: 2 } });
    const later = await exportPacket(db, auditor, { tenant: acme.slug, from, to });
    const lastSeq = jsonLines(later.bytes, "entries.jsonl").at(-1)!.seq as number;
    expect(lastSeq).toBeGreaterThan(cp.seq);
    expect(verifyPacket(later.bytes, { witnessKeys: [vkey] }).failures).toEqual([
      { member: "checkpoints.json", message: `witness witness.test/w1 cosigned this log up to tree size ${cp.seq}, but the packet's entries run to seq ${lastSeq}: export again once the witness has cosigned a later checkpoint` },
    ]);
    expect(verifyPacket(later.bytes).ok).toBe(true); // without --witness-key the console's own signature still verifies
  });

  it("refuses to export (and writes no receipt) when a stored entry no longer matches its hash", async () => {
    const victim = await db.prisma.auditEntry.findFirstOrThrow({ where: { tenantId: acme.id }, orderBy: { seq: "asc" } });
    await db.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER;
      UPDATE "AuditEntry" SET data = '{"n": 2}'::jsonb WHERE seq = ${victim.seq};
      ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
    const receipts = await db.prisma.receipt.count();
    const error = await exportPacket(db, auditor, { tenant: acme.slug, from, to }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(PacketExportError);
    expect(error).toMatchObject({ reason: "log", code: "conflict", message: expect.stringContaining(`Entry ${victim.seq} does not match`) });
    expect(await db.prisma.receipt.count()).toBe(receipts);

    // Another tenant's entry rewritten (hash and all): acme's packet would prove against a tree that is not the signed one.
    const foreign = await db.prisma.auditEntry.findFirstOrThrow({ where: { tenantId: globex.id }, orderBy: { seq: "asc" } });
    await db.sql.exec(`ALTER TABLE "AuditEntry" DISABLE TRIGGER USER;
      UPDATE "AuditEntry" SET hash = '${"ab".repeat(32)}' WHERE seq = ${foreign.seq};
      ALTER TABLE "AuditEntry" ENABLE TRIGGER USER;`);
    const rootError = await exportPacket(db, auditor, { tenant: acme.slug, from, to }).then(() => null, (e: unknown) => e);
    expect(rootError).toMatchObject({ reason: "log", message: expect.stringMatching(/Tree root at seq \d+ differs/) });
    expect(await db.prisma.receipt.count()).toBe(receipts);
  });
});

describe("export form parsing", () => {
  it("reads UTC dates and times, a date alone as `to` meaning through that day", () => {
    const parsed = parseExportPacket({ tenant: "acme", profile: " ", from: "2026-11-01", to: "2026-11-22" });
    expect(parsed).toEqual({ ok: true, request: { tenant: "acme", from: new Date("2026-11-01T00:00:00.000Z"), to: new Date("2026-11-23T00:00:00.000Z") } });
    const withTime = parseExportPacket({ tenant: "acme", profile: "acme-ticket-triage", from: "2026-11-22T09:30", to: "2026-11-22T10:00" });
    expect(withTime).toMatchObject({ ok: true, request: { profile: "acme-ticket-triage", to: new Date("2026-11-22T10:00:00.000Z") } });
  });

  it("names each bad field in words", () => {
    expect(parseExportPacket({})).toMatchObject({ ok: false, fieldErrors: { tenant: "Choose a tenant.", from: expect.stringMatching(/^Enter the start/), to: expect.stringMatching(/^Enter the end/) } });
    expect(parseExportPacket({ tenant: "Acme!", from: "yesterday", to: "2026-02-31" })).toMatchObject({
      ok: false,
      fieldErrors: { tenant: expect.stringMatching(/slug/), from: expect.stringMatching(/^From must be a UTC date/), to: expect.stringMatching(/^To must be/) },
    });
    expect(parseExportPacket({ tenant: "acme", from: "2026-11-22T10:00", to: "2026-11-22T09:00" })).toEqual({
      ok: false,
      message: "The time range is empty: To must be after From.",
      fieldErrors: { to: "The time range is empty: To must be after From." },
    });
  });

  it("keeps one earlier checkpoint per log size, never the anchor or a later or foreign-key one, at most MAX_EARLIER_CHECKPOINTS", () => {
    const cp = (id: number, seq: number, keyId = "platform-0000000000000000"): StoredCheckpoint =>
      ({ id, seq, keyId, format: "cellgate.checkpoint.v1", headHash: "", treeRoot: "", time: "", signature: "", frontier: { size: seq, hashes: [] } });
    const anchor = cp(9, 50);
    const picked = earlierCheckpoints([cp(1, 10), cp(2, 10), cp(3, 20, "platform-1111111111111111"), cp(4, 30), cp(5, 60), anchor], anchor);
    expect(picked.map((c) => c.id)).toEqual([1, 4]);
    const many = Array.from({ length: 500 }, (_, i) => cp(i + 1, i + 1));
    const thinned = earlierCheckpoints(many, cp(1000, 1000));
    expect(thinned).toHaveLength(MAX_EARLIER_CHECKPOINTS);
    expect([thinned[0]!.seq, thinned.at(-1)!.seq]).toEqual([1, 500]);
  });

  it("builds file names from slugs and minutes only", () => {
    const scope = { tenant: { id: "t", slug: "acme", name: "Acme" }, profile: { id: "p", slug: "acme-ticket-triage" }, from: new Date("2026-11-15T00:00:00Z"), to: new Date("2026-11-23T12:30:45Z") };
    expect(packetFileName(scope)).toBe("cellgate-evidence-acme-acme-ticket-triage-20261115T0000Z-20261123T1230Z.tar");
    expect(packetFileName({ ...scope, profile: null })).toBe("cellgate-evidence-acme-20261115T0000Z-20261123T1230Z.tar");
  });
});
