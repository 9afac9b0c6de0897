import { MANIFEST_MAX_BYTES } from "@/lib/schemas/registry";
import { registrySync } from "@/lib/server/registry/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** `cellgate registry sync FILE --apply`: the whole plan in one transaction, one receipt. Body `{ manifest, file?, origin? }`. */
export const POST = defineRoute({ auth: "token", from: "json", action: registrySync.apply.definition, maxBodyBytes: MANIFEST_MAX_BYTES + 64 * 1024 });
