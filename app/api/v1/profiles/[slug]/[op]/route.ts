import { planPromotionAction, requestPromotionAction, rollbackAction } from "@/lib/server/canary/actions";
import { problemResponse, problemType } from "@/lib/server/problem";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * `cellgate profile promote|rollback SLUG`: POST /api/v1/profiles/{slug}/{op}
 * with op one of `promote-plan` (the gate's verdict, changes nothing),
 * `promote` (a request: refused with the unmet items, or queued for
 * approval) and `rollback` (with a reason). The slug in the path names the
 * profile.
 */
type Handler = ReturnType<typeof defineRoute>;
const ROUTES: Record<string, Handler> = {
  "promote-plan": defineRoute({ auth: "token", from: "json", action: planPromotionAction.definition }),
  promote: defineRoute({ auth: "token", from: "json", action: requestPromotionAction.definition }),
  rollback: defineRoute({ auth: "token", from: "json", action: rollbackAction.definition }),
};

export async function POST(request: Request, context: { params: Promise<{ slug: string; op: string }> }): Promise<Response> {
  const { slug, op } = await context.params;
  const route = Object.hasOwn(ROUTES, op) ? ROUTES[op] : undefined;
  if (!route) {
    return problemResponse(404, { type: problemType("not-found"), title: "Not found", detail: "Use /api/v1/profiles/{slug}/{promote-plan|promote|rollback}." });
  }
  // The path names the profile (it wins over any profileSlug in the body).
  return route(request, { params: Promise.resolve({ profileSlug: decodeURIComponent(slug) }) });
}
