import "server-only";
/**
 * exportPacket: one evidence packet (docs/evidence-packet.md) for a tenant or
 * one of its profiles over [from, to).
 *
 *   authorize packet.export on the tenant (else the same "not found" as a
 *   missing tenant) → take a fresh signed checkpoint (the anchor) → rebuild
 *   the Merkle tree of the whole log up to it and refuse if its root is not
 *   the signed one → collect the scope's entries (seq ≤ anchor), records,
 *   policies, registry and the earlier checkpoints in the range → build and
 *   sign → ONE receipt ("packet.export") in its own transaction.
 *
 * The receipt's own audit entry comes after the anchor, so it is not in the
 * packet it describes; the next packet covering that time will hold it.
 */
import { createHash, randomUUID } from "node:crypto";
import { can, type Actor } from "@/lib/authz";
import type { Database } from "@/lib/db";
import { hashAuditEntry } from "@/lib/domain/audit/chain";
import type { SignedCheckpoint } from "@/lib/domain/checkpoint";
import { MerkleTree } from "@/lib/domain/merkle";
import { buildPacket, proofsFor, type EarlierCheckpoint } from "@/lib/domain/packet";
import type { ExportPacketRequest } from "@/lib/schemas/packets";
import { writeReceipt, type ReceiptView } from "../audit";
import { checkpointsBetween, leafHashesUpTo, publicCheckpoint, takeCheckpoint, type StoredCheckpoint } from "../checkpoints";
import { AppError } from "../errors";
import { getPlatformKey } from "../platform-key";
import {
  registrySnapshot,
  scopedApprovals,
  scopedDecisions,
  scopedEntries,
  scopedKillSwitches,
  scopedPolicies,
  type PacketScopeIds,
} from "./collect";

/** At most this many earlier checkpoints go into one packet (evenly spread over the range, the last one always). */
export const MAX_EARLIER_CHECKPOINTS = 64;

export interface ExportedPacket {
  bytes: Uint8Array;
  fileName: string;
  /** Hex SHA-256 of `bytes` (also in the receipt). */
  sha256: string;
  receipt: ReceiptView;
  entries: number;
  checkpoint: SignedCheckpoint;
}

export interface ExportOptions {
  /** The packet's createdAt and the anchor checkpoint's time (tests). */
  now?: Date;
  /** Links the receipt's audit entry to a request (default: a fresh id). */
  traceId?: string;
}

/** Why an export was refused, for the form to say so (the message is already fit to show). */
export type PacketRefusal = "tenant" | "profile" | "range" | "log";

export class PacketExportError extends AppError {
  constructor(
    readonly reason: PacketRefusal,
    code: "not_found" | "invalid_input" | "conflict",
    message: string,
  ) {
    super(code, message);
    this.name = "PacketExportError";
  }
}

/** The words for "no such tenant" and "not yours" alike, so nothing leaks. */
export function tenantNotFoundMessage(slug: string): string {
  return `No tenant "${slug}" you may export evidence for.`;
}

export function profileNotFoundMessage(profile: string, tenant: string): string {
  return `No profile "${profile}" in tenant ${tenant}.`;
}

export const LOG_MISMATCH_MESSAGE = "The audit log does not match its signed checkpoint, so no packet was made. Run `npx cellgate audit verify`.";

/** Resolve the request's tenant and profile inside what the actor may export. */
export async function resolveScope(database: Database, actor: Actor, request: ExportPacketRequest): Promise<PacketScopeIds> {
  const prisma = database.prisma;
  const tenant = await prisma.tenant.findUnique({ where: { slug: request.tenant }, select: { id: true, slug: true, name: true } });
  if (!tenant || !can(actor, "packet.export", { tenantId: tenant.id })) throw new PacketExportError("tenant", "not_found", tenantNotFoundMessage(request.tenant));
  let profile: PacketScopeIds["profile"] = null;
  if (request.profile) {
    profile = await prisma.profile.findFirst({ where: { slug: request.profile, tenantId: tenant.id }, select: { id: true, slug: true } });
    if (!profile) throw new PacketExportError("profile", "not_found", profileNotFoundMessage(request.profile, tenant.slug));
  }
  if (!(request.from.getTime() < request.to.getTime())) throw new PacketExportError("range", "invalid_input", "The time range is empty: from must be before to.");
  return { tenant, profile, from: request.from, to: request.to };
}

export async function exportPacket(
  database: Database,
  actor: Actor,
  request: ExportPacketRequest,
  options: ExportOptions = {},
): Promise<ExportedPacket> {
  const scope = await resolveScope(database, actor, request);
  const now = options.now ?? new Date();
  const key = await getPlatformKey();
  const anchor = await takeCheckpoint(database, { now });
  if (anchor.keyId !== key.keyId) {
    throw new PacketExportError("log", "conflict", `${LOG_MISMATCH_MESSAGE} (The checkpoint was signed by ${anchor.keyId}, not by ${key.keyId}.)`);
  }

  const leaves = await leafHashesUpTo(database.sql, anchor.seq);
  const tree = MerkleTree.fromAuditHashes(leaves);
  if (tree.root(anchor.seq) !== anchor.treeRoot) {
    throw new PacketExportError("log", "conflict", `${LOG_MISMATCH_MESSAGE} (Tree root at seq ${anchor.seq} differs.)`);
  }
  const entries = await scopedEntries(database.sql, scope, anchor.seq);
  for (const e of entries) {
    if (hashAuditEntry(e) !== e.hash || leaves[e.seq - 1] !== e.hash) {
      throw new PacketExportError("log", "conflict", `${LOG_MISMATCH_MESSAGE} (Entry ${e.seq} does not match its recorded hash.)`);
    }
  }
  const proofs = proofsFor(tree, anchor, entries.map((e) => e.seq));
  const earlier = earlierCheckpoints(await checkpointsBetween(database.sql, scope.from, scope.to), anchor).map((cp) =>
    proofs.earlier(publicCheckpoint(cp)),
  );

  const prisma = database.prisma;
  const [decisions, approvals, killSwitches, policies, registry] = await Promise.all([
    scopedDecisions(prisma, scope),
    scopedApprovals(prisma, scope),
    scopedKillSwitches(prisma, scope),
    scopedPolicies(prisma, scope),
    registrySnapshot(prisma, scope, now),
  ]);
  const checkpoint = publicCheckpoint(anchor);
  const bytes = buildPacket({
    scope: {
      tenant: { id: scope.tenant.id, slug: scope.tenant.slug },
      profile: scope.profile ? { id: scope.profile.id, slug: scope.profile.slug } : null,
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
    },
    createdAt: now.toISOString(),
    entries,
    proofs: proofs.proofs,
    checkpoint,
    headProof: proofs.headProof,
    earlierCheckpoints: earlier,
    decisions,
    approvals,
    killSwitches,
    policies,
    registry,
    privateKey: key.privateKey,
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const fileName = packetFileName(scope);
  const what = scope.profile ? `profile ${scope.profile.slug} (tenant ${scope.tenant.slug})` : `tenant ${scope.tenant.slug}`;
  const range = { from: scope.from.toISOString(), to: scope.to.toISOString() };

  const receipt = await prisma.$transaction((tx) =>
    writeReceipt(tx, {
      action: "packet.export",
      actor: { type: "user", id: actor.userId },
      scope: scope.profile ? { type: "profile", id: scope.profile.id } : { type: "tenant", id: scope.tenant.id },
      tenantId: scope.tenant.id,
      profileId: scope.profile?.id ?? null,
      traceId: options.traceId ?? randomUUID(),
      request: { tenant: scope.tenant.slug, profile: scope.profile?.slug ?? null, ...range },
      result: { sha256, size: bytes.length, entries: entries.length, checkpoint: { seq: checkpoint.seq, treeRoot: checkpoint.treeRoot } },
      summary: {
        scope: what,
        ...range,
        entries: entries.length,
        checkpointSeq: checkpoint.seq,
        sha256,
        fileName,
      },
    }),
  );
  return { bytes, fileName, sha256, receipt, entries: entries.length, checkpoint };
}

/**
 * Checkpoints taken in the range, other than the anchor, within its tree:
 * one per distinct log size (an idle log is re-signed every interval; the
 * first of a run says it all), evenly thinned to MAX_EARLIER_CHECKPOINTS.
 */
export function earlierCheckpoints(inRange: readonly StoredCheckpoint[], anchor: StoredCheckpoint): StoredCheckpoint[] {
  const seen = new Set<number>();
  const distinct = inRange.filter((cp) => {
    if (cp.id === anchor.id || cp.seq > anchor.seq || cp.keyId !== anchor.keyId || seen.has(cp.seq)) return false;
    seen.add(cp.seq);
    return true;
  });
  if (distinct.length <= MAX_EARLIER_CHECKPOINTS) return distinct;
  const step = (distinct.length - 1) / (MAX_EARLIER_CHECKPOINTS - 1);
  return Array.from({ length: MAX_EARLIER_CHECKPOINTS }, (_, i) => distinct[Math.round(i * step)]!);
}

/** "cellgate-evidence-acme-20261115T0000Z-20261123T0000Z.tar" — from slugs and times only. */
export function packetFileName(scope: Pick<PacketScopeIds, "tenant" | "profile" | "from" | "to">): string {
  const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, "") + "Z";
  const safe = (s: string) => s.replace(/[^a-z0-9-]/g, "-");
  const who = scope.profile ? `${safe(scope.tenant.slug)}-${safe(scope.profile.slug)}` : safe(scope.tenant.slug);
  return `cellgate-evidence-${who}-${stamp(scope.from)}-${stamp(scope.to)}.tar`;
}
