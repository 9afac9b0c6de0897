import { database } from "@/lib/db";
import { metricsResponse } from "@/lib/server/metrics/handler";
import { configuredMetricsToken } from "@/lib/server/metrics/token";
import { getActor } from "@/lib/server/session";

export const dynamic = "force-dynamic";

/** Prometheus scrape (text format 0.0.4): metrics token or a platform admin's session. */
export async function GET(request: Request): Promise<Response> {
  return metricsResponse(request, { database, token: configuredMetricsToken, actor: getActor });
}
