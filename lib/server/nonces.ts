import "server-only";
/**
 * Signature nonces, stored in the database so a replay is refused across
 * restarts and across every app process sharing it. The primary key
 * (keyId, nonce) decides: an INSERT that inserts nothing is a replay.
 * Called only AFTER the signature verified, so junk cannot fill the table.
 */
import type { RawSql } from "@/lib/sql";
import { rateDecision, windowStart, type RateDecision } from "@/lib/server/rate-limit";

/** A nonce must stay unique per key for at least this long (DESIGN.md). */
export const NONCE_RETENTION_SEC = 600;
/** Plus the accepted clock skew: a signature can be presented up to 300 s "early". */
export const NONCE_SKEW_SEC = 300;
/** One request in this many deletes expired nonces. */
const CLEANUP_ONE_IN = 100;

export async function purgeExpiredNonces(sql: RawSql, now: Date): Promise<void> {
  await sql.query(`DELETE FROM "SignatureNonce" WHERE "expiresAt" < $1`, [now]);
}

/**
 * Claim the nonce and count the request against the host's rate in ONE
 * statement (one round trip): the rate counter is only incremented when the
 * nonce was new, so a refused replay does not use up the host's rate.
 */
export async function claimNonceAndCount(
  sql: RawSql,
  keyId: string,
  nonce: string,
  rateKey: string,
  limit: number,
  now: Date,
): Promise<{ claimed: false } | { claimed: true; rate: RateDecision }> {
  const expiresAt = new Date(now.getTime() + (NONCE_RETENTION_SEC + NONCE_SKEW_SEC) * 1000);
  const start = windowStart(now);
  const rows = await sql.query<{ claimed: boolean; count: number | null }>(
    `WITH claimed AS (
       INSERT INTO "SignatureNonce" ("keyId", "nonce", "expiresAt") VALUES ($1, $2, $3)
       ON CONFLICT ("keyId", "nonce") DO NOTHING RETURNING 1
     ), counted AS (
       INSERT INTO "RateCounter" ("key", "windowStart", "count")
       SELECT $4, $5, 1 WHERE EXISTS (SELECT 1 FROM claimed)
       ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "RateCounter"."count" + 1
       RETURNING "count"
     )
     SELECT EXISTS (SELECT 1 FROM claimed) AS "claimed", (SELECT "count" FROM counted) AS "count"`,
    [keyId, nonce, expiresAt, rateKey, start],
  );
  if (Math.random() * CLEANUP_ONE_IN < 1) await purgeExpiredNonces(sql, now).catch(() => undefined);
  const row = rows[0];
  if (!row?.claimed) return { claimed: false };
  return { claimed: true, rate: await rateDecision(sql, Number(row.count ?? 1), limit, now) };
}
