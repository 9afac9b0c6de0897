import { MANIFEST_MAX_BYTES } from "@/lib/schemas/registry";
import { registrySync } from "@/lib/server/registry/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `cellgate registry sync FILE`: the plan for a manifest, nothing changed. Body `{ manifest, file? }`. */
export const POST = defineRoute({ auth: "token", from: "json", action: registrySync.plan.definition, maxBodyBytes: MANIFEST_MAX_BYTES + 64 * 1024 });
