import { cosignCheckpointAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** A witness's cosignature on a checkpoint: `{ note, vkey }`, verified, stored, one receipt (`cellgate witness`). */
export const POST = defineRoute({ auth: "token", from: "json", action: cosignCheckpointAction.definition });
