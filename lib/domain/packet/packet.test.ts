import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalize } from "../canonical-json";
import { rawPublicKey, rawPublicKeyBase64 } from "../http-signatures/ed25519-keys";
import { buildPacket, MEMBERS, readTar, verifyPacket, writeTar, type PacketVerification } from "./index";
import { sampleCheckpoint, sampleLog, samplePacket, samplePacketInput } from "./sample";

const key = generateKeyPairSync("ed25519").privateKey;
const otherKey = generateKeyPairSync("ed25519").privateKey;
const log = sampleLog(40, 3);
const packet = samplePacket(log, key);

/** True when some failure names `name` (as its member, or in its message). */
const names = (result: PacketVerification, name: string) => result.failures.some((f) => f.member === name || f.message.includes(name));

function edit(bytes: Uint8Array, change: (members: Array<{ name: string; data: Uint8Array }>) => Array<{ name: string; data: Uint8Array }>): Uint8Array {
  return writeTar(change(readTar(bytes).map(({ name, data }) => ({ name, data }))), 1_700_000_000);
}

const lines = (data: Uint8Array) => Buffer.from(data).toString("utf8").split("\n").filter(Boolean);
const memberData = (bytes: Uint8Array, name: string) => readTar(bytes).find((m) => m.name === name)!.data;

describe("evidence packets: a good packet", () => {
  it("verifies, with a summary of what it holds", () => {
    const result = verifyPacket(packet);
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
    const tenant = log.tenants[0]!;
    const own = log.entries.filter((e) => e.tenantId === tenant.id);
    expect(result.summary).toMatchObject({
      scope: { tenant, profile: null },
      pinned: false,
      checkpoint: { seq: 40, treeRoot: log.tree.root(40) },
      earlierCheckpoints: 1,
      entries: { count: own.length, firstSeq: own[0]!.seq, lastSeq: own.at(-1)!.seq },
      records: { decisions: 1, approvals: 1, killSwitches: 1, stageChanges: 1 },
      policies: 2,
    });
    expect(readTar(packet).map((m) => m.name)).toEqual([
      "manifest.json", "manifest.sig", "platform-key.json", "checkpoints.json", "entries.jsonl", "proofs.jsonl",
      "decisions.jsonl", "approvals.jsonl", "kill-switches.jsonl", "stage-changes.jsonl", "registry.json", "policies/1.yaml", "policies/2.yaml",
    ]);
  });

  it("holds none of the other tenants' entries, yet proves membership in the whole log", () => {
    const text = Buffer.from(packet).toString("utf8");
    for (const other of log.tenants.slice(1)) expect(text).not.toContain(other.id);
    expect(text).not.toContain(log.entries.find((e) => e.tenantId !== log.tenants[0]!.id)!.hash);
  });

  it("verifies against the right pinned key (KeyObject, raw bytes or base64)", () => {
    expect(verifyPacket(packet, { pinnedPublicKey: rawPublicKeyBase64(key) }).ok).toBe(true);
    expect(verifyPacket(packet, { pinnedPublicKey: rawPublicKey(key) }).summary?.pinned).toBe(true);
  });

  it("scopes a profile packet to the profile", () => {
    const bytes = samplePacket(log, key, { tenantIndex: 1, profile: true });
    const result = verifyPacket(bytes);
    expect(result.failures).toEqual([]);
    const profileId = `${log.tenants[1]!.id}-p0`;
    expect(result.summary?.entries.count).toBe(log.entries.filter((e) => e.profileId === profileId).length);
  });

  it("works for a checkpoint that is a power of two, and a packet with no entries", () => {
    expect(verifyPacket(samplePacket(log, key, { seq: 32 })).failures).toEqual([]);
    expect(verifyPacket(samplePacket(log, key, { seq: 1, tenantIndex: 2 })).failures).toEqual([]);
  });
});

describe("evidence packets: tampering", () => {
  it("a flipped byte in each member fails, naming that member", () => {
    for (const member of readTar(packet)) {
      const bad = edit(packet, (ms) => ms.map((m) => {
        if (m.name !== member.name) return m;
        const data = Buffer.from(m.data);
        data[Math.floor(data.length / 2)]! ^= 0x04;
        return { name: m.name, data };
      }));
      const result = verifyPacket(bad);
      expect(result.ok, member.name).toBe(false);
      expect(names(result, member.name), `${member.name}: ${JSON.stringify(result.failures)}`).toBe(true);
    }
  });

  it("any changed byte anywhere in the file fails", () => {
    const small = samplePacket(sampleLog(6, 2), key);
    for (let i = 0; i < small.length; i += 13) {
      const bad = small.slice();
      bad[i]! ^= 0x20;
      expect(verifyPacket(bad).ok, `byte ${i}`).toBe(false);
    }
    // Hundreds of full verifications: seconds of CPU, more on a loaded 2-core machine (not a time limit on the code).
  }, 60_000);

  it("an entry swapped in from another tenant's packet fails", () => {
    const other = samplePacket(log, key, { tenantIndex: 1 });
    const foreign = lines(memberData(other, MEMBERS.entries))[1]!;
    const bad = edit(packet, (ms) => ms.map((m) => {
      if (m.name !== MEMBERS.entries) return m;
      const ls = lines(m.data);
      ls[1] = foreign;
      return { name: m.name, data: Buffer.from(`${ls.join("\n")}\n`) };
    }));
    const result = verifyPacket(bad);
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual(expect.arrayContaining([
      { member: MEMBERS.entries, message: "its SHA-256 does not match the manifest: the file was changed" },
      { member: MEMBERS.entries, message: expect.stringMatching(/belongs to another tenant/) },
      { member: MEMBERS.proofs, message: expect.stringMatching(/proves seq \d+, not entry/) },
    ]));
  });

  it("a dropped entry (with its proof) fails", () => {
    const bad = edit(packet, (ms) => ms.map((m) => {
      if (m.name !== MEMBERS.entries && m.name !== MEMBERS.proofs) return m;
      const ls = lines(m.data);
      ls.splice(2, 1);
      return { name: m.name, data: Buffer.from(`${ls.join("\n")}\n`) };
    }));
    const result = verifyPacket(bad);
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual(expect.arrayContaining([
      { member: MEMBERS.entries, message: expect.stringMatching(/holds \d+ entries but the manifest declares/) },
    ]));
    expect(names(result, MEMBERS.proofs)).toBe(true);
  });

  it("an entry outside the scope or time range fails, even when properly signed", () => {
    const input = samplePacketInput(log, key);
    const foreign = log.entries.find((e) => e.tenantId === log.tenants[1]!.id && e.seq > input.entries[0]!.seq)!;
    const entries = [...input.entries, foreign].sort((a, b) => a.seq - b.seq);
    const proofs = entries.map((e) => log.tree.inclusionProof(e.seq - 1, 40));
    const result = verifyPacket(buildPacket({ ...input, entries, proofs, scope: { ...input.scope, to: new Date(input.entries[3]!.time).toISOString() } }));
    expect(result.failures).toEqual(expect.arrayContaining([
      { member: MEMBERS.entries, message: expect.stringMatching(new RegExp(`entry ${foreign.seq} .*belongs to another tenant`)) },
      { member: MEMBERS.entries, message: expect.stringMatching(/outside the time range/) },
    ]));
  });

  it("a tampered checkpoint fails, even in a manifest re-signed by the platform key", () => {
    const input = samplePacketInput(log, key);
    const forged = { ...input.checkpoint, treeRoot: log.tree.root(39) };
    const result = verifyPacket(buildPacket({ ...input, checkpoint: forged }));
    expect(result.failures).toEqual(expect.arrayContaining([
      { member: MEMBERS.manifest, message: "checkpoint: checkpoint at seq 40 has a bad signature" },
    ]));
    // A checkpoint of a different (rewritten) log, validly signed, is not consistent with the earlier one.
    const rewritten = sampleLog(40, 3);
    const earlier = { checkpoint: sampleCheckpoint(rewritten, 20, key), consistency: rewritten.tree.consistencyProof(20, 40), headProof: rewritten.tree.inclusionProof(19, 40) };
    const inconsistent = verifyPacket(buildPacket({ ...input, earlierCheckpoints: [earlier] }));
    expect(inconsistent.failures).toEqual(expect.arrayContaining([
      { member: MEMBERS.checkpoints, message: expect.stringMatching(/earlier checkpoint 1 \(seq 20\) is not consistent/) },
    ]));
  });

  it("a wrong pinned key fails; a packet re-signed with another key fails against the pin", () => {
    const wrong = verifyPacket(packet, { pinnedPublicKey: rawPublicKeyBase64(otherKey) });
    expect(wrong.ok).toBe(false);
    expect(wrong.failures).toEqual(expect.arrayContaining([{ member: MEMBERS.key, message: expect.stringMatching(/not the pinned key/) }]));
    const resigned = samplePacket(log, otherKey);
    expect(verifyPacket(resigned).ok).toBe(true);
    expect(verifyPacket(resigned, { pinnedPublicKey: rawPublicKeyBase64(key) }).ok).toBe(false);
  });

  it("duplicate, unlisted and missing members fail, naming them", () => {
    const dup = verifyPacket(Buffer.concat([packet.subarray(0, packet.length - 1024), edit(packet, (ms) => ms.filter((m) => m.name === MEMBERS.registry))]));
    expect(dup.failures).toContainEqual({ member: MEMBERS.registry, message: "appears more than once in the archive" });
    const extra = verifyPacket(edit(packet, (ms) => [...ms, { name: "notes.txt", data: Buffer.from("hi") }]));
    expect(extra.failures).toEqual([{ member: "notes.txt", message: "is in the packet but not listed in the manifest" }]);
    const missing = verifyPacket(edit(packet, (ms) => ms.filter((m) => m.name !== MEMBERS.approvals)));
    expect(missing.failures).toEqual([{ member: MEMBERS.approvals, message: "is listed in the manifest but missing from the packet" }]);
    expect(verifyPacket(new Uint8Array(1000)).failures[0]?.message).toMatch(/not a well-formed packet archive/);
  });
});

describe("evidence packets: the canary stage history", () => {
  const input = samplePacketInput(log, key);
  const change = input.stageChanges[0] as Record<string, unknown>;
  const withChanges = (stageChanges: unknown[]) => buildPacket({ ...input, stageChanges });

  it("verifies stage changes whose receipts have their audit entries in the packet", () => {
    expect(verifyPacket(withChanges([change])).failures).toEqual([]);
    expect(verifyPacket(withChanges([])).summary?.records.stageChanges).toBe(0);
  });

  it("fails a stage change citing a receipt the packet does not hold, or one about another profile", () => {
    const unproven = verifyPacket(withChanges([{ ...change, receiptId: "rcpt_invented" }]));
    expect(unproven.failures).toEqual([{ member: MEMBERS.stageChanges, message: "line 1 cites receipt rcpt_invented, which has no audit entry in the packet" }]);
    const tenant = log.tenants[0]!;
    const moved = verifyPacket(withChanges([{ ...change, profileId: change.profileId === `${tenant.id}-p0` ? `${tenant.id}-p1` : `${tenant.id}-p0` }]));
    expect(moved.failures).toEqual([{ member: MEMBERS.stageChanges, message: `line 1 cites receipt ${String(change.receiptId)}, whose audit entry is about another profile` }]);
    const foreign = verifyPacket(withChanges([{ ...change, tenantId: log.tenants[1]!.id }]));
    expect(foreign.failures.map((f) => f.message)).toContain("line 1 belongs to another tenant, outside the packet's scope");
  });

  it("requires stage-changes.jsonl once the manifest declares it, and still verifies a packet from before the gate", () => {
    const dropped = verifyPacket(edit(packet, (ms) => ms.filter((m) => m.name !== MEMBERS.stageChanges)));
    expect(dropped.failures).toEqual([{ member: MEMBERS.stageChanges, message: "is listed in the manifest but missing from the packet" }]);

    // A packet as the console wrote it before stage changes existed: no member, no count — re-signed, it verifies.
    const old = edit(packet, (ms) => {
      const manifest = JSON.parse(Buffer.from(ms[0]!.data).toString("utf8")) as { records: Record<string, number>; members: { name: string }[] };
      delete manifest.records.stageChanges;
      manifest.members = manifest.members.filter((m) => m.name !== MEMBERS.stageChanges);
      const bytes = Buffer.from(canonicalize(manifest), "utf8");
      const sig = Buffer.from(`${sign(null, bytes, key).toString("base64")}\n`, "ascii");
      return [{ name: MEMBERS.manifest, data: bytes }, { name: MEMBERS.signature, data: sig }, ...ms.slice(2).filter((m) => m.name !== MEMBERS.stageChanges)];
    });
    const result = verifyPacket(old);
    expect(result.failures).toEqual([]);
    expect(result.summary?.records.stageChanges).toBe(0);
  });
});
