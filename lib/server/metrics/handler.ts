import "server-only";
/**
 * `GET /api/metrics`: the Prometheus scrape. Readable with
 * `Authorization: Bearer <CELLGATE_METRICS_TOKEN>` (compared in constant time)
 * or by a signed-in platform admin (a "view as" session is not one). Anything
 * else, including an unset token and no admin session, is a 401 problem.
 * Never cached; 503 problem when the database cannot be read.
 */
import { inScope, scopeFor, type Actor } from "@/lib/authz";
import type { Database } from "@/lib/db";
import { EXPOSITION_CONTENT_TYPE } from "@/lib/domain/metrics/exposition";
import { bearerToken, tokenMatches } from "@/lib/domain/metrics/bearer";
import { problemResponse, problemType } from "@/lib/server/problem";
import { metricsText } from "./collect";

/** Shortest accepted metrics token: a shorter one is refused as a misconfiguration. */
export const MIN_METRICS_TOKEN_LENGTH = 16;

export interface MetricsDeps {
  /** The database (or how to open it); called only once the caller is allowed. */
  database: () => Promise<Pick<Database, "sql">>;
  /** The configured token (already resolved from its secret reference), if any. */
  token: () => string | undefined;
  /** The signed-in actor, asked only when no valid bearer token came. */
  actor: () => Promise<Actor | null>;
  now?: () => Date;
}

const WWW_AUTHENTICATE = { "WWW-Authenticate": 'Bearer realm="cellgate-metrics"' };

function unauthorized(detail: string): Response {
  return problemResponse(401, { type: problemType("unauthenticated"), title: "Not allowed to read metrics", detail }, WWW_AUTHENTICATE);
}

/** Who may scrape: "token", "admin", or why not. */
export async function authorizeMetrics(request: Request, deps: Pick<MetricsDeps, "token" | "actor">): Promise<{ ok: true; via: "token" | "admin" } | { ok: false; detail: string }> {
  const presented = bearerToken(request.headers.get("authorization"));
  if (presented !== null) {
    const expected = deps.token();
    if (expected && expected.length >= MIN_METRICS_TOKEN_LENGTH && tokenMatches(presented, expected)) return { ok: true, via: "token" };
    return { ok: false, detail: "The bearer token is not the metrics token." };
  }
  const actor = await deps.actor();
  // Fleet-wide figures: a platform-scope permission (platform admins only).
  if (inScope(scopeFor(actor, "metrics.read"), null)) return { ok: true, via: "admin" };
  return {
    ok: false,
    detail: actor
      ? "Metrics are readable by platform admins and with the metrics token only."
      : "Send Authorization: Bearer <CELLGATE_METRICS_TOKEN>, or sign in as a platform admin.",
  };
}

export async function metricsResponse(request: Request, deps: MetricsDeps): Promise<Response> {
  let allowed: Awaited<ReturnType<typeof authorizeMetrics>>;
  try {
    allowed = await authorizeMetrics(request, deps);
  } catch (error) {
    console.error("[metrics] could not check the caller:", error);
    return unavailable();
  }
  if (!allowed.ok) return unauthorized(allowed.detail);
  try {
    const text = await metricsText(await deps.database(), deps.now?.() ?? new Date());
    return new Response(text, { status: 200, headers: { "Content-Type": EXPOSITION_CONTENT_TYPE, "Cache-Control": "no-store" } });
  } catch (error) {
    console.error("[metrics] could not read the figures:", error);
    return unavailable();
  }
}

function unavailable(): Response {
  return problemResponse(503, { type: problemType("unavailable"), title: "Metrics unavailable", detail: "The figures could not be read; try again shortly." });
}
