import "server-only";
/**
 * The optional single sign-on provider, configured by CELLGATE_OIDC_* (see
 * lib/env.ts). All three of issuer, client id and client secret must be set,
 * or none. The client secret is a secret reference (secret-ref.ts) resolved
 * when the provider is used, so a secret file need not exist at build time.
 */
import type { OAuthConfig } from "next-auth/providers/oauth";
import type { Env } from "@/lib/env";
import { parseGroupMap, type GroupMap } from "./group-map";
import { OIDC_PROVIDER_ID } from "./oidc-sync";
import { resolveSecretRef } from "./secret-ref";

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecretRef: string;
  name: string;
  groupsClaim: string;
  groupMap: GroupMap;
}

/** null when single sign-on is not configured; throws on a half or malformed configuration. */
export function oidcSettings(e: Env): OidcSettings | null {
  const set = [e.CELLGATE_OIDC_ISSUER, e.CELLGATE_OIDC_CLIENT_ID, e.CELLGATE_OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (set === 0) return null;
  if (set < 3 || !e.CELLGATE_OIDC_ISSUER || !e.CELLGATE_OIDC_CLIENT_ID || !e.CELLGATE_OIDC_CLIENT_SECRET) {
    throw new Error(
      "Single sign-on is half configured: set all of CELLGATE_OIDC_ISSUER, CELLGATE_OIDC_CLIENT_ID and CELLGATE_OIDC_CLIENT_SECRET, or none",
    );
  }
  return {
    issuer: e.CELLGATE_OIDC_ISSUER.replace(/\/+$/, ""),
    clientId: e.CELLGATE_OIDC_CLIENT_ID,
    clientSecretRef: e.CELLGATE_OIDC_CLIENT_SECRET,
    name: e.CELLGATE_OIDC_NAME,
    groupsClaim: e.CELLGATE_OIDC_GROUPS_CLAIM,
    groupMap: parseGroupMap(e.CELLGATE_OIDC_GROUP_MAP),
  };
}

export interface OidcClaims {
  iss?: string;
  sub?: string;
  email?: string;
  name?: string;
  preferred_username?: string;
  [claim: string]: unknown;
}

/** The next-auth v4 provider (authorization code flow with PKCE, state and nonce; claims from the ID token). */
export function oidcProvider(settings: OidcSettings): OAuthConfig<OidcClaims> {
  const provider: OAuthConfig<OidcClaims> = {
    id: OIDC_PROVIDER_ID,
    name: settings.name,
    type: "oauth",
    wellKnown: `${settings.issuer}/.well-known/openid-configuration`,
    // openid-client checks the ID token's `iss` against this.
    issuer: settings.issuer,
    clientId: settings.clientId,
    clientSecret: "",
    idToken: true,
    checks: ["pkce", "state", "nonce"],
    // Standard scopes only: the groups claim must be released with them (IdPs differ on a "groups" scope).
    authorization: { params: { scope: "openid email profile" } },
    client: { token_endpoint_auth_method: "client_secret_basic" },
    profile(claims) {
      const email = typeof claims.email === "string" ? claims.email : null;
      return { id: String(claims.sub), email, name: claims.name ?? claims.preferred_username ?? email };
    },
  };
  // Resolved each time next-auth reads it (per request), never at import. A
  // broken reference must not take password sign-in down with it: log it and
  // let the single sign-on attempt fail at the token exchange.
  Object.defineProperty(provider, "clientSecret", {
    enumerable: true,
    get: () => {
      try {
        return resolveSecretRef(settings.clientSecretRef);
      } catch (error) {
        console.error(`[auth] CELLGATE_OIDC_CLIENT_SECRET: ${(error as Error).message}`);
        return "";
      }
    },
  });
  return provider;
}
