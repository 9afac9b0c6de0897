/**
 * The client address used for per-address throttling and recorded on the
 * session row. next-auth's `authorize` never sees the socket, only headers,
 * so this is what we can honestly know:
 *
 * - Next's own server fills `X-Forwarded-For` with the socket address when
 *   the request has no such header (base-server: `x-forwarded-for ??=
 *   socket.remoteAddress`). It does not append to a header the client sent.
 * - CELLGATE_TRUST_PROXY on (a proxy you run is in front and replaces or
 *   appends to X-Forwarded-For): the first entry, i.e. the client as your
 *   proxy saw it. Only switch this on when clients cannot reach the app
 *   directly, or they can choose their own address.
 * - CELLGATE_TRUST_PROXY off: the last entry, which is the socket address
 *   whenever the client sent no X-Forwarded-For of its own. A client that
 *   sends one can pick which address bucket it fills; that is why every
 *   attempt is also throttled per account, which it cannot evade.
 * - Nothing usable (missing or malformed): the literal bucket "unknown".
 */
import { isIP } from "node:net";

export const UNKNOWN_ADDRESS = "unknown";

type HeaderSource = Headers | Record<string, string | string[] | undefined> | null | undefined;

export function headerValue(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

export function clientAddress(headers: HeaderSource, trustProxy: boolean): string {
  const forwarded = headerValue(headers, "x-forwarded-for");
  if (!forwarded) return UNKNOWN_ADDRESS;
  const hops = forwarded
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  const pick = trustProxy ? hops[0] : hops[hops.length - 1];
  return normalizeAddress(pick) ?? UNKNOWN_ADDRESS;
}

/** A bare IPv4/IPv6 address (IPv4-mapped IPv6 folded to IPv4), or null. */
export function normalizeAddress(raw: string | undefined): string | null {
  if (!raw) return null;
  let value = raw.trim();
  if (value.startsWith("[") && value.includes("]")) value = value.slice(1, value.indexOf("]"));
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  if (value.toLowerCase().startsWith("::ffff:") && isIP(value.slice(7)) === 4) value = value.slice(7);
  return isIP(value) ? value.toLowerCase() : null;
}
