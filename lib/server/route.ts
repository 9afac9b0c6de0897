import "server-only";
/**
 * The one shape of a console API route (`app/api/v1/…`, and the console's own
 * form endpoints): `defineRoute({ auth, from, action })` turns a pipeline
 * definition (./action.ts) into a Next.js route handler.
 *
 *   auth "token": `Authorization: Bearer cgt_…` (the CLI, CI pipelines)
 *   auth "session": the console's session cookie, and only from the
 *     console's own pages (Sec-Fetch-Site / Origin checked: a cross-site
 *     request is refused with 403 before anything runs)
 *
 * The body (`from: "json"`, at most `maxBodyBytes`) or the query string
 * (`from: "query"`) is the input; the definition declares the permission,
 * resolves the resource in the actor's scope, runs, and (for writes) writes
 * the receipt naming the token. Answers `{ ok: true, data, receipt, actor }`, or an
 * RFC 9457 problem: 400 invalid input (each field named), 401 token refused
 * (the reason named), 403 forbidden (the permission named), 404 not found
 * (also "not yours"), 409 conflict, 413, 415, 503 database unavailable.
 */
import { randomUUID } from "node:crypto";
import type { Resource } from "@/lib/authz";
import { database, type Db } from "@/lib/db";
import { executeAction, type ActionDefinition, type ActionResult } from "./action";
import type { RequestActor } from "./actor";
import type { ActionError, ErrorCode } from "./errors";
import { databaseUnavailable, isDatabaseUnavailable, readBodyLimited } from "./host-auth";
import { problemResponse, problemType } from "./problem";
import { sameOriginProblem } from "./same-origin";

export const DEFAULT_ROUTE_BODY_BYTES = 1024 * 1024;

export interface RouteSpec<I, R, Res extends Resource, P> {
  auth: "token" | "session";
  from: "json" | "query" | "form";
  action: ActionDefinition<I, R, Res, P>;
  maxBodyBytes?: number;
  /** The answer for a success (default: JSON `{ ok, data, receipt }`). */
  respond?: (result: Extract<ActionResult<R>, { ok: true }>, request: Request) => Response;
  /** The answer for an expected failure (default: a problem response). */
  refuse?: (error: ActionError, request: Request, input: unknown) => Response;
}

const STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  internal: 500,
};

export function errorProblem(error: ActionError, requestId?: string): Response {
  const status = STATUS[error.code];
  return problemResponse(status, {
    type: problemType(error.code.replace(/_/g, "-")),
    title: TITLES[error.code],
    detail: error.message,
    ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
    ...(error.permission ? { permission: error.permission } : {}),
    ...(error.code === "internal" && requestId ? { requestId } : {}),
  });
}

const TITLES: Record<ErrorCode, string> = {
  unauthenticated: "Not authenticated",
  invalid_input: "Invalid input",
  not_found: "Not found",
  forbidden: "Forbidden",
  conflict: "Conflict",
  internal: "Internal error",
};

type Handler = (request: Request, context?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>;

export function defineRoute<I, R, Res extends Resource, P>(spec: RouteSpec<I, R, Res, P>): Handler {
  const limit = spec.maxBodyBytes ?? DEFAULT_ROUTE_BODY_BYTES;
  return async (request, context) => {
    const requestId = randomUUID();
    let input: unknown;
    try {
      if (spec.auth === "session") {
        const refused = sameOriginProblem(request);
        if (refused) return refused;
      }
      const raw = await readInput(request, spec.from, limit);
      if (raw instanceof Response) return raw;
      input = { ...raw, ...(await routeParams(context)) };
      const db = await database();
      const actor = await authenticate(request, spec.auth, db.prisma);
      if (actor instanceof Response) return actor;
      const result = await executeAction(spec.action, { actor, database: db, requestId, rethrowUnexpected: true }, input);
      if (result.ok) {
        if (spec.respond) return spec.respond(result, request);
        // `actor`: who the request acted as (the token's owner), for the CLI to say so.
        const answer = { ...result, actor: { email: actor?.email ?? null, tokenId: actor?.tokenId ?? null } };
        return Response.json(answer, { headers: { "Cache-Control": "no-store" } });
      }
      return spec.refuse ? spec.refuse(result.error, request, input) : errorProblem(result.error);
    } catch (error) {
      if (isDatabaseUnavailable(error)) return databaseUnavailable();
      console.error(`[route ${spec.action.name}] request ${requestId} failed:`, error);
      const generic: ActionError = {
        code: "internal",
        message: `Something went wrong on the console and nothing was changed (request ${requestId}).`,
        requestId,
      };
      return spec.refuse ? spec.refuse(generic, request, input) : errorProblem(generic, requestId);
    }
  };
}

async function routeParams(context?: { params?: Promise<Record<string, string | string[]>> }): Promise<Record<string, string>> {
  const params = (await context?.params) ?? {};
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

/** The request's input as a plain object, or the problem that refuses it. */
async function readInput(request: Request, from: RouteSpec<never, never, never, never>["from"], limit: number): Promise<Record<string, unknown> | Response> {
  if (from === "query") {
    const out: Record<string, string | string[]> = {};
    for (const [key, value] of new URL(request.url).searchParams) {
      const seen = out[key];
      out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
    return out;
  }
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (from === "form") {
    if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
      return unsupported("Send the console's form (application/x-www-form-urlencoded or multipart/form-data).");
    }
    try {
      const out: Record<string, unknown> = {};
      for (const [key, value] of (await request.formData()).entries()) if (typeof value === "string") out[key] = value;
      return out;
    } catch {
      return unsupported("The form could not be read.");
    }
  }
  if (type !== "application/json" && !type.endsWith("+json")) return unsupported("Send a JSON body (Content-Type: application/json).");
  const read = await readBodyLimited(request, limit);
  if (!read.ok) return read.response;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(read.body));
  } catch {
    return problemResponse(400, { type: problemType("malformed-json"), title: "Malformed JSON", detail: "The body is not valid UTF-8 JSON." });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return problemResponse(400, { type: problemType("invalid-input"), title: "Invalid input", detail: "The body must be a JSON object." });
  }
  return value as Record<string, unknown>;
}

function unsupported(detail: string): Response {
  return problemResponse(415, { type: problemType("unsupported-media-type"), title: "Unsupported media type", detail });
}

async function authenticate(
  request: Request,
  auth: "token" | "session",
  prisma: Db,
): Promise<RequestActor | null | Response> {
  if (auth === "session") {
    // No session: the pipeline answers "unauthenticated" (a form route turns it into a redirect to sign in).
    const { getActor } = await import("./session");
    return getActor();
  }
  const { authenticateToken } = await import("./tokens/authenticate");
  const result = await authenticateToken(prisma, request.headers.get("authorization"));
  if (result.ok) return result.actor;
  return problemResponse(
    401,
    { type: problemType(`token-${result.reason}`), title: "API token refused", detail: result.detail, reason: result.reason },
    { "WWW-Authenticate": `Bearer realm="cellgate", error="invalid_token"` },
  );
}
