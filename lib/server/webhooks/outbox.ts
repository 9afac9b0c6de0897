import "server-only";
/**
 * The webhook outbox (WebhookDelivery). A submission inserts its message in
 * its own transaction (`enqueueWebhook`); delivery happens after the commit
 * and never blocks or fails the submission.
 *
 * `deliverDue` claims due rows in ONE statement (`FOR UPDATE SKIP LOCKED`,
 * attempts + 1 and nextAttemptAt pushed out by a lease), so any number of
 * replicas can run it at once and each message is attempted by one of them;
 * a replica that dies mid-attempt leaves the row to be retried once the
 * lease runs out. A 2xx answer marks it delivered; anything else schedules
 * the next attempt with backoff, and after MAX_ATTEMPTS it is "failed".
 * Receivers de-duplicate by webhook-id (the row id, the same on every attempt).
 */
import { randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { resolveSecretRef } from "@/lib/server/auth/secret-ref";
import type { RawSql } from "@/lib/sql";
import { webhookHeaders, webhookKey } from "./sign";

/** Seconds to wait after the n-th failed attempt (n = 1, 2, …). */
export const BACKOFF_SEC = [5, 30, 120, 600, 1800, 3600, 7200, 14_400] as const;
export const MAX_ATTEMPTS = BACKOFF_SEC.length;
/** A claimed row is not claimed again for this long (an attempt's timeout plus margin). */
export const LEASE_SEC = 60;
export const ATTEMPT_TIMEOUT_MS = 10_000;

type Sql = Pick<RawSql, "query">;

export function backoffSec(attempts: number): number {
  return BACKOFF_SEC[Math.min(Math.max(attempts, 1), BACKOFF_SEC.length) - 1]!;
}

/** Inserts a message to deliver (call inside the transaction that makes it true). */
export async function enqueueWebhook(sql: Sql, input: { event: string; url: string; payload: unknown; now: Date }): Promise<string> {
  const id = `msg_${randomBytes(16).toString("base64url")}`;
  await sql.query(
    `INSERT INTO "WebhookDelivery" ("id", "event", "url", "payload", "nextAttemptAt", "createdAt") VALUES ($1, $2, $3, $4::jsonb, $5, $5)`,
    [id, input.event, input.url, JSON.stringify(input.payload), input.now],
  );
  return id;
}

export interface DeliverOptions {
  now?: Date;
  /** Rows claimed per call (default 20). */
  limit?: number;
  /** The "whsec_…" secret; default: CELLGATE_WEBHOOK_SECRET resolved; null sends unsigned. */
  secret?: string | null;
  timeoutMs?: number;
}

export interface DeliveryResult {
  id: string;
  attempt: number;
  ok: boolean;
  status: "delivered" | "pending" | "failed";
  error?: string;
}

interface ClaimedRow {
  id: string;
  url: string;
  payload: unknown;
  attempts: number;
}

function configuredSecret(): string | null {
  const ref = env().CELLGATE_WEBHOOK_SECRET;
  if (!ref) return null;
  const secret = resolveSecretRef(ref);
  webhookKey(secret); // refuse a malformed secret before anything is sent
  return secret;
}

/** Claims the due messages and attempts each once. Returns what happened to each. */
export async function deliverDue(sql: Sql, options: DeliverOptions = {}): Promise<DeliveryResult[]> {
  const now = options.now ?? new Date();
  const claimed = await sql.query<ClaimedRow>(
    `UPDATE "WebhookDelivery" SET "attempts" = "attempts" + 1, "nextAttemptAt" = $2
     WHERE "id" IN (
       SELECT "id" FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= $1
       ORDER BY "nextAttemptAt" LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING "id", "url", "payload", "attempts"`,
    [now, new Date(now.getTime() + LEASE_SEC * 1000), options.limit ?? 20],
  );
  if (claimed.length === 0) return [];
  let secret: string | null;
  let secretProblem: string | null = null;
  try {
    secret = options.secret !== undefined ? options.secret : configuredSecret();
  } catch (error) {
    secret = null;
    secretProblem = `webhook secret unavailable: ${(error as Error).message}`;
  }
  return Promise.all(claimed.map((row) => attempt(sql, row, secret, secretProblem, now, options.timeoutMs ?? ATTEMPT_TIMEOUT_MS)));
}

async function attempt(sql: Sql, row: ClaimedRow, secret: string | null, secretProblem: string | null, now: Date, timeoutMs: number): Promise<DeliveryResult> {
  const attempts = Number(row.attempts);
  let error: string | null = secretProblem;
  if (!error) {
    const payload = typeof row.payload === "string" ? (JSON.parse(row.payload) as unknown) : row.payload;
    const body = JSON.stringify(payload);
    const headers = webhookHeaders(secret, row.id, Math.floor(Date.now() / 1000), body);
    try {
      const response = await fetch(row.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "Cellgate-Webhooks/1", ...headers },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        await sql.query(
          `UPDATE "WebhookDelivery" SET "status" = 'delivered', "deliveredAt" = $2, "lastError" = NULL WHERE "id" = $1 AND "attempts" = $3`,
          [row.id, new Date(), attempts],
        );
        return { id: row.id, attempt: attempts, ok: true, status: "delivered" };
      }
      error = `HTTP ${response.status}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      error = `${(e as Error).name === "TimeoutError" ? "timed out" : (e as Error).message}${cause ? ` (${cause})` : ""}`;
    }
  }
  const failed = attempts >= MAX_ATTEMPTS;
  await sql.query(
    `UPDATE "WebhookDelivery" SET "status" = $2, "nextAttemptAt" = $3, "lastError" = $4 WHERE "id" = $1 AND "attempts" = $5`,
    [row.id, failed ? "failed" : "pending", new Date(now.getTime() + backoffSec(attempts) * 1000), error.slice(0, 500), attempts],
  );
  return { id: row.id, attempt: attempts, ok: false, status: failed ? "failed" : "pending", error };
}
