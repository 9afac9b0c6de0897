/**
 * Where next-auth may send the browser after signing in or out: back to the
 * host the request came to, when that host is allowed; otherwise the
 * configured NEXTAUTH_URL. Never anywhere else. Pure.
 *
 * Allowed: NEXTAUTH_URL's origin; when that is a loopback name (localhost,
 * 127.0.0.1, [::1]) the other loopback names on the same scheme and port
 * (the same machine, so a console reached at 127.0.0.1 stays there); and each
 * entry of CELLGATE_ALLOWED_HOSTS (`host[:port]`, with NEXTAUTH_URL's
 * scheme, or a full `https://host[:port]` origin).
 */
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin.toLowerCase();
  } catch {
    return null;
  }
}

export function defaultBaseUrl(nextauthUrl: string | undefined, port: number): string {
  return originOf(nextauthUrl ?? "") ?? `http://localhost:${port}`;
}

/** The allow-list's entries that are not a host[:port] or an http(s) origin, for the environment check. */
export function invalidAllowedHosts(list: string | undefined): string[] {
  return splitList(list).filter((entry) => parseEntry(entry, "http:") === null);
}

function splitList(list: string | undefined): string[] {
  return (list ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

function parseEntry(entry: string, scheme: string): string | null {
  if (entry.includes("://")) {
    const origin = originOf(entry);
    // An origin only: no path, query or credentials.
    return origin && new URL(entry).pathname === "/" && !entry.includes("@") && !entry.includes("?") ? origin : null;
  }
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(entry)) return null;
  return originOf(`${scheme}//${entry}`);
}

export function allowedOrigins(baseUrl: string, list?: string): Set<string> {
  const base = new URL(baseUrl);
  const origins = new Set<string>([base.origin.toLowerCase()]);
  if (LOOPBACK.includes(base.hostname.toLowerCase())) {
    for (const name of LOOPBACK) {
      const origin = originOf(`${base.protocol}//${name}${base.port ? `:${base.port}` : ""}`);
      if (origin) origins.add(origin);
    }
  }
  for (const entry of splitList(list)) {
    const origin = parseEntry(entry, base.protocol);
    if (origin) origins.add(origin);
  }
  return origins;
}

export interface RequestHost {
  host: string | null;
  forwardedHost?: string | null;
  forwardedProto?: string | null;
}

/**
 * The origin the browser used, from Host (X-Forwarded-Host/-Proto only
 * behind a proxy the operator trusts), when it is allowed; else the base.
 */
export function ownOrigin(request: RequestHost, baseUrl: string, allowed: Set<string>, trustProxy: boolean): string {
  const base = new URL(baseUrl);
  const host = (trustProxy ? request.forwardedHost?.split(",")[0]?.trim() : null) || request.host;
  const proto = (trustProxy ? request.forwardedProto?.split(",")[0]?.trim() : null) || base.protocol.replace(":", "");
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host) || (proto !== "http" && proto !== "https")) return base.origin.toLowerCase();
  const origin = originOf(`${proto}://${host}`);
  return origin && allowed.has(origin) ? origin : base.origin.toLowerCase();
}

/**
 * next-auth's redirect callback, per request: a path goes to `own`; a URL on
 * the base origin (next-auth builds its URLs from NEXTAUTH_URL) is moved to
 * `own`; a URL on another allowed origin stays; anything else goes to `own`'s
 * root, never off the allow-list.
 */
export function chooseRedirect(url: string, baseUrl: string, own: string, allowed: Set<string>): string {
  if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return `${own}${url}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `${own}/`;
  }
  const origin = parsed.origin.toLowerCase();
  const rest = `${parsed.pathname}${parsed.search}${parsed.hash}`;
  if (origin === new URL(baseUrl).origin.toLowerCase() || origin === own) return `${own}${rest}`;
  if (allowed.has(origin) && !parsed.username && !parsed.password) return `${parsed.origin}${rest}`;
  return `${own}/`;
}
