import { consistencyProofAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `?from=N&to=M`: the RFC 9162 consistency proof between the log's trees of those sizes (hex hashes). */
export const GET = defineRoute({ auth: "token", from: "query", action: consistencyProofAction.definition });
