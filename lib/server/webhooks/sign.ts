/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/):
 *   webhook-id:        the message id (stable across retries, for de-duplication)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: "v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>"
 * The secret is "whsec_<base64 key>" (the prefix is optional). Pure: no
 * server-only import, so tests and receivers can verify with the same code.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export class WebhookSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSecretError";
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;

/** The HMAC key of a "whsec_…" secret. Errors never quote the secret. */
export function webhookKey(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!encoded || !BASE64.test(encoded)) {
    throw new WebhookSecretError('the webhook secret must be "whsec_" followed by base64 (Standard Webhooks)');
  }
  return Buffer.from(encoded, "base64");
}

export function webhookSignature(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac("sha256", webhookKey(secret)).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature"?: string;
}

/** Headers for one attempt; unsigned (no webhook-signature) when there is no secret. */
export function webhookHeaders(secret: string | null, id: string, timestamp: number, body: string): WebhookHeaders {
  const headers: WebhookHeaders = { "webhook-id": id, "webhook-timestamp": String(timestamp) };
  if (secret) headers["webhook-signature"] = webhookSignature(secret, id, timestamp, body);
  return headers;
}

/**
 * What a receiver does: checks the timestamp is within `toleranceSec` of
 * `now` and that one of the space-separated v1 signatures matches.
 */
export function verifyWebhook(
  secret: string,
  headers: { get(name: string): string | null },
  body: string,
  now: Date,
  toleranceSec = 300,
): boolean {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signatures = headers.get("webhook-signature");
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSec) return false;
  const expected = Buffer.from(webhookSignature(secret, id, Number(timestamp), body).slice(3), "base64");
  return signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
