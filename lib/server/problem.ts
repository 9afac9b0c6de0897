/**
 * RFC 9457 problem details: every refusal of the host API answers
 * `application/problem+json` with a `type` URI naming what failed. Types are
 * tag URIs (RFC 4151) like those of `signatureProblem` in
 * lib/domain/http-signatures: stable identifiers, not meant to be fetched.
 * (No "server-only": pure, usable from tests.)
 */
export const PROBLEM_TYPE_PREFIX = "tag:cellgate,2026:problem/";
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** `type`, `title`, `detail` plus any extension members (e.g. `errors`, `check`). */
export interface ProblemBody {
  type: string;
  title: string;
  detail: string;
}

/** `problemType("payload-too-large")` → "tag:cellgate,2026:problem/payload-too-large". */
export function problemType(name: string): string {
  return PROBLEM_TYPE_PREFIX + name;
}

export function problemResponse<P extends ProblemBody>(status: number, problem: P, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  h.set("Content-Type", PROBLEM_CONTENT_TYPE);
  h.set("Cache-Control", "no-store");
  const { type, title, detail, ...rest } = problem as ProblemBody & Record<string, unknown>;
  // `status` always mirrors the HTTP status, whatever the caller passed along.
  const { status: _ignored, ...extensions } = rest;
  return new Response(JSON.stringify({ type, title, status, detail, ...extensions }), { status, headers: h });
}
