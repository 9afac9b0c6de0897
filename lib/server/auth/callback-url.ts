/**
 * Where to go after signing in: only a path on this console. Anything else
 * (another origin, "//host", "/\\host", javascript:) falls back to "/", so
 * the sign-in page can never be used as an open redirect. Pure.
 */
export function safeCallbackUrl(raw: string | null | undefined, ownOrigin?: string): string {
  if (!raw) return "/";
  let value = raw.trim();
  if (ownOrigin && /^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (url.origin !== new URL(ownOrigin).origin) return "/";
      value = `${url.pathname}${url.search}${url.hash}`;
    } catch {
      return "/";
    }
  }
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f]/.test(value)) return "/";
  // Never bounce back to the sign-in page itself.
  if (value === "/signin" || value.startsWith("/signin?") || value.startsWith("/api/auth")) return "/";
  return value;
}
