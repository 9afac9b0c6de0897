import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../hash";
import { decisionChallenge, STATEMENT_FORMAT, type DecisionEvidence, type DecisionStatement, type SwitchStatement } from "../passkeys";
import { SoftwareAuthenticator } from "../passkeys/software";
import { buildPacket, verifyPacket } from "./index";
import { sampleLog, samplePacketInput } from "./sample";

const key = generateKeyPairSync("ed25519").privateKey;
const RP = { id: "console.example", origin: "https://console.example" };
const device = new SoftwareAuthenticator(RP);
const canonical = '{"payload":{"ticket":"T-1"},"topic":"job.write"}';
const jobHash = `sha256:${sha256Hex(canonical)}`;
const log = sampleLog(12, 2);
const input = samplePacketInput(log, key);
const tenantId = input.scope.tenant.id;

function evidence(over: Partial<DecisionStatement> = {}): DecisionEvidence {
  const statement: DecisionStatement = {
    format: STATEMENT_FORMAT, action: "job.approve", jobHash, jobId: "job-1", actor: "user-1",
    notBefore: "2026-12-07T10:00:00.000Z", notAfter: "2026-12-07T10:05:00.000Z", nonce: "bm9uY2U", ...over,
  };
  const a = device.assert(decisionChallenge(statement));
  return { statement, rp: RP, credential: { id: device.credential.id, publicKey: device.credential.publicKey }, assertion: a.response };
}

function packet(vote: Record<string, unknown>, job: Record<string, unknown> = {}) {
  const record = { jobId: "job-1", tenantId, canonical, jobHash, status: "APPROVED", votes: [{ userId: "user-1", vote: "approve", seenHash: jobHash, ...vote }], ...job };
  return verifyPacket(buildPacket({ ...input, approvals: [record] }));
}

describe("evidence packets: passkey-signed votes", () => {
  it("a signed vote verifies offline and is counted", () => {
    const result = packet({ passkey: evidence() });
    expect(result.failures).toEqual([]);
    expect(result.summary!.signedVotes).toBe(1);
    expect(packet({}).summary!.signedVotes).toBe(0); // an unsigned vote is not counted, nor failed
  });

  it("an altered vote, a moved assertion or a forged signature fails and says which", () => {
    const at = "line 1: the vote of user-1 on job job-1";
    expect(packet({ vote: "deny", passkey: evidence() }).failures).toEqual([
      { member: "approvals.jsonl", message: `${at}: the vote was altered: it says "deny" but the passkey signed "job.approve"` },
    ]);
    expect(packet({ passkey: evidence({ jobId: "job-2" }) }).failures).toEqual([
      { member: "approvals.jsonl", message: `${at}: its assertion was made for another job (job-2): it was moved onto this one` },
    ]);
    expect(packet({ userId: "user-2", passkey: evidence() }).failures[0]!.message).toBe(
      "line 1: the vote of user-2 on job job-1: the vote was altered: it names user-2 but the passkey signed for user-1",
    );
    const forged = evidence();
    const sig = Buffer.from(forged.assertion.signature, "base64url");
    sig[sig.length - 3]! ^= 1;
    expect(packet({ passkey: { ...forged, assertion: { ...forged.assertion, signature: sig.toString("base64url") } } }).failures).toEqual([
      { member: "approvals.jsonl", message: `${at}: the signature does not verify with credential ${device.credential.id}` },
    ]);
    // The statement changed after signing (another window): its hash is no longer the challenge.
    const signed = evidence();
    expect(packet({ passkey: { ...signed, statement: { ...signed.statement, notAfter: "2099-01-01T00:00:00.000Z" } } }).failures[0]!.message).toMatch(/challenge is not the hash of the recorded decision/);
    expect(packet({ passkey: evidence() }, { canonical: `${canonical} ` }).failures[0]!.message).toMatch(/not the SHA-256 of its canonical request/);
  });
});

describe("evidence packets: passkey-signed kill switches", () => {
  const engaged = { id: "ks_1", scope: "tenant", tenantId, profileId: null, capability: null, reason: "leaked token", engagedBy: "admin-1" };
  const statement: SwitchStatement = {
    format: STATEMENT_FORMAT, action: "killswitch.engage", actor: "admin-1",
    switch: { scope: "tenant", tenantId, profileId: null, capability: null, reason: "leaked token", autoReleaseMinutes: null },
    notBefore: "2026-12-07T10:00:00.000Z", notAfter: "2026-12-07T10:05:00.000Z", nonce: "a3M",
  };
  const evidence: DecisionEvidence<SwitchStatement> = {
    statement, rp: RP, credential: { id: device.credential.id, publicKey: device.credential.publicKey }, assertion: device.assert(decisionChallenge(statement)).response,
  };
  const verify = (record: Record<string, unknown>) => verifyPacket(buildPacket({ ...input, killSwitches: [record] }));

  it("a signed engage verifies offline; one altered after signing fails and says what changed", () => {
    const ok = verify({ ...engaged, engagePasskey: evidence, releasePasskey: null });
    expect(ok.failures).toEqual([]);
    expect(ok.summary!.signedSwitches).toBe(1);
    expect(verify({ ...engaged, reason: "drill", engagePasskey: evidence }).failures).toEqual([
      { member: "kill-switches.jsonl", message: "line 1: the engage of switch ks_1: the switch was altered after it was signed (reason differ)" },
    ]);
    expect(verify({ ...engaged, engagedBy: "admin-2", engagePasskey: evidence }).failures[0]!.message).toBe(
      "line 1: the engage of switch ks_1: the record names admin-2 but the passkey signed for admin-1",
    );
    expect(verify({ ...engaged, releasedBy: "admin-1", releaseReason: "done", releasePasskey: evidence }).failures[0]!.message).toMatch(
      /the release of switch ks_1: the passkey signed "killswitch.engage", not "killswitch.release"/,
    );
  });
});
