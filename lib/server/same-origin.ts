import "server-only";
/**
 * Browser requests that change something must come from the console's own
 * pages. Refused with 403 (never a 500, never a write): `Sec-Fetch-Site`
 * other than same-origin (cross-site, same-site), and a missing or foreign
 * `Origin`. The session cookie is SameSite=Lax as well; this is the check
 * that does not depend on it.
 */
import { problemResponse, problemType } from "./problem";

/** Origins the console answers on: the request's own Host, and NEXTAUTH_URL's. */
function ownOrigins(request: Request): Set<string> {
  const origins = new Set<string>();
  const host = request.headers.get("host");
  if (host) {
    const scheme = new URL(request.url).protocol;
    origins.add(`${scheme}//${host}`.toLowerCase());
    origins.add(`http://${host}`.toLowerCase());
    origins.add(`https://${host}`.toLowerCase());
  }
  const configured = process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      origins.add(new URL(configured).origin.toLowerCase());
    } catch {
      // an invalid NEXTAUTH_URL is reported by lib/env.ts
    }
  }
  return origins;
}

export type OriginRefusal = "cross-site" | "same-site" | "no-origin" | "foreign-origin";

export function originRefusal(request: Pick<Request, "headers" | "url">): OriginRefusal | null {
  const site = request.headers.get("sec-fetch-site")?.toLowerCase();
  if (site === "cross-site") return "cross-site";
  if (site === "same-site") return "same-site";
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return "no-origin";
  return ownOrigins(request as Request).has(origin.toLowerCase()) ? null : "foreign-origin";
}

export const ORIGIN_REFUSAL_DETAIL: Record<OriginRefusal, string> = {
  "cross-site": "This request came from another site (Sec-Fetch-Site: cross-site); changes are only made from the console's own pages.",
  "same-site": "This request came from another site on the same domain (Sec-Fetch-Site: same-site); changes are only made from the console's own pages.",
  "no-origin": "This request carries no Origin header; changes are only made from the console's own pages.",
  "foreign-origin": "This request's Origin is not the console's; changes are only made from the console's own pages.",
};

export function sameOriginProblem(request: Request): Response | null {
  const refusal = originRefusal(request);
  if (!refusal) return null;
  return problemResponse(403, { type: problemType("cross-site"), title: "Cross-site request refused", detail: ORIGIN_REFUSAL_DETAIL[refusal], check: refusal });
}
