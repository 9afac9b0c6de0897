import { defineRoute } from "@/lib/server/route";
import { whoAmIAction } from "@/lib/server/tokens/whoami";

export type { WhoAmI } from "@/lib/server/tokens/whoami";
export const dynamic = "force-dynamic";

/** Who an API token acts for and what it may do now (`cellgate login` checks a token with it). */
export const GET = defineRoute({ auth: "token", from: "query", action: whoAmIAction.definition });
