import "server-only";
/**
 * The demo's canary stages, reached the way a platform team would reach
 * them: after the demo fleet and its evidence are committed, each profile's
 * tenant operator asks the gate for the next stage towards the story's
 * target, and the tenant approver approves the governance.promote job —
 * through the same actions the console and the CLI use. Where the evidence
 * falls short the gate refuses (with its receipt naming every unmet item)
 * and the profile stays where it is; a story that ends "rolled back" is
 * rolled back by the operator with a reason. Nothing here sets a stage.
 *
 * Each demo approver signs its approvals with a passkey (a software
 * authenticator registered through the Security action), as promotion
 * approvals require; to vote in the console, register your own.
 *
 * The demo has one approver per tenant, so tiers whose promotions need two
 * (L4–L5) are not promoted here: they stay at deploy-only, as they would in
 * a tenant with a single approver.
 */
import type { Database } from "@/lib/db";
import { APPROVALS_REQUIRED, nextStage } from "@/lib/domain/gate";
import { demoEmail } from "@/lib/domain/registry/demo-catalog";
import type { CanaryStageName, TierName } from "@/lib/domain/tiers";
import { loadActorById, type RequestActor } from "../actor";
import { voteOnJobAction } from "../approvals/vote";
import { requestPromotionAction, rollbackAction } from "./actions";
import { registerSoftwarePasskey, signedVoteProof } from "../passkeys/software";
import type { SoftwareAuthenticator } from "@/lib/domain/passkeys/software";

export interface DemoStageStory {
  slug: string;
  tenant: string;
  tier: TierName;
  target: CanaryStageName;
}

export interface DemoStageOutcome {
  slug: string;
  stage: CanaryStageName;
  /** The gate's unmet items when a request was refused on the way. */
  refused: string[];
}

/** The stages a story passes through: up to `target`, or up to `limited` before a rollback. */
function stepsTo(target: CanaryStageName): CanaryStageName[] {
  const last = target === "rolled_back" ? "limited" : target;
  const steps: CanaryStageName[] = [];
  for (let stage: CanaryStageName | null = "deploy_only"; stage && stage !== last; ) {
    stage = nextStage(stage) as CanaryStageName | null;
    if (stage) steps.push(stage);
  }
  return steps;
}

export async function seedDemoStages(database: Database, stories: readonly DemoStageStory[]): Promise<DemoStageOutcome[]> {
  const prisma = database.prisma;
  const actors = new Map<string, RequestActor>();
  const actor = async (role: "operator" | "approver", tenant: string): Promise<RequestActor> => {
    const email = demoEmail(role, tenant);
    let found = actors.get(email);
    if (!found) {
      const user = await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } });
      found = (await loadActorById(prisma, user.id))!;
      actors.set(email, found);
    }
    return found;
  };
  const passkeys = new Map<string, SoftwareAuthenticator>();
  const passkeyOf = async (approver: RequestActor): Promise<SoftwareAuthenticator> => {
    let found = passkeys.get(approver.userId);
    if (!found) {
      found = await registerSoftwarePasskey({ actor: approver, database }, "demo seed (software)");
      passkeys.set(approver.userId, found);
    }
    return found;
  };
  const outcomes: DemoStageOutcome[] = [];
  for (const story of [...stories].sort((a, b) => a.slug.localeCompare(b.slug))) {
    if (story.target === "deploy_only" || APPROVALS_REQUIRED[story.tier] > 1) continue;
    const operator = await actor("operator", story.tenant);
    const approver = await actor("approver", story.tenant);
    let stage: CanaryStageName = "deploy_only";
    let refused: string[] = [];
    for (const to of stepsTo(story.target)) {
      const asked = await requestPromotionAction.execute({ actor: operator, prisma }, { profileSlug: story.slug, to, origin: "cellgate demo seed" });
      if (!asked.ok) throw new Error(`demo promotion of ${story.slug} to ${to} failed: ${asked.error.message}`);
      if (asked.data.outcome === "refused") {
        refused = asked.data.gate.items.filter((i) => !i.met).map((i) => i.label);
        break;
      }
      const context = { actor: approver, database };
      const passkey = await signedVoteProof(context, await passkeyOf(approver), asked.data.jobId, "approve");
      const vote = await voteOnJobAction.execute(context, { jobId: asked.data.jobId, vote: "approve", note: "Gate passed; evidence checked.", seenHash: asked.data.jobHash, passkey });
      if (!vote.ok) throw new Error(`demo approval of ${story.slug} to ${to} failed: ${vote.error.message}`);
      stage = to;
    }
    if (story.target === "rolled_back" && stage !== "deploy_only") {
      const rolled = await rollbackAction.execute(
        { actor: operator, prisma },
        { profileSlug: story.slug, reason: "Error rate doubled after the v7 deploy", origin: "cellgate demo seed" },
      );
      if (!rolled.ok) throw new Error(`demo rollback of ${story.slug} failed: ${rolled.error.message}`);
      stage = "rolled_back";
    }
    outcomes.push({ slug: story.slug, stage, refused });
  }
  return outcomes;
}
