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
