import "server-only";
/**
 * The one shape of a dashboard API (`GET /api/dashboards/<name>`): signed-in
 * session, query parsed strictly (400 problem naming each field), scope
 * resolved through the actor's tenants (404 problem, the same for "does not
 * exist" and "not yours"), then the aggregation. Answers JSON, never cached.
 */
import { database } from "@/lib/db";
import { parseDashboardQuery } from "@/lib/schemas/dashboards";
import { problemResponse, problemType } from "@/lib/server/problem";
import { getActor } from "@/lib/server/session";
import { loadDashboard, type DashboardLoader } from "./load";

export { loadDashboard, type DashboardContext, type DashboardLoader } from "./load";

/** A GET route handler serving `load` as JSON: `{ range, from, to, bucketSec, tenant, profile, data }`. */
export function dashboardRoute<T>(name: string, load: DashboardLoader<T>): (request: Request) => Promise<Response> {
  return async (request) => {
    const actor = await getActor();
    if (!actor) {
      return problemResponse(401, { type: problemType("unauthenticated"), title: "Not signed in", detail: "Sign in to read dashboards." });
    }
    const parsed = parseDashboardQuery(new URL(request.url).searchParams);
    if (!parsed.ok) {
      const detail = parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
      return problemResponse(400, { type: problemType("invalid-query"), title: "Invalid dashboard query", detail, errors: parsed.errors });
    }
    try {
      const result = await loadDashboard(await database(), actor, parsed.query, load);
      if (!result) {
        return problemResponse(404, { type: problemType("not-found"), title: "Not found", detail: "No such tenant or profile, or you do not have access to it." });
      }
      const { scope, data } = result;
      return Response.json(
        {
          range: scope.window.range,
          from: scope.window.from.toISOString(),
          to: scope.window.to.toISOString(),
          bucketSec: scope.window.bucketSec,
          tenant: scope.tenant,
          profile: scope.profile,
          data,
        },
        { headers: { "Cache-Control": "no-store" } },
      );
    } catch (error) {
      console.error(`[dashboard:${name}] failed:`, error);
      return problemResponse(503, { type: problemType("unavailable"), title: "Dashboard unavailable", detail: "The figures could not be read; try again shortly." });
    }
  };
}
