/**
 * Session cookie naming, shared by the next-auth options, getActor and
 * proxy.ts. next-auth sets httpOnly + SameSite=Lax always, and Secure with
 * the "__Secure-" prefix when cookies are secure; we decide "secure" the same
 * way everywhere: NEXTAUTH_URL is https.
 */
export const SESSION_COOKIE_BASE = "next-auth.session-token";

export function useSecureCookies(nextAuthUrl: string | undefined): boolean {
  return (nextAuthUrl ?? "").startsWith("https://");
}

export function sessionCookieName(nextAuthUrl: string | undefined): string {
  return `${useSecureCookies(nextAuthUrl) ? "__Secure-" : ""}${SESSION_COOKIE_BASE}`;
}

/** Any session cookie at all (either name, chunked or not): proxy.ts's early redirect only. */
export function hasSessionCookie(names: Iterable<string>): boolean {
  for (const name of names) {
    const base = name.replace(/^__Secure-/, "").replace(/\.\d+$/, "");
    if (base === SESSION_COOKIE_BASE) return true;
  }
  return false;
}
