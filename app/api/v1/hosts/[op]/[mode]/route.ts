import { problemResponse, problemType } from "@/lib/server/problem";
import { hostCommands } from "@/lib/server/registry/actions";
import { defineRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * `cellgate host add|rotate|revoke`: POST /api/v1/hosts/{add|rotate|revoke}/{plan|apply}
 * with the command's fields as JSON. `plan` changes nothing; `apply` writes one receipt.
 */
type Handler = (request: Request) => Promise<Response>;
const ROUTES: Record<string, Record<string, Handler>> = {
  add: {
    plan: defineRoute({ auth: "token", from: "json", action: hostCommands.add.plan.definition }),
    apply: defineRoute({ auth: "token", from: "json", action: hostCommands.add.apply.definition }),
  },
  rotate: {
    plan: defineRoute({ auth: "token", from: "json", action: hostCommands.rotate.plan.definition }),
    apply: defineRoute({ auth: "token", from: "json", action: hostCommands.rotate.apply.definition }),
  },
  revoke: {
    plan: defineRoute({ auth: "token", from: "json", action: hostCommands.revoke.plan.definition }),
    apply: defineRoute({ auth: "token", from: "json", action: hostCommands.revoke.apply.definition }),
  },
};

export async function POST(request: Request, context: { params: Promise<{ op: string; mode: string }> }): Promise<Response> {
  const { op, mode } = await context.params;
  const route = Object.hasOwn(ROUTES, op) && Object.hasOwn(ROUTES[op]!, mode) ? ROUTES[op]![mode] : undefined;
  if (!route) {
    return problemResponse(404, { type: problemType("not-found"), title: "Not found", detail: "Use /api/v1/hosts/{add|rotate|revoke}/{plan|apply}." });
  }
  return route(request);
}
