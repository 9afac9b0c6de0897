import { checkpointPlanAction, takeCheckpointAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** GET: what `cellgate audit checkpoint` would sign. POST: take a signed checkpoint now (one receipt). */
export const GET = defineRoute({ auth: "token", from: "query", action: checkpointPlanAction.definition });
export const POST = defineRoute({ auth: "token", from: "json", action: takeCheckpointAction.definition });
