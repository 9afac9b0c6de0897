import { POLICY_MAX_BYTES } from "@/lib/schemas/policies";
import { applyPolicyAction } from "@/lib/server/policies/apply";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * `cellgate policy apply FILE --apply`: stores the next version with a receipt when every test passes and
 * nothing widens; otherwise answers the plan with `applied: null` and the reason, and changes nothing.
 */
export const POST = defineRoute({ auth: "token", from: "json", action: applyPolicyAction.definition, maxBodyBytes: POLICY_MAX_BYTES + 64 * 1024 });
