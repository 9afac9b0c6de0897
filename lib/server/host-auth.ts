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
 *  4. the host's requests per minute counted in RateCounter → 429 + Retry-After;
 *  5. the handler runs with the verified host, its bound profiles and tenants.
 * A database that cannot be reached answers 503 + Retry-After; bad input is
 * never a 500. `@path`/`@query` come from the request line; the Host header is
 * not relied on for anything security-relevant (@authority is not required).
 */
import { type Database, database } from "@/lib/db";
import { type LookedUpKey, signatureProblem, verifyRequest } from "@/lib/domain/http-signatures";
import { claimNonce } from "@/lib/server/nonces";
import { problemResponse, problemType } from "@/lib/server/problem";
import { countRequest } from "@/lib/server/rate-limit";

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DB_RETRY_AFTER_SEC = 5;

export interface VerifiedHost {
  id: string;
  profileIds: string[];
  tenantIds: string[];
}

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

interface KeyRow {
  hostId: string;
  publicKey: string;
  alg: string;
  status: string;
}

export function hostRoute(
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
          const rows = await db.sql.query<KeyRow>(
            `SELECT "hostId", "publicKey", "alg", "status"::text AS "status" FROM "HostKey" WHERE "id" = $1`,
            [keyId],
          );
          keyRow = rows[0];
          if (!keyRow) return null;
          return {
            publicKey: Buffer.from(keyRow.publicKey, "base64"),
            status: keyRow.status === "active" ? "active" : "revoked",
            alg: keyRow.alg as "ed25519",
          };
        },
      });
      if (!verified.ok || !keyRow) {
        const failure = verified.ok ? { check: "unknown-key" as const, detail: "the key disappeared" } : verified;
        return problemResponse(401, signatureProblem(failure));
      }
      if (!(await claimNonce(db.sql, verified.keyId, verified.nonce, now))) {
        return problemResponse(
          401,
          signatureProblem({ check: "replayed-nonce", detail: `nonce "${verified.nonce}" was already used with this key` }),
        );
      }
      const hostId = keyRow.hostId;
      const hostRows = await db.sql.query<{ ratePerMinute: number }>(`SELECT "ratePerMinute" FROM "Host" WHERE "id" = $1`, [hostId]);
      const ratePerMinute = Number(hostRows[0]?.ratePerMinute ?? 0);
      const rate = await countRequest(db.sql, `host:${hostId}`, ratePerMinute, now);
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
      const bound = await db.sql.query<{ profileId: string; tenantId: string }>(
        `SELECT hp."profileId", p."tenantId" FROM "HostProfile" hp JOIN "Profile" p ON p."id" = hp."profileId"
         WHERE hp."hostId" = $1`,
        [hostId],
      );
      const host: VerifiedHost = {
        id: hostId,
        profileIds: bound.map((b) => b.profileId),
        tenantIds: [...new Set(bound.map((b) => b.tenantId))],
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
