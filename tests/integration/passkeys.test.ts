/**
 * Passkey-signed votes (issue 17 §1) on both databases, with generated
 * assertions (lib/domain/passkeys/software.ts, verified by the server with
 * @simplewebauthn/server exactly as a browser's would be): registering is
 * audited; votes on L2+ jobs need a passkey; the signed statement is stored
 * with the vote and verifies offline; every bad input (no passkey, another
 * job's or vote's assertion, a replay, an unknown or removed credential,
 * another origin, no user verification, a forged statement) is refused with
 * a clear message and records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db";
import { verifyDecisionEvidence, type DecisionEvidence } from "@/lib/domain/passkeys";
import { SoftwareAuthenticator } from "@/lib/domain/passkeys/software";
import { generateEd25519Key } from "@/lib/domain/http-signatures";
import { resetEnvCache } from "@/lib/env";
import { voteOnJobAction } from "@/lib/server/approvals/vote";
import { engageChallengeAction, engageKillSwitchAction, releaseChallengeAction, releaseKillSwitchAction } from "@/lib/server/killswitches/actions";
import type { SwitchStatement } from "@/lib/domain/passkeys";
import { readTar, verifyPacket } from "@/lib/domain/packet";
import { exportPacket } from "@/lib/server/packets";
import { passkeyRegistrationOptionsAction, registerPasskeyAction, removePasskeyAction, voteChallengeAction } from "@/lib/server/passkeys/actions";
import { registerSoftwarePasskey, signedVoteProof } from "@/lib/server/passkeys/software";
import { resetPlatformKeyCache } from "@/lib/server/platform-key";
import type { SessionActor } from "@/lib/server/session";
import { BACKENDS, createTestDatabase, type TestDatabase } from "../support/databases";
import { createProfile, createTenant } from "../support/factories";
import { createActor, createJob } from "../support/job-factory";

const ORIGIN = "http://localhost:3999";
const RP = { id: "localhost", origin: ORIGIN };
const NOTE = "Checked the diff with the owner.";
const saved: Record<string, string | undefined> = {};
const ENV = { CELLGATE_PASSKEY_MIN_TIER: "L2", NEXTAUTH_URL: ORIGIN, CELLGATE_PLATFORM_KEY: "env:CG_PASSKEY_TEST_PEM", CG_PASSKEY_TEST_PEM: generateEd25519Key().privateKeyPem };

describe.each(BACKENDS)("passkey-signed votes on %s", (backend) => {
  let db: TestDatabase;
  let prisma: Db;
  let tenant: { id: string; slug: string };
  let l3: { id: string; slug: string };
  let l1: { id: string; slug: string };
  let approver: SessionActor;
  let second: SessionActor;
  let device: SoftwareAuthenticator;

  const ctx = (actor: SessionActor) => ({ actor, database: db });
  const job = (profile = l3) => createJob(prisma, { tenant, profile });
  const vote = (actor: SessionActor, j: { id: string; jobHash: string }, extra: Record<string, unknown> = {}, choice: "approve" | "deny" = "approve") =>
    voteOnJobAction.execute(ctx(actor), { jobId: j.id, vote: choice, note: NOTE, seenHash: j.jobHash, ...extra });
  const votes = () => prisma.jobVote.count();

  beforeAll(async () => {
    for (const [k, v] of Object.entries(ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    resetEnvCache();
    resetPlatformKeyCache();
    db = await createTestDatabase(backend);
    prisma = db.prisma;
    tenant = await createTenant(prisma, "pk");
    l3 = await createProfile(prisma, tenant.id, { tier: "L3" });
    l1 = await createProfile(prisma, tenant.id, { tier: "L1" });
    approver = await createActor(prisma, tenant.id, "approver");
    second = await createActor(prisma, tenant.id, "approver");
  });
  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
    resetPlatformKeyCache();
    await db?.close();
  });

  it("without a passkey, a vote on an L3 job is refused and says how to add one; an L1 job needs none", async () => {
    const before = await votes();
    const refused = await vote(approver, await job());
    expect(refused).toMatchObject({ ok: false, error: { code: "forbidden", message: "Votes on L3 jobs are signed with your passkey. You have no passkey yet. Add one under Security (/security), then vote again." } });
    expect(await votes()).toBe(before);
    const challenge = await voteChallengeAction.execute(ctx(approver), { jobId: (await job()).id, vote: "approve" });
    expect(challenge).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^You have no passkey yet\. Add one under Security/) } });
    expect(await vote(approver, await job(l1))).toMatchObject({ ok: true, data: { passkey: null } });
  });

  it("registering a passkey is audited, and refused for a ceremony the console did not start for this user", async () => {
    device = await registerSoftwarePasskey(ctx(approver), "test phone", RP);
    const row = await prisma.passkeyCredential.findUniqueOrThrow({ where: { id: device.credential.id } });
    expect(row).toMatchObject({ userId: approver.userId, name: "test phone", removedAt: null });
    const receipt = await prisma.receipt.findFirstOrThrow({ where: { action: "passkey.register", actorId: approver.userId } });
    expect(receipt.summary).toMatchObject({ passkey: "test phone", credentialId: device.credential.id });

    // Someone else's ceremony, a forged seal, and an answer for another challenge.
    const started = await passkeyRegistrationOptionsAction.execute(ctx(second), {});
    if (!started.ok) throw new Error(started.error.message);
    const other = new SoftwareAuthenticator(RP);
    const bad = [
      { ctx: ctx(approver), input: { name: "x", ceremony: started.data.ceremony, seal: started.data.seal, response: other.register(started.data.options.challenge) }, why: /not started by the console for you/ },
      { ctx: ctx(second), input: { name: "x", ceremony: { ...started.data.ceremony, challenge: "AAAA" }, seal: started.data.seal, response: other.register("AAAA") }, why: /not started by the console for you/ },
      { ctx: ctx(second), input: { name: "x", ceremony: started.data.ceremony, seal: started.data.seal, response: other.register("b3RoZXI") }, why: /could not be registered: Unexpected registration response challenge/ },
      { ctx: ctx(second), input: { name: "", ceremony: started.data.ceremony, seal: started.data.seal, response: other.register(started.data.options.challenge) }, why: /Name the passkey/ },
    ];
    for (const b of bad) {
      const result = await registerPasskeyAction.execute(b.ctx, b.input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.message).toMatch(b.why);
    }
    expect(await prisma.passkeyCredential.count({ where: { id: other.credential.id } })).toBe(0);
  });

  it("a vote signed with the passkey is recorded with its evidence, which verifies offline", async () => {
    const j = await job();
    const passkey = await signedVoteProof(ctx(approver), device, j.id, "approve");
    expect(passkey.statement).toMatchObject({ format: "cellgate.decision.v1", action: "job.approve", jobHash: j.jobHash, jobId: j.id, actor: approver.userId });
    const done = await vote(approver, j, { passkey: JSON.stringify(passkey) }); // as the form sends it
    expect(done).toMatchObject({ ok: true, data: { passkey: device.credential.id } });
    const row = await prisma.jobVote.findFirstOrThrow({ where: { jobId: j.id, userId: approver.userId } });
    const evidence = row.passkey as unknown as DecisionEvidence;
    expect(evidence).toMatchObject({ statement: passkey.statement, rp: RP, credential: { id: device.credential.id, publicKey: device.credential.publicKey } });
    expect(row.passkeyNonce).toBe(passkey.statement.nonce);
    expect(verifyDecisionEvidence(evidence)).toEqual({ ok: true });
    // Offline, a changed vote or a job hash no longer matches what was signed.
    expect(verifyDecisionEvidence({ ...evidence, statement: { ...evidence.statement, action: "job.deny" } })).toMatchObject({ ok: false, reason: expect.stringMatching(/challenge is not the hash of the recorded decision/) });
    expect(verifyDecisionEvidence({ ...evidence, statement: { ...evidence.statement, jobHash: `sha256:${"0".repeat(64)}` } }).ok).toBe(false);
    expect(verifyDecisionEvidence({ ...evidence, rp: { ...RP, origin: "https://evil.example" } })).toMatchObject({ ok: false, reason: expect.stringMatching(/made on http:\/\/localhost:3999, not on the console/) });
    const receipt = await prisma.receipt.findUniqueOrThrow({ where: { id: done.ok ? done.data.receiptId : "" } });
    expect(receipt.summary).toMatchObject({ signedWithPasskey: device.credential.id });
  });

  it("an evidence packet carries the signed vote; packet verify checks it offline", async () => {
    const auditor = await createActor(prisma, tenant.id, "auditor");
    const packet = await exportPacket(db, auditor, { tenant: tenant.slug, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) });
    const result = verifyPacket(packet.bytes);
    expect(result.failures).toEqual([]);
    expect(result.summary!.signedVotes).toBeGreaterThanOrEqual(1);
    const approvals = readTar(packet.bytes).find((m) => m.name === "approvals.jsonl")!;
    const signed = Buffer.from(approvals.data).toString("utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { votes: Array<{ passkey?: DecisionEvidence }> })
      .flatMap((j) => j.votes).filter((v) => v.passkey);
    expect(signed.length).toBe(result.summary!.signedVotes);
    expect(signed[0]!.passkey).toMatchObject({ rp: RP, credential: { id: device.credential.id } });
  });

  it("refuses every bad assertion with a clear message and records nothing", async () => {
    const target = await job();
    const elsewhere = await job();
    const forOther = await signedVoteProof(ctx(approver), device, elsewhere.id, "approve");
    const denyProof = await signedVoteProof(ctx(approver), device, target.id, "deny");
    const fresh = await signedVoteProof(ctx(approver), device, target.id, "approve");
    const stranger = new SoftwareAuthenticator(RP);
    const cases: Array<{ what: string; passkey: unknown; actor?: SessionActor; message: RegExp }> = [
      { what: "another job's assertion (replayed onto this one)", passkey: forOther, message: /^The passkey assertion is for another job \(or another version of this one\); nothing was recorded/ },
      { what: "a deny assertion used to approve", passkey: denyProof, message: /signs "job\.deny", not "job\.approve"/ },
      { what: "a statement with a widened window", passkey: { ...fresh, statement: { ...fresh.statement, notAfter: "2099-01-01T00:00:00.000Z" } }, message: /not issued by this console/ },
      { what: "another user's statement", passkey: fresh, actor: second, message: /issued to someone else/ },
      { what: "an unknown credential", passkey: { ...fresh, response: stranger.assert(challengeOf(fresh)) }, message: /not registered to you/ },
      { what: "an assertion made on another origin", passkey: { ...fresh, response: device.assert(challengeOf(fresh), { origin: "https://evil.example" }) }, message: /assertion was refused: .*origin/i },
      { what: "an assertion without user verification", passkey: { ...fresh, response: device.assert(challengeOf(fresh), { uv: false }) }, message: /assertion was refused: .*user verif/i },
      { what: "an assertion over another challenge", passkey: { ...fresh, response: device.assert(challengeOf(forOther)) }, message: /assertion was refused: .*challenge/i },
      { what: "a malformed proof", passkey: "{not json", message: /The passkey answer is malformed/ },
    ];
    const before = await votes();
    for (const c of cases) {
      const result = await vote(c.actor ?? approver, target, { passkey: c.passkey });
      expect(result.ok, c.what).toBe(false);
      if (!result.ok) expect(result.error.message, c.what).toMatch(c.message);
    }
    expect(await votes()).toBe(before);
    // The right proof still works after all that; the same proof again is refused (already voted).
    expect(await vote(approver, target, { passkey: fresh })).toMatchObject({ ok: true });
    const again = await vote(approver, target, { passkey: fresh });
    expect(again).toMatchObject({ ok: false });
  });

  it("a tenant-wide kill switch is engaged and released with a passkey; a profile switch needs none; replays and other switches are refused", async () => {
    const admin = await createActor(prisma, tenant.id, "tenant_admin");
    const key = await registerSoftwarePasskey(ctx(admin), "admin laptop", RP);
    const target = { scope: "tenant", tenant: tenant.slug, reason: "Stop everything: leaked token" };
    const switches = () => prisma.killSwitch.count({ where: { tenantId: tenant.id } });
    const before = await switches();
    expect(await engageKillSwitchAction.execute(ctx(admin), target)).toMatchObject({
      ok: false,
      error: { code: "forbidden", message: "A tenant-wide kill switch is engaged and released with your passkey. Confirm with your passkey." },
    });
    const asked = await engageChallengeAction.execute(ctx(admin), target);
    if (!asked.ok) throw new Error(asked.error.message);
    expect(asked.data.statement).toMatchObject({ action: "killswitch.engage", switch: { scope: "tenant", tenantId: tenant.id, profileId: null, capability: null, reason: target.reason, autoReleaseMinutes: null } });
    const proof = { statement: asked.data.statement, seal: asked.data.seal, response: key.assert(asked.data.options.challenge) };
    // The same proof for another reason is another switch.
    expect(await engageKillSwitchAction.execute(ctx(admin), { ...target, reason: "something else", passkey: proof })).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^The passkey assertion is for another kill switch/) },
    });
    expect(await switches()).toBe(before);
    const engaged = await engageKillSwitchAction.execute(ctx(admin), { ...target, passkey: JSON.stringify(proof) });
    if (!engaged.ok) throw new Error(engaged.error.message);
    const row = await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } });
    expect(row.engagePasskeyNonce).toBe(asked.data.statement.nonce);
    expect(verifyDecisionEvidence(row.engagePasskey as unknown as DecisionEvidence<SwitchStatement>)).toEqual({ ok: true });

    // Releasing it is signed too, over the switch id and the reason.
    const reason = "Token rotated";
    expect(await releaseKillSwitchAction.execute(ctx(admin), { id: engaged.data.id, reason })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    const release = await releaseChallengeAction.execute(ctx(admin), { id: engaged.data.id, reason });
    if (!release.ok) throw new Error(release.error.message);
    const released = await releaseKillSwitchAction.execute(ctx(admin), { id: engaged.data.id, reason, passkey: { statement: release.data.statement, seal: release.data.seal, response: key.assert(release.data.options.challenge) } });
    expect(released).toMatchObject({ ok: true });
    expect((await prisma.killSwitch.findUniqueOrThrow({ where: { id: engaged.data.id } })).releasePasskeyNonce).toBe(release.data.statement.nonce);

    // Replaying the engage proof once the switch is released: used once already.
    expect(await engageKillSwitchAction.execute(ctx(admin), { ...target, passkey: { ...proof, response: key.assert(asked.data.options.challenge) } })).toMatchObject({
      ok: false,
      error: { message: "This passkey assertion was already used; nothing was recorded." },
    });
    // The packet carries both signatures; packet verify checks them offline.
    const auditor = await createActor(prisma, tenant.id, "auditor");
    const packet = await exportPacket(db, auditor, { tenant: tenant.slug, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) });
    const verified = verifyPacket(packet.bytes);
    expect(verified.failures).toEqual([]);
    expect(verified.summary!.signedSwitches).toBe(2);
    // A profile switch needs no passkey.
    const profileSwitch = await engageKillSwitchAction.execute(ctx(admin), { scope: "profile", tenant: tenant.slug, profile: l1.slug, reason: "Pause the L1 bot" });
    expect(profileSwitch).toMatchObject({ ok: true });
  });

  it("a removed passkey is audited and signs nothing more; another user's passkey cannot be removed", async () => {
    expect(await removePasskeyAction.execute(ctx(second), { credentialId: device.credential.id })).toMatchObject({ ok: false, error: { code: "not_found" } });
    const j = await job();
    const proof = await signedVoteProof(ctx(approver), device, j.id, "approve");
    expect(await removePasskeyAction.execute(ctx(approver), { credentialId: device.credential.id })).toMatchObject({ ok: true });
    expect(await prisma.receipt.count({ where: { action: "passkey.remove", actorId: approver.userId } })).toBe(1);
    expect(await vote(approver, j, { passkey: proof })).toMatchObject({ ok: false, error: { message: "That passkey was removed; use another or add one under Security." } });
    expect(await vote(approver, j)).toMatchObject({ ok: false, error: { message: expect.stringContaining("You have no passkey yet") } });
  });
});

function challengeOf(proof: { response: { response: { clientDataJSON: string } } }): string {
  return (JSON.parse(Buffer.from(proof.response.response.clientDataJSON, "base64url").toString()) as { challenge: string }).challenge;
}
