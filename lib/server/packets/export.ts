import "server-only";
/**
 * One evidence packet (docs/evidence-packet.md) for a tenant or one of its
 * profiles over [from, to), through the pipeline (`exportPacketAction`):
 *
 *   resolve the tenant among those the actor may export → authorize
 *   packet.export on it → take a fresh signed checkpoint (the anchor) → rebuild
 *   the Merkle tree of the whole log up to it and refuse if its root is not
 *   the signed one → collect the scope's entries (seq ≤ anchor), records,
 *   policies, registry and the earlier checkpoints in the range → build and
 *   sign → ONE receipt ("packet.export") in its own transaction.
 *
 * The receipt's own audit entry comes after the anchor, so it is not in the
 * packet it describes; the next packet covering that time will hold it.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { scopeFor, type Resource } from "@/lib/authz";
import { scopedWhere } from "@/lib/authz/where";
import type { Database, Tx } from "@/lib/db";
import { hashAuditEntry } from "@/lib/domain/audit/chain";
import type { SignedCheckpoint } from "@/lib/domain/checkpoint";
import { MerkleTree } from "@/lib/domain/merkle";
import { buildPacket, proofsFor, type EarlierCheckpoint } from "@/lib/domain/packet";
import { checkExportRequest, parseExportPacket, type ExportPacketRequest } from "@/lib/schemas/packets";
import { defineAction, executeAction, type PipelineDatabase } from "../action";
import type { RequestActor } from "../actor";
import type { ReceiptView } from "../audit";
import { checkpointsBetween, checkpointsByIds, leafHashesUpTo, publicCheckpoint, takeCheckpoint, type StoredCheckpoint } from "../checkpoints";
import { checkpointNote, cosignaturesFor, latestWitnessedCheckpointIds } from "../checkpoints/witness";
import { AppError, type ActionError, type ErrorCode } from "../errors";
import { getPlatformKey } from "../platform-key";
import {
  registrySnapshot,
  scopedApprovals,
  scopedDecisions,
  scopedEntries,
  scopedKillSwitches,
  scopedPolicies,
  scopedStageChanges,
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

/** Why an export was refused, for the form to say so (the message is already fit to show). */
export type PacketRefusal = "tenant" | "profile" | "range" | "log" | "invalid" | "internal";

export class PacketExportError extends AppError {
  constructor(
    readonly reason: PacketRefusal,
    code: ErrorCode,
    message: string,
  ) {
    // The reason travels with the error as its field, through the pipeline to the form.
    super(code, message, { [reason]: [message] });
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

/**
 * The form's fields (text, as the export form and its route send them), or
 * a request with Date bounds (tests, the audit bench), as a request: tenant,
 * optional profile, a non-empty UTC range.
 */
const ZExportPacketInput = z.unknown().transform((raw, ctx): ExportPacketRequest => {
  const value = raw && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
  const parsed = value.from instanceof Date || value.to instanceof Date ? checkExportRequest(value) : parseExportPacket(value);
  if (parsed.ok) return parsed.request;
  for (const [path, message] of Object.entries(parsed.fieldErrors)) ctx.addIssue({ code: "custom", path: [path], message: message! });
  return z.NEVER;
});

interface ExportResource extends Resource {
  tenantId: string;
  scope: PacketScopeIds;
}

/**
 * The request's tenant and profile inside the tenants the actor may export
 * from: any other tenant (even one the actor may read) is answered exactly
 * like a missing one.
 */
async function resolveExportScope(tx: Tx, actor: RequestActor, request: ExportPacketRequest): Promise<ExportResource> {
  const tenant = await tx.tenant.findFirst({
    where: { slug: request.tenant, ...scopedWhere(scopeFor(actor, "packet.export"), "id") },
    select: { id: true, slug: true, name: true },
  });
  if (!tenant) throw new PacketExportError("tenant", "not_found", tenantNotFoundMessage(request.tenant));
  let profile: PacketScopeIds["profile"] = null;
  if (request.profile) {
    profile = await tx.profile.findFirst({ where: { slug: request.profile, tenantId: tenant.id }, select: { id: true, slug: true } });
    if (!profile) throw new PacketExportError("profile", "not_found", profileNotFoundMessage(request.profile, tenant.slug));
  }
  return { tenantId: tenant.id, scope: { tenant, profile, from: request.from, to: request.to } };
}

/**
 * `packet.export` through the one pipeline. `prepare` (outside the write
 * transaction, once the actor is authorized for the tenant) takes the anchor
 * checkpoint and builds the signed packet; the transaction then writes the
 * receipt, whose entry comes after the anchor.
 */
export const exportPacketAction = defineAction({
  name: "packet.export",
  input: ZExportPacketInput,
  permission: "packet.export",
  resource: (input, tx, actor) => resolveExportScope(tx, actor, input),
  prepare: (_input, _actor, resource, { database }) => buildPacketFile(requireSql(database), resource.scope, new Date()),
  run: async (_tx, _input, _actor, _resource, { prepared }) => prepared,
  receipt: (_input, packet, _actor, { scope }) => {
    const what = scope.profile ? `profile ${scope.profile.slug} (tenant ${scope.tenant.slug})` : `tenant ${scope.tenant.slug}`;
    const range = { from: scope.from.toISOString(), to: scope.to.toISOString() };
    const checkpoint = { seq: packet.checkpoint.seq, treeRoot: packet.checkpoint.treeRoot };
    return {
      scope: scope.profile ? { type: "profile", id: scope.profile.id } : { type: "tenant", id: scope.tenant.id },
      tenantId: scope.tenant.id,
      profileId: scope.profile?.id ?? null,
      request: { tenant: scope.tenant.slug, profile: scope.profile?.slug ?? null, ...range },
      result: { sha256: packet.sha256, size: packet.bytes.length, entries: packet.entries, checkpoint },
      summary: { scope: what, ...range, entries: packet.entries, checkpointSeq: checkpoint.seq, sha256: packet.sha256, fileName: packet.fileName },
    };
  },
});

function requireSql(database: PipelineDatabase): Database {
  if (!database.sql || !database.kind) throw new Error("packet export needs the whole database (raw SQL for checkpoints)");
  return database as Database;
}

/** Export through the pipeline as `actor` (tests, the audit bench); a refusal is thrown as a PacketExportError. */
export async function exportPacket(database: Database, actor: RequestActor, request: ExportPacketRequest): Promise<ExportedPacket> {
  const result = await executeAction(exportPacketAction.definition, { actor, database, rethrowUnexpected: true }, request);
  if (!result.ok) throw new PacketExportError(refusalOf(result.error), result.error.code, result.error.message);
  return { ...result.data, receipt: result.receipt! };
}

/** Which part of the form a refusal is about, for the form to say so. */
export function refusalOf(error: ActionError): PacketRefusal {
  const field = Object.keys(error.fieldErrors ?? {})[0];
  if (field === "tenant" || field === "profile" || field === "range" || field === "log") return field;
  if (field === "from" || field === "to" || error.code === "invalid_input") return "invalid";
  if (error.code === "internal") return "internal";
  return "tenant";
}

/** Anchor checkpoint, Merkle checks, the scope's records, signed: the packet file (no receipt yet). */
async function buildPacketFile(database: Database, scope: PacketScopeIds, now: Date): Promise<Omit<ExportedPacket, "receipt">> {
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
  // Each witness's latest cosigned checkpoint goes in too, with its note, so
  // `packet verify --witness-key` can check that witness vouched for the entries.
  const witnessedCps = (await checkpointsByIds(database.sql, await latestWitnessedCheckpointIds(database.sql, anchor.seq))).filter((cp) => cp.keyId === anchor.keyId);
  const cosigs = await cosignaturesFor(database.sql, witnessedCps.map((cp) => cp.id));
  const checkpointNotes = witnessedCps.map((cp) => checkpointNote(cp, key, cosigs.get(cp.id) ?? []));
  const inPacket = earlierCheckpoints(await checkpointsBetween(database.sql, scope.from, scope.to), anchor);
  const seqs = new Set([anchor.seq, ...inPacket.map((cp) => cp.seq)]);
  for (const cp of witnessedCps) {
    if (seqs.has(cp.seq)) continue;
    seqs.add(cp.seq);
    inPacket.push(cp);
  }
  const earlier = inPacket.sort((a, b) => a.id - b.id).map((cp) => proofs.earlier(publicCheckpoint(cp)));

  const prisma = database.prisma;
  const [decisions, approvals, killSwitches, stageChanges, policies, registry] = await Promise.all([
    scopedDecisions(prisma, scope),
    scopedApprovals(prisma, scope),
    scopedKillSwitches(prisma, scope),
    scopedStageChanges(prisma, scope, entries),
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
    checkpointNotes,
    decisions,
    approvals,
    killSwitches,
    stageChanges,
    policies,
    registry,
    privateKey: key.privateKey,
  });
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { bytes, fileName: packetFileName(scope), sha256, entries: entries.length, checkpoint };
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
