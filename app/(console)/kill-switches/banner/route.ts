import { layoutBannerSwitches } from "@/lib/server/killswitches/banner";
import { problemResponse, problemType } from "@/lib/server/problem";
import { getActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

/** The layout banner's switches for the signed-in user (global + their tenants'), so it stays fresh across navigations. */
export async function GET() {
  const actor = await getActor();
  if (!actor) {
    return problemResponse(401, { type: problemType("unauthenticated"), title: "Not signed in", detail: "Sign in to see kill switches." });
  }
  const switches = await layoutBannerSwitches(actor);
  if (switches === null) {
    return problemResponse(503, { type: problemType("unavailable"), title: "Kill switches unavailable", detail: "Kill switches could not be read." });
  }
  return Response.json({ switches }, { headers: { "Cache-Control": "no-store" } });
}
