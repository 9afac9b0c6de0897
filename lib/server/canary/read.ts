import "server-only";
/**
 * The profile page's canary panel: the gate's verdict on the next stage
 * (the same read definition the CLI's dry run uses) and the stage history,
 * newest first, with who moved it and the receipt.
 */
import { db, type Db } from "@/lib/db";
import { nextStage, type Drift } from "@/lib/domain/gate";
import type { CanaryStageName } from "@/lib/domain/tiers";
import { readAs } from "../action";
import type { RequestActor } from "../actor";
import { planPromotionAction, type PromotionPlan } from "./actions";
import { profileDrifts } from "./drift";
import { prismaQuery } from "@/lib/sql";

export interface StageHistoryRow {
  id: string;
  at: Date;
  from: CanaryStageName;
  to: CanaryStageName;
  kind: string;
  actor: string;
  reason: string;
  receiptId: string;
  snapshotHash: string | null;
  /** Rollbacks and demotions: when the host reported carrying it out, and how long it took. */
  executedAt: Date | null;
  executionSec: number | null;
}

export interface CanaryView {
  stage: CanaryStageName;
  /** Tool drift in force: the profile's risky jobs are denied meanwhile. */
  drifts: Drift[];
  next: string | null;
  plan: PromotionPlan | null;
  history: StageHistoryRow[];
}

export async function getCanaryView(actor: RequestActor, profile: { id: string; slug: string; canaryStage: CanaryStageName }, options: { prisma?: Db } = {}): Promise<CanaryView> {
  const prisma = options.prisma ?? (await db());
  const next = nextStage(profile.canaryStage);
  const sql = prismaQuery(prisma);
  const [plan, changes, drifts] = await Promise.all([
    next ? readAs(planPromotionAction.definition, { actor, prisma }, { profileSlug: profile.slug, to: next }) : Promise.resolve(null),
    prisma.stageChange.findMany({ where: { profileId: profile.id }, orderBy: { at: "desc" }, take: 50 }),
    profileDrifts(sql, profile.id),
  ]);
  const userIds = [...new Set(changes.filter((c) => c.actorType === "user").map((c) => c.actorId))];
  const users = await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } });
  const email = new Map(users.map((u) => [u.id, u.email]));
  return {
    stage: profile.canaryStage,
    drifts,
    next,
    plan,
    history: changes.map((c) => ({
      id: c.id,
      at: c.at,
      from: c.fromStage,
      to: c.toStage,
      kind: c.kind,
      actor: c.actorType === "user" ? (email.get(c.actorId) ?? c.actorId) : `${c.actorType}:${c.actorId}`,
      reason: c.reason,
      receiptId: c.receiptId,
      snapshotHash: c.snapshotHash,
      executedAt: c.executedAt,
      executionSec: c.executionSec,
    })),
  };
}
