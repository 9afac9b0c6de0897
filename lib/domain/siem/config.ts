/**
 * The SIEM export's settings as lib/env.ts validates them (pure: no I/O).
 */

/** "tcp://host:port" or "tls://host:port" (host a name, IPv4, or [IPv6]). */
export const SIEM_SYSLOG_ADDRESS = /^(tcp|tls):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([1-9][0-9]{0,4})$/;

/** Why a SIEM webhook URL is refused (null: fine). */
export function siemWebhookUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol === "https:") return null;
  const loopback = parsed.hostname === "localhost" || parsed.hostname === "[::1]" || /^127\./.test(parsed.hostname);
  return parsed.protocol === "http:" && loopback ? null : "not https";
}

/** A syslog address split: transport, host (brackets of an IPv6 literal removed) and port. */
export function parseSyslogAddress(address: string): { transport: "tcp" | "tls"; host: string; port: number } | null {
  const m = SIEM_SYSLOG_ADDRESS.exec(address);
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65_535) return null;
  return { transport: m[1] as "tcp" | "tls", host: m[2]!.replace(/^\[|\]$/g, ""), port };
}

/** A URL as shown on the admin page and in metrics: no credentials, no query (either may carry a token). */
export function displayTarget(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
