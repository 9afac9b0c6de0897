import "server-only";
/**
 * The audit chain through the console API (`cellgate audit …` over HTTP):
 * verify the chain and every signed checkpoint, read the latest signed
 * checkpoint, and take one now. Verifying and reading are reads declared with
 * `audit.verify` (what the audit page's chain panel shows every auditor);
 * taking a checkpoint is a platform write (`audit.checkpoint`) with a receipt,
 * whose own entry comes after the checkpoint it took.
 */
import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { checkpointShapeError, type SignedCheckpoint } from "@/lib/domain/checkpoint";
import { defineAction, type PipelineDatabase } from "../action";
import { latestCheckpoint, publicCheckpoint, takeCheckpoint } from "../checkpoints";
import { AppError } from "../errors";
import { getPlatformKey } from "../platform-key";
import { verifyAuditLogAndCheckpoints, type FullVerification } from "./full-verify";
import { consistencyProof, noteOf, recordCosignature } from "./witness";

const PLATFORM = async () => ({ tenantId: null });

function sqlOf(database: PipelineDatabase) {
  if (!database.sql) throw new Error("the audit routes need the whole database (raw SQL)");
  return database.sql;
}

export const ZVerifyAuditInput = z.object({
  /** A checkpoint exported earlier and kept outside the console (`audit verify --checkpoint FILE`). */
  checkpoint: z
    .unknown()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? null : checkpointShapeError(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
});

export const verifyAuditAction = defineAction({
  name: "audit.verify",
  input: ZVerifyAuditInput,
  permission: "audit.verify",
  resource: PLATFORM,
  async run(_tx, input, _actor, _resource, { database }): Promise<FullVerification & { keyId: string }> {
    const key = await getPlatformKey();
    const result = await verifyAuditLogAndCheckpoints(sqlOf(database), { publicKey: createPublicKey(key.privateKey), external: input.checkpoint });
    return { ...result, keyId: key.keyId };
  },
});

export const latestCheckpointAction = defineAction({
  name: "audit.checkpoint.latest",
  input: z.object({}),
  permission: "audit.verify",
  resource: PLATFORM,
  async run(_tx, _input, _actor, _resource, { database }): Promise<SignedCheckpoint> {
    const latest = await latestCheckpoint(sqlOf(database));
    if (!latest) throw new AppError("not_found", "No signed checkpoint yet: take one with `cellgate audit checkpoint --apply`.");
    return publicCheckpoint(latest);
  },
});

/** The latest checkpoint as a C2SP signed note, with every cosignature stored for it (what witnesses fetch). */
export const latestCheckpointNoteAction = defineAction({
  name: "audit.checkpoint.note",
  input: z.object({}),
  permission: "audit.verify",
  resource: PLATFORM,
  async run(_tx, _input, _actor, _resource, { database }): Promise<{ note: string; checkpoint: SignedCheckpoint }> {
    const sql = sqlOf(database);
    const latest = await latestCheckpoint(sql);
    if (!latest) throw new AppError("not_found", "No signed checkpoint yet: take one with `cellgate audit checkpoint --apply`.");
    return { note: await noteOf(sql, latest), checkpoint: publicCheckpoint(latest) };
  },
});

const TreeSize = z.coerce.number().int().min(0).max(0x7fffffff);

/** RFC 9162 consistency proof between two tree sizes of the log (hex hashes, as in evidence packets). */
export const consistencyProofAction = defineAction({
  name: "audit.checkpoint.consistency",
  input: z.object({ from: TreeSize, to: TreeSize }),
  permission: "audit.verify",
  resource: PLATFORM,
  async run(_tx, input, _actor, _resource, { database }) {
    return { from: input.from, to: input.to, proof: await consistencyProof(sqlOf(database), input.from, input.to) };
  },
});

/**
 * A witness posts its cosignature on a checkpoint (`cellgate witness`): it
 * is verified against the checkpoint this console signed and stored with a
 * receipt. A witness that already cosigned that checkpoint gets the stored
 * answer and no second receipt would add anything, so none is written.
 */
export const cosignCheckpointAction = defineAction({
  name: "audit.witness.cosign",
  input: z.object({ note: z.string().min(1).max(64 * 1024), vkey: z.string().min(1).max(1024) }),
  permission: "audit.witness",
  resource: PLATFORM,
  run: async (tx, input) => recordCosignature(tx, input),
  receipt: (input, result) => ({
    scope: { type: "platform", id: "audit" },
    request: { vkey: input.vkey.trim() },
    result,
    summary: { checkpointSeq: result.checkpoint.seq, witness: result.witness, keyId: result.keyId, cosignedAt: new Date(result.timestamp * 1000).toISOString(), created: result.created },
  }),
});

/** `audit checkpoint` without --apply: what would be signed. */
export const checkpointPlanAction = defineAction({
  name: "audit.checkpoint.plan",
  input: z.object({}),
  permission: "audit.checkpoint",
  resource: PLATFORM,
  async run(_tx, _input, _actor, _resource, { database }) {
    const sql = sqlOf(database);
    const heads = await sql.query<{ seq: number }>(`SELECT seq FROM "AuditHead" WHERE id = 1`);
    const last = await latestCheckpoint(sql);
    return { seq: Number(heads[0]?.seq ?? 0), latest: last && publicCheckpoint(last) };
  },
});

export const takeCheckpointAction = defineAction({
  name: "audit.checkpoint",
  input: z.object({}),
  permission: "audit.checkpoint",
  resource: PLATFORM,
  prepare: async (_input, _actor, _resource, { database }) => publicCheckpoint(await takeCheckpoint({ sql: sqlOf(database) })),
  run: async (_tx, _input, _actor, _resource, { prepared }) => prepared,
  receipt: (_input, checkpoint) => ({
    scope: { type: "platform", id: "audit" },
    request: {},
    result: checkpoint,
    summary: { checkpointSeq: checkpoint.seq, treeRoot: checkpoint.treeRoot, keyId: checkpoint.keyId },
  }),
});
