import { latestCheckpointAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The latest signed checkpoint (`cellgate audit export-checkpoint`), as JSON. */
export const GET = defineRoute({ auth: "token", from: "query", action: latestCheckpointAction.definition });
