/**
 * The console's front door, before any page, action or route runs. Three
 * checks, none of them a session check:
 *
 * 1. Input no page or route can take faithfully — a malformed
 *    percent-escape, NUL or another control character, a lone surrogate in
 *    the path or the query — is refused with 400 and a readable message
 *    (problem+json under /api, a short page elsewhere), never a 500.
 * 2. A state-changing request to a console page (a server action: any
 *    method but GET/HEAD/OPTIONS outside /api) must come from the console's
 *    own pages: Sec-Fetch-Site cross-site or same-site, and a missing or
 *    foreign Origin, are refused with 403 (lib/server/same-origin.ts; the
 *    session routes under /api apply the same check in lib/server/route.ts).
 *    A server action whose body does not parse is a 400.
 * 3. Early redirect only, never the check: a console page requested without
 *    any session cookie goes straight to /signin?callbackUrl=…, sparing a
 *    render. Whether a cookie is still good (signature, revocation,
 *    timeouts, roles) is decided by getActor() on the server for every page,
 *    action and route. Also passes the requested path to server components
 *    (x-cellgate-path, always overwritten here) so requireActor() can send a
 *    visitor whose cookie has died back to the same page after signing in.
 *
 * Not matched: /_next/static, /_next/image, favicon.ico, and API requests
 * that carry a body (their routes check their own input; see `config`).
 */
import { NextResponse, type NextRequest } from "next/server";
import { urlInputProblem, valueProblem } from "@/lib/domain/http/request-input";
import { hasSessionCookie } from "@/lib/server/auth/cookies";
import { problemResponse, problemType } from "@/lib/server/problem";
import { sameOriginProblem } from "@/lib/server/same-origin";

const PATH_HEADER = "x-cellgate-path";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Paths that answer for themselves (no sign-in redirect): the API, Next's own files, the sign-in page, static files. */
const NO_REDIRECT = /^\/(?:api(?:\/|$)|_next\/|signin(?:\/|$))|\.[A-Za-z0-9]+$/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function badRequest(request: NextRequest, api: boolean, detail: string): Response {
  if (api || (request.headers.get("accept") ?? "").includes("json") || request.headers.has("next-action")) {
    return problemResponse(400, { type: problemType("bad-request"), title: "Bad request", detail });
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bad request · Cellgate</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#0f172a">
<h1 style="font-size:1.25rem">Bad request</h1><p>${escapeHtml(detail)}</p><p>Nothing was read or changed. <a href="/">Back to the console</a></p></body></html>`;
  return new Response(html, { status: 400, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}

/** Why a server action's body cannot be taken (it does not parse, or holds NUL / broken Unicode), or null. */
async function actionBodyProblem(request: NextRequest): Promise<string | null> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  try {
    if (type === "text/plain" || type === "") {
      const text = await request.clone().text();
      const problem = valueProblem(JSON.parse(text));
      return problem ? `The request body ${problem}.` : null;
    }
    if (type === "multipart/form-data" || type === "application/x-www-form-urlencoded") {
      const form = await request.clone().formData();
      for (const [key, value] of form.entries()) {
        const problem = valueProblem(key) ?? (typeof value === "string" ? valueProblem(value) : null);
        if (problem) return `The form field "${key.slice(0, 40)}" ${problem}.`;
      }
      return null;
    }
  } catch {
    return "The request body is not a well-formed form or JSON text.";
  }
  return `A console action does not take a ${type} body.`;
}

export async function proxy(request: NextRequest) {
  const raw = new URL(request.url);
  const { pathname } = request.nextUrl;
  const api = pathname === "/api" || pathname.startsWith("/api/");
  const problem = urlInputProblem(raw.pathname, raw.search);
  if (problem) return badRequest(request, api, problem);

  if (!api && !SAFE_METHODS.has(request.method)) {
    const refused = sameOriginProblem(request);
    if (refused) return refused;
    if (request.headers.has("next-action")) {
      const bodyProblem = await actionBodyProblem(request);
      if (bodyProblem) return badRequest(request, api, bodyProblem);
    }
  }

  if (NO_REDIRECT.test(pathname)) return NextResponse.next();
  const { search } = request.nextUrl;
  if (!hasSessionCookie(request.cookies.getAll().map((c) => c.name))) {
    const target = new URL("/signin", request.url);
    if (pathname !== "/" || search) target.searchParams.set("callbackUrl", `${pathname}${search}`);
    return NextResponse.redirect(target);
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, `${pathname}${search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    "/((?!api/|api$|_next/static|_next/image|favicon\\.ico).*)",
    // API requests only when they carry no body: running the proxy makes Next.js buffer a body, and the
    // ingest and jobs routes refuse an oversized one by its Content-Length before reading it.
    {
      source: "/api/:path*",
      missing: [
        { type: "header", key: "content-length" },
        { type: "header", key: "transfer-encoding" },
      ],
    },
  ],
};
