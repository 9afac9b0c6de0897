import { POLICY_MAX_BYTES } from "@/lib/schemas/policies";
import { planPolicyAction } from "@/lib/server/policies/apply";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `cellgate policy test|apply FILE`: diff, test results and widening for a document, nothing changed. Body `{ source, file? }`. */
export const POST = defineRoute({ auth: "token", from: "json", action: planPolicyAction.definition, maxBodyBytes: POLICY_MAX_BYTES + 64 * 1024 });
