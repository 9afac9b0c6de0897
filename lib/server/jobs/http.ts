import "server-only";
/**
 * The HTTP side of the jobs API, behind hostRoute (signature, nonce and the
 * host's request rate already checked): media type, JSON, ZJobBody (400
 * naming each bad field), then lib/server/jobs/submit.ts or read.ts.
 * Webhook deliveries are kicked after the commit and never awaited.
 */
import { ZJobBody } from "@/lib/domain/jobs";
import { parseJsonBytes, unsafeContentErrors } from "@/lib/domain/ingest/json-guard";
import type { HostRouteContext } from "@/lib/server/host-auth";
import { problemResponse, problemType } from "@/lib/server/problem";
import { kickWebhooks, startWebhookTicker } from "@/lib/server/webhooks/ticker";
import { readJobForHost } from "./read";
import { submitJob } from "./submit";

/** Bodies above this are refused (413) before they are read. */
export const JOBS_MAX_BODY_BYTES = 256 * 1024;

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

function traceIdOf(request: Request): string | undefined {
  const match = TRACEPARENT.exec(request.headers.get("traceparent")?.trim() ?? "");
  return match && !/^0+$/.test(match[1]!) ? match[1] : undefined;
}

function badRequest(detail: string, errors: Array<{ field: string; message: string }>): Response {
  return problemResponse(400, { type: problemType("invalid-job"), title: "Invalid job", detail, errors });
}

export async function handleSubmitJob(ctx: HostRouteContext): Promise<Response> {
  startWebhookTicker();
  const [mediaType = "", ...params] = (ctx.request.headers.get("content-type") ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replaceAll('"', "");
  if (mediaType !== "application/json" || (charset !== undefined && charset !== "utf-8")) {
    return problemResponse(415, {
      type: problemType("unsupported-media-type"),
      title: "Unsupported media type",
      detail: "the body must be application/json (UTF-8)",
      errors: [{ field: "Content-Type", message: "must be application/json" }],
    });
  }
  const json = parseJsonBytes(ctx.body);
  if (!json.ok) return badRequest(json.message, [{ field: "(body)", message: json.message }]);
  // NUL characters, lone surrogates, numbers out of range and prototype keys cannot be hashed or stored faithfully.
  const unsafe = unsafeContentErrors(json.value).map(({ field, message }) => ({ field: field.replace(/^\./, ""), message }));
  if (unsafe.length > 0) return badRequest(`${unsafe.length} invalid value(s): ${unsafe.map((e) => e.field).join(", ")}`, unsafe);
  const parsed = ZJobBody.safeParse(json.value);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => {
      if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ field: [...issue.path, key].join("."), message: "unknown field" }));
      return [{ field: issue.path.length ? issue.path.join(".") : "(body)", message: issue.message }];
    });
    return badRequest(`${errors.length} invalid field(s): ${errors.map((e) => e.field).join(", ")}`, errors);
  }
  const outcome = await submitJob(ctx.database, {
    host: ctx.host,
    keyId: ctx.keyId,
    body: parsed.data,
    now: ctx.now,
    traceId: traceIdOf(ctx.request),
  });
  if (!outcome.ok) return problemResponse(outcome.status, outcome.problem);
  if (outcome.webhookQueued) kickWebhooks();
  const headers: Record<string, string> = { "Cache-Control": "no-store", Location: `/api/v1/jobs/${outcome.job.id}` };
  if (outcome.retryAfterSec !== null) headers["Retry-After"] = String(outcome.retryAfterSec);
  return Response.json(outcome.job, { status: 201, headers });
}

export async function handleGetJob(ctx: HostRouteContext): Promise<Response> {
  const last = new URL(ctx.request.url).pathname.split("/").filter(Boolean).pop() ?? "";
  let id = last;
  try {
    id = decodeURIComponent(last);
  } catch {
    // malformed escape: look it up as sent (it matches no job)
  }
  const job = await readJobForHost(ctx.database, ctx.host, id, ctx.now);
  if (!job) {
    return problemResponse(404, {
      type: problemType("job-not-found"),
      title: "Job not found",
      detail: `no job "${id.slice(0, 100)}" on a profile this host is bound to`,
    });
  }
  return Response.json(job, { status: 200, headers: { "Cache-Control": "no-store" } });
}
