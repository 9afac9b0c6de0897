import "server-only";
/**
 * The gate in front of every host API route (RFC 9421 signed requests):
 *  1. body size: Content-Length over the limit → 413 without reading; else the
 *     stream is counted and abandoned at limit + 1 bytes → 413;
 *  2. signature (lib/domain/http-signatures verifyRequest): keys from HostKey,
 *     `created` against this server's clock (±300 s), Content-Digest against
 *     the bytes read → 401 problem naming the failed check, nothing stored;
 *  3. nonce claimed in SignatureNonce (only once the signature verified) → a
 *     replay, from any process sharing the database, is 401 replayed-nonce;
 *  4. the host's requests per minute counted in RateCounter → 429 + Retry-After
 *     (3 and 4 are one statement; the key lookup also brings the host's rate
 *     and bound profiles, so the gate costs two round trips);
 *  5. the handler runs with the verified host, its bound profiles and tenants.
 * Before all of it, admission (lib/server/admission.ts): more host requests in
 * flight in this process than CELLGATE_MAX_IN_FLIGHT wait at most
 * CELLGATE_QUEUE_BUDGET_MS, else 503 overloaded + Retry-After, body unread.
 * A database that cannot be reached answers 503 + Retry-After; bad input is
 * never a 500. `@path`/`@query` come from the request line; the Host header is
 * not relied on for anything security-relevant (@authority is not required).
 */
import { type Database, database } from "@/lib/db";
import { type LookedUpKey, publicKeyFromRaw, signatureProblem, verifyRequest } from "@/lib/domain/http-signatures";
import type { KeyObject } from "node:crypto";
import type { TierName } from "@/lib/domain/tiers";
import { env } from "@/lib/env";
import { Admission, eventLoopLag, type AdmissionStats } from "@/lib/server/admission";
import { claimNonceAndCount } from "@/lib/server/nonces";
import { problemResponse, problemType } from "@/lib/server/problem";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DB_RETRY_AFTER_SEC = 5;

export interface VerifiedHost {
  id: string;
  profileIds: string[];
  tenantIds: string[];
  /** The bound profiles themselves (same order as profileIds). */
  profiles: BoundProfile[];
}

export interface BoundProfile {
  id: string;
  slug: string;
  tenantId: string;
  /** What a job decision needs of the profile, read with the key (no second query). */
  tenantSlug: string;
  ring: number;
  tier: TierName;
}

/** The bound-profile JSON for HostProfile rows `hp` of a host (one object per profile, by slug). */
export const BOUND_PROFILES_SQL = (hostId: string) => `(SELECT COALESCE(json_agg(json_build_object('id', p."id", 'slug', p."slug", 'tenantId', p."tenantId",
         'tenantSlug', t."slug", 'ring', p."ring", 'tier', p."tier") ORDER BY p."slug"), '[]'::json)
       FROM "HostProfile" hp JOIN "Profile" p ON p."id" = hp."profileId" JOIN "Tenant" t ON t."id" = p."tenantId" WHERE hp."hostId" = ${hostId})`;

export interface HostRouteContext {
  request: Request;
  body: Uint8Array;
  host: VerifiedHost;
  keyId: string;
  now: Date;
  /** The database the gate used (the app's singleton). */
  database: Database;
}

export interface HostRouteOptions {
  name: string;
  maxBodyBytes?: number;
}

type BodyResult = { ok: true; body: Uint8Array } | { ok: false; response: Response };

function tooLarge(limit: number, detail: string): Response {
  return problemResponse(413, {
    type: problemType("payload-too-large"),
    title: "Request body too large",
    detail,
    limit,
  });
}

/** Reads at most `limit` bytes; refuses (without reading the rest) anything larger. */
export async function readBodyLimited(request: Request, limit: number): Promise<BodyResult> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared.trim()) > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, response: tooLarge(limit, `Content-Length ${declared.trim()} exceeds the limit of ${limit} bytes`) };
  }
  if (!request.body) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      const response = problemResponse(400, {
        type: problemType("body-unreadable"),
        title: "Request body could not be read",
        detail: "the connection ended before the whole body arrived",
      });
      return { ok: false, response };
    }
    const { done, value } = next;
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, response: tooLarge(limit, `the body exceeds the limit of ${limit} bytes`) };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH",
  "57P01", "57P02", "57P03", "53300", "P1001", "P1002", "P1017", "P2024",
]);
const UNAVAILABLE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
const UNAVAILABLE_MESSAGE =
  /ECONNREFUSED|connection terminated|connection (refused|closed|lost|ended)|PGlite is closed|closed PGlite|can't reach database|timed out fetching a new connection|server closed the connection|Client has encountered a connection error|the database system is (shutting down|starting up)|already open by process/i;

/** Connection refused, server gone, PGlite closed or locked: worth retrying, not a bug. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== "object" || depth > 6) return false;
  const e = error as { code?: unknown; kind?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; meta?: unknown };
  if (typeof e.code === "string" && (UNAVAILABLE_CODES.has(e.code) || /^08/.test(e.code))) return true;
  if (typeof e.kind === "string" && UNAVAILABLE_KINDS.has(e.kind)) return true;
  if (e.name === "DataDirLockedError") return true;
  if (typeof e.message === "string" && UNAVAILABLE_MESSAGE.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta, depth + 1);
}

export function databaseUnavailable(): Response {
  return problemResponse(
    503,
    {
      type: problemType("database-unavailable"),
      title: "Database unavailable",
      detail: "The console cannot reach its database right now; nothing was stored. Retry later.",
    },
    { "Retry-After": String(DB_RETRY_AFTER_SEC) },
  );
}

/** The key, its host's rate and the host's bound profiles: one query. */
interface KeyRow {
  hostId: string;
  publicKey: string;
  alg: string;
  status: string;
  ratePerMinute: number | null;
  bound: BoundProfile[] | string | null;
}

const KEY_QUERY = `
  SELECT k."hostId", k."publicKey", k."alg", k."status"::text AS "status", h."ratePerMinute",
    ${BOUND_PROFILES_SQL(`k."hostId"`)} AS "bound"
  FROM "HostKey" k LEFT JOIN "Host" h ON h."id" = k."hostId"
  WHERE k."id" = $1`;

/** Parsed public keys by their stored base64 (the lookup itself always hits the database). */
const publicKeys = new Map<string, KeyObject>();
const PUBLIC_KEY_CACHE_MAX = 1024;

function publicKeyObject(base64: string): KeyObject | Uint8Array {
  const cached = publicKeys.get(base64);
  if (cached) return cached;
  const raw = Buffer.from(base64, "base64");
  let key: KeyObject;
  try {
    key = publicKeyFromRaw(raw);
  } catch {
    return raw; // verifyRequest refuses it and names the problem, as before
  }
  if (publicKeys.size >= PUBLIC_KEY_CACHE_MAX) publicKeys.clear();
  publicKeys.set(base64, key);
  return key;
}

/** Seconds a shed host is asked to wait before retrying. */
export const OVERLOAD_RETRY_AFTER_SEC = 1;

let admission: Admission | undefined;

/** This process's host-request admission (one for every host route). */
function hostAdmission(): Admission {
  if (!admission) {
    const { CELLGATE_MAX_IN_FLIGHT: maxInFlight, CELLGATE_QUEUE_BUDGET_MS: queueBudgetMs } = env();
    admission = new Admission({ maxInFlight, queueBudgetMs, maxQueue: maxInFlight * 8 }, eventLoopLag());
  }
  return admission;
}

/** In flight, waiting, admitted and shed host requests of this process (for /api/metrics). */
export function hostAdmissionStats(): AdmissionStats & { maxInFlight: number } {
  const gate = hostAdmission();
  return { ...gate.stats(), maxInFlight: gate.limits.maxInFlight };
}

function overloaded(): Response {
  const { maxInFlight, queueBudgetMs } = hostAdmission().limits;
  return problemResponse(
    503,
    {
      type: problemType("overloaded"),
      title: "Console busy",
      detail: `This console process is at its limit (${maxInFlight} host requests in flight, ${queueBudgetMs} ms of waiting); nothing was read or stored. Retry after ${OVERLOAD_RETRY_AFTER_SEC} s.`,
    },
    { "Retry-After": String(OVERLOAD_RETRY_AFTER_SEC) },
  );
}

export function hostRoute(
  options: HostRouteOptions,
  handler: (ctx: HostRouteContext) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const guarded = verifiedRoute(options, handler);
  return async (request: Request) => {
    const release = await hostAdmission().enter();
    if (!release) {
      await request.body?.cancel().catch(() => undefined);
      return hostResponse(overloaded());
    }
    try {
      return hostResponse(await guarded(request));
    } finally {
      release();
    }
  };
}

/**
 * Host API answers are small JSON, often signed over their exact bytes:
 * `no-transform` keeps the server's gzip off them (compressing a few hundred
 * bytes per request cost more CPU than it saved), `no-store` as before.
 */
function hostResponse(response: Response): Response {
  try {
    response.headers.set("Cache-Control", "no-store, no-transform");
    return response;
  } catch {
    return response; // immutable headers: leave it as it is
  }
}

function verifiedRoute(
  options: HostRouteOptions,
  handler: (ctx: HostRouteContext) => Promise<Response>,
): (request: Request) => Promise<Response> {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (request: Request) => {
    const read = await readBodyLimited(request, limit);
    if (!read.ok) return read.response;
    const body = read.body;
    try {
      const db = await database();
      const now = new Date();
      let keyRow: KeyRow | undefined;
      const verified = await verifyRequest({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body,
        now,
        lookupKey: async (keyId): Promise<LookedUpKey | null> => {
          const rows = await db.sql.query<KeyRow>(KEY_QUERY, [keyId]);
          keyRow = rows[0];
          if (!keyRow) return null;
          return {
            publicKey: publicKeyObject(keyRow.publicKey),
            status: keyRow.status === "active" ? "active" : "revoked",
            alg: keyRow.alg as "ed25519",
          };
        },
      });
      if (!verified.ok || !keyRow) {
        const failure = verified.ok ? { check: "unknown-key" as const, detail: "the key disappeared" } : verified;
        return problemResponse(401, signatureProblem(failure));
      }
      const hostId = keyRow.hostId;
      const ratePerMinute = Number(keyRow.ratePerMinute ?? 0);
      const claim = await claimNonceAndCount(db.sql, verified.keyId, verified.nonce, `host:${hostId}`, ratePerMinute, now);
      if (!claim.claimed) {
        return problemResponse(
          401,
          signatureProblem({ check: "replayed-nonce", detail: `nonce "${verified.nonce}" was already used with this key` }),
        );
      }
      const rate = claim.rate;
      if (!rate.allowed) {
        return problemResponse(
          429,
          {
            type: problemType("rate-limited"),
            title: "Too many requests",
            detail: `host "${hostId}" may send ${rate.limit} signed requests per minute`,
            limit: rate.limit,
          },
          { "Retry-After": String(rate.retryAfterSec) },
        );
      }
      const bound: BoundProfile[] =
        typeof keyRow.bound === "string" ? (JSON.parse(keyRow.bound) as BoundProfile[]) : (keyRow.bound ?? []);
      const host: VerifiedHost = {
        id: hostId,
        profileIds: bound.map((b) => b.id),
        tenantIds: [...new Set(bound.map((b) => b.tenantId))],
        profiles: bound,
      };
      return await handler({ request, body, host, keyId: verified.keyId, now, database: db });
    } catch (error) {
      if (isDatabaseUnavailable(error)) return databaseUnavailable();
      const reference = crypto.randomUUID();
      console.error(`[${options.name}] unexpected error (ref ${reference}):`, error);
      return problemResponse(500, {
        type: problemType("internal"),
        title: "Internal error",
        detail: `Something went wrong on the console (reference ${reference}); nothing was acknowledged.`,
      });
    }
  };
}
