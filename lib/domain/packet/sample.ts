/**
 * Synthetic, correctly chained multi-tenant audit logs and packets built
 * from them — for tests and benchmarks (no database). Tenant i owns entries
 * whose seq ≡ i (mod tenants); profile ids are "<tenant>-p<seq mod 2>".
 */
import { randomUUID, type KeyObject } from "node:crypto";
import { GENESIS_HASH, hashAuditEntry, type AuditRecord } from "../audit/chain";
import { sha256Hex } from "../hash";
import { signCheckpoint, type SignedCheckpoint } from "../checkpoint";
import { MerkleTree } from "../merkle";
import { buildPacket, proofsFor, type PacketInput, type PolicyDocument } from "./build";

export interface SampleLog {
  tenants: Array<{ id: string; slug: string }>;
  entries: AuditRecord[];
  tree: MerkleTree;
  start: Date;
}

export function sampleLog(size: number, tenantCount = 3, start = new Date("2026-11-01T00:00:00.000Z")): SampleLog {
  const tenants = Array.from({ length: tenantCount }, (_, i) => ({ id: randomUUID(), slug: `tenant-${i}-${randomUUID().slice(0, 6)}` }));
  const entries: AuditRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= size; seq += 1) {
    const tenant = tenants[seq % tenantCount]!;
    const fields = {
      seq,
      time: new Date(start.getTime() + seq * 1000),
      actorType: "user",
      actorId: `user-${seq % 7}`,
      action: seq % 5 === 0 ? "job.approve" : "job.submit",
      resource: `job:${seq}`,
      tenantId: tenant.id,
      profileId: `${tenant.id}-p${seq % 2}`,
      decision: seq % 3 === 0 ? "DENY" : "ALLOW",
      requestHash: sha256Hex(`request ${seq}`),
      resultHash: null,
      traceId: `trace-${seq}`,
      data: { receipt: `rcpt_sample_${seq}`, note: `entry ${seq} «ünïcode»`, n: seq, nested: { ok: seq % 2 === 0 } },
      prevHash,
    };
    const hash = hashAuditEntry(fields);
    entries.push({ ...fields, hash });
    prevHash = hash;
  }
  return { tenants, entries, start, tree: MerkleTree.fromAuditHashes(entries.map((e) => e.hash)) };
}

export function sampleCheckpoint(log: SampleLog, seq: number, key: KeyObject): SignedCheckpoint {
  const head = log.entries[seq - 1];
  return signCheckpoint(
    { seq, headHash: head ? head.hash : GENESIS_HASH, treeRoot: log.tree.root(seq), time: new Date(log.start.getTime() + (seq + 1) * 1000).toISOString() },
    key,
  );
}

export function samplePolicy(tenantId: string | null, version: number): PolicyDocument {
  const source = `apiVersion: cellgate/v1\nkind: Policy\n# v${version}\nrules: []\n`;
  return {
    level: tenantId ? "tenant" : "platform",
    scopeKey: tenantId ? `tenant:${tenantId}` : "platform",
    tenantId,
    profileId: null,
    version,
    hash: `sha256:${sha256Hex(source)}`,
    source,
  };
}

/** The packet input for tenant `tenantIndex` (optionally one profile), all entries up to checkpoint `seq`. */
export function samplePacketInput(log: SampleLog, key: KeyObject, options: { tenantIndex?: number; seq?: number; profile?: boolean } = {}): PacketInput {
  const seq = options.seq ?? log.entries.length;
  const tenant = log.tenants[options.tenantIndex ?? 0]!;
  const profile = options.profile ? { id: `${tenant.id}-p0`, slug: `${tenant.slug}-p0` } : null;
  const entries = log.entries.filter((e) => e.seq <= seq && e.tenantId === tenant.id && (!profile || e.profileId === profile.id));
  const checkpoint = sampleCheckpoint(log, seq, key);
  const proofs = proofsFor(log.tree, checkpoint, entries.map((e) => e.seq));
  const earlierSeq = Math.floor(seq / 2);
  // A rollback recorded by the scope's last entry: the stage history rests on a receipt in the packet.
  const last = entries.at(-1);
  const stageChanges = last
    ? [{ id: randomUUID(), tenantId: tenant.id, profileId: last.profileId, fromStage: "limited", toStage: "rolled_back", kind: "rollback", receiptId: `rcpt_sample_${last.seq}`, at: new Date(last.time).toISOString() }]
    : [];
  return {
    scope: { tenant, profile, from: log.start.toISOString(), to: new Date(log.start.getTime() + (seq + 10) * 1000).toISOString() },
    createdAt: new Date(log.start.getTime() + (seq + 20) * 1000).toISOString(),
    entries,
    proofs: proofs.proofs,
    checkpoint,
    headProof: proofs.headProof,
    earlierCheckpoints: earlierSeq > 0 ? [proofs.earlier(sampleCheckpoint(log, earlierSeq, key))] : [],
    decisions: [{ id: randomUUID(), tenantId: tenant.id, profileId: profile?.id ?? null, decision: "DENY", ruleIds: ["platform/no-shell"], reason: "shell denied" }],
    approvals: [{ jobId: "job-1", tenantId: tenant.id, votes: [{ userId: randomUUID(), vote: "approve", note: "ok" }] }],
    killSwitches: [{ id: randomUUID(), scope: "global", tenantId: null, reason: "drill", engagedAt: log.start.toISOString() }],
    stageChanges,
    policies: [samplePolicy(null, 1), samplePolicy(tenant.id, 2)],
    registry: { tenant: tenant.slug, profiles: [{ slug: `${tenant.slug}-p0`, tier: "L2" }] },
    privateKey: key,
  };
}

export function samplePacket(log: SampleLog, key: KeyObject, options: Parameters<typeof samplePacketInput>[2] = {}): Uint8Array {
  return buildPacket(samplePacketInput(log, key, options));
}
