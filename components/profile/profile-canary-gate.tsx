import { requestPromotionAction, rollbackAction } from "@/app/(console)/profiles/[slug]/actions";
import { mayRun } from "@/lib/server/action";
import type { RequestActor } from "@/lib/server/actor";
import { requestPromotionAction as requestPromotion, rollbackAction as rollback } from "@/lib/server/canary/actions";
import { getCanaryView } from "@/lib/server/canary/read";
import type { CanaryStageName } from "@/lib/domain/tiers";
import { CanaryGate } from "./canary-gate";

/**
 * The gate panel for one profile as the profile page and the readiness page
 * show it: the view read as `actor`, and the request and rollback forms only
 * for those the pipeline would allow (a view-as session is read-only).
 */
export async function ProfileCanaryGate({
  actor,
  profile,
}: {
  actor: RequestActor;
  profile: { id: string; slug: string; canaryStage: CanaryStageName; tenantId: string; rollbackEndpoint: string };
}) {
  const view = await getCanaryView(actor, profile);
  const resource = { tenantId: profile.tenantId };
  return (
    <CanaryGate
      slug={profile.slug}
      view={view}
      rollbackTarget={profile.rollbackEndpoint || "the registered target"}
      promote={mayRun(requestPromotion, actor, resource) ? requestPromotionAction : undefined}
      rollback={mayRun(rollback, actor, resource) ? rollbackAction : undefined}
    />
  );
}
