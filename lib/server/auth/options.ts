import "server-only";
/**
 * next-auth configuration: credentials (argon2id, throttled) and, when
 * configured, one OIDC provider (id "oidc"). The JWT carries only the
 * server-side session id (`sid`); lib/server/session.ts checks that row on
 * every request. Cookies are next-auth's defaults: httpOnly, SameSite=Lax,
 * and Secure with the __Secure- prefix when NEXTAUTH_URL is https.
 */
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { clientAddress, headerValue } from "./client-address";
import { useSecureCookies } from "./cookies";
import { signInWithPassword } from "./credentials";
import { groupsFromClaim } from "./group-map";
import { oidcProvider, oidcSettings, type OidcClaims } from "./oidc-config";
import { OIDC_PROVIDER_ID, signInWithOidc } from "./oidc-sync";
import { sessionLimits, signOutSession } from "./sessions";
import { SIGN_IN_ERROR, throttledCode } from "./sign-in-errors";
import { minutesToWait } from "./throttle-rules";
import { allowedOrigins, chooseRedirect, defaultBaseUrl, ownOrigin } from "@/lib/domain/http/redirect-host";

const OIDC_FAILURE_CODES = {
  no_access: SIGN_IN_ERROR.oidcNoAccess,
  email_conflict: SIGN_IN_ERROR.oidcEmailConflict,
  no_email: SIGN_IN_ERROR.oidcNoEmail,
  disabled: SIGN_IN_ERROR.disabled,
} as const;

export function buildAuthOptions(): NextAuthOptions {
  const e = env();
  const oidc = oidcSettings(e);
  return {
    pages: { signIn: "/signin", error: "/signin" },
    // Same rule as session.ts uses to find the cookie.
    useSecureCookies: useSecureCookies(e.NEXTAUTH_URL),
    session: { strategy: "jwt", maxAge: Math.ceil(sessionLimits().absoluteMs / 1000) },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, req) {
          const result = await signInWithPassword(await db(), {
            email: String(credentials?.email ?? ""),
            password: String(credentials?.password ?? ""),
            clientAddress: clientAddress(req?.headers, e.CELLGATE_TRUST_PROXY),
            userAgent: headerValue(req?.headers, "user-agent"),
          });
          if (result.ok) return { id: result.userId, email: result.email, name: result.name, sid: result.sessionId };
          // Thrown messages become next-auth's `?error=` code, which the sign-in page words.
          if (result.reason === "throttled") throw new Error(throttledCode(minutesToWait(result.retryAfterMs)));
          throw new Error(result.reason === "disabled" ? SIGN_IN_ERROR.disabled : SIGN_IN_ERROR.badCredentials);
        },
      }),
      ...(oidc ? [oidcProvider(oidc)] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!oidc) return false;
        const claims = (profile ?? {}) as OidcClaims;
        const headers = await requestHeaders();
        const result = await signInWithOidc(
          await db(),
          {
            issuer: String(claims.iss ?? oidc.issuer),
            subject: String(claims.sub ?? account.providerAccountId),
            email: typeof claims.email === "string" ? claims.email : null,
            name: typeof claims.name === "string" ? claims.name : null,
            groups: groupsFromClaim(claims[oidc.groupsClaim]),
          },
          oidc.groupMap,
          {
            clientAddress: clientAddress(headers, e.CELLGATE_TRUST_PROXY),
            userAgent: headerValue(headers, "user-agent"),
          },
        );
        if (!result.ok) return `/signin?error=${OIDC_FAILURE_CODES[result.reason]}`;
        // next-auth hands this same object to the jwt callback below.
        (user as { sid?: string }).sid = result.sessionId;
        return true;
      },
      async jwt({ token, user }) {
        const sid = (user as { sid?: unknown } | undefined)?.sid ?? token.sid;
        // Nothing but the session id: name, email and roles are read from the database per request.
        return typeof sid === "string" ? { sid } : {};
      },
      async session({ session }) {
        // The client never needs the session id; server code reads it from the cookie (session.ts).
        return { expires: session.expires };
      },
    },
    events: {
      async signOut({ token }) {
        const sid = token?.sid;
        if (typeof sid === "string") await signOutSession(await db(), sid);
      },
    },
    secret: e.NEXTAUTH_SECRET,
  };
}

/** The incoming request's headers, when called inside a Next.js request (route handler). */
async function requestHeaders(): Promise<Headers | null> {
  try {
    const { headers } = await import("next/headers");
    return await headers();
  } catch {
    return null;
  }
}

export const authOptions: NextAuthOptions = buildAuthOptions();

/**
 * The options for one request to /api/auth: redirects (after signing in or
 * out) go back to the host the request came to when it is allowed
 * (./redirect-host.ts), not always to NEXTAUTH_URL.
 */
export function authOptionsFor(headers: Headers): NextAuthOptions {
  const e = env();
  const base = defaultBaseUrl(e.NEXTAUTH_URL, e.PORT);
  const allowed = allowedOrigins(base, e.CELLGATE_ALLOWED_HOSTS);
  const own = ownOrigin(
    { host: headers.get("host"), forwardedHost: headers.get("x-forwarded-host"), forwardedProto: headers.get("x-forwarded-proto") },
    base,
    allowed,
    e.CELLGATE_TRUST_PROXY,
  );
  return {
    ...authOptions,
    callbacks: { ...authOptions.callbacks, redirect: async ({ url }) => chooseRedirect(url, base, own, allowed) },
  };
}
