/**
 * Early redirect only, never the check: a console page requested without any
 * session cookie goes straight to /signin?callbackUrl=…, sparing a render.
 * Whether a cookie is still good (signature, revocation, timeouts, roles) is
 * decided by getActor() on the server for every page, action and route.
 *
 * Also passes the requested path to server components (x-cellgate-path,
 * always overwritten here) so requireActor() can send a visitor whose cookie
 * has died back to the same page after signing in.
 *
 * Not matched: /api/** (health, auth, host APIs answer for themselves),
 * /_next/**, /signin, and any path with a file extension (static files).
 */
import { NextResponse, type NextRequest } from "next/server";
import { hasSessionCookie } from "@/lib/server/auth/cookies";

const PATH_HEADER = "x-cellgate-path";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
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
  matcher: ["/((?!api/|api$|_next/|signin|favicon\\.ico|.*\\.[A-Za-z0-9]+$).*)"],
};
