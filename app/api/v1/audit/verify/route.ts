import { verifyAuditAction } from "@/lib/server/checkpoints/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `cellgate audit verify [--checkpoint FILE]`: the console re-verifies its chain and checkpoints. Body `{ checkpoint? }`. */
export const POST = defineRoute({ auth: "token", from: "json", action: verifyAuditAction.definition });
