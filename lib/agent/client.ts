/**
 * Signed HTTP from the host to the console (RFC 9421, Ed25519): every
 * request carries a fresh nonce and `created`; bodies carry Content-Digest.
 * Outcomes are classified for the run loop: delivered, retry later
 * (429/5xx/401/network — with Retry-After when given), or refused for good.
 */
import type { KeyObject } from "node:crypto";
import { signRequest } from "@/lib/domain/http-signatures";
import { parseRetryAfter } from "./backoff";
import type { AgentEvent } from "./spool";

export interface HostCredentials {
  /** Console base URL, e.g. https://console.example/ */
  url: string;
  keyId: string;
  privateKey: KeyObject;
  /** Per-request timeout, ms (default 15 000). */
  timeoutMs?: number;
}

export interface SignedExchange {
  status: number;
  headers: Headers;
  body: Uint8Array;
  /** The request as signed (for verifying `;req`-bound response signatures). */
  request: { method: string; url: string; headers: Record<string, string> };
}

export function endpoint(base: string, path: string): string {
  const root = base.endsWith("/") ? base : `${base}/`;
  return new URL(path.replace(/^\//, ""), root).toString();
}

/** Sends one signed request. Network errors and timeouts reject. */
export async function signedRequest(creds: HostCredentials, method: "GET" | "POST", path: string, body?: string): Promise<SignedExchange> {
  const url = endpoint(creds.url, path);
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const signature = signRequest({ method, url, headers, body, keyId: creds.keyId, privateKey: creds.privateKey });
  Object.assign(headers, signature);
  const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(creds.timeoutMs ?? 15_000) });
  return {
    status: response.status,
    headers: response.headers,
    body: new Uint8Array(await response.arrayBuffer()),
    request: { method, url, headers },
  };
}

export type SendOutcome =
  | { kind: "delivered"; status: number; response: unknown }
  | { kind: "retry"; status: number | null; retryAfterSec: number | null; reason: string }
  | { kind: "refused"; status: number; problem: unknown };

function parseJson(bytes: Uint8Array): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(problem: unknown): string {
  if (problem && typeof problem === "object") {
    const p = problem as { title?: unknown; detail?: unknown };
    return [p.title, p.detail].filter((x) => typeof x === "string").join(": ") || JSON.stringify(problem);
  }
  return String(problem);
}

/** Statuses worth retrying as they are: rate limited, server trouble, or a signature refused (clock, replay, key not yet registered). */
export function isRetryable(status: number): boolean {
  return status === 401 || status === 408 || status === 429 || status >= 500;
}

export async function sendEvents(creds: HostCredentials, events: AgentEvent[], now: () => Date = () => new Date()): Promise<SendOutcome> {
  let exchange: SignedExchange;
  try {
    exchange = await signedRequest(creds, "POST", "/api/v1/ingest", JSON.stringify({ events }));
  } catch (error) {
    return { kind: "retry", status: null, retryAfterSec: null, reason: `network: ${(error as Error).message}` };
  }
  const body = parseJson(exchange.body);
  if (exchange.status === 202 || exchange.status === 200) return { kind: "delivered", status: exchange.status, response: body };
  if (isRetryable(exchange.status)) {
    return {
      kind: "retry",
      status: exchange.status,
      retryAfterSec: parseRetryAfter(exchange.headers.get("retry-after"), now()),
      reason: `${exchange.status} ${describe(body)}`,
    };
  }
  return { kind: "refused", status: exchange.status, problem: body };
}

export function describeProblem(problem: unknown): string {
  return describe(problem);
}

/** The indexes a 400 problem names (`errors[].index`), if any. */
export function refusedIndexes(problem: unknown): number[] {
  const errors = (problem as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  const out = new Set<number>();
  for (const e of errors) {
    const index = (e as { index?: unknown } | null)?.index;
    if (typeof index === "number" && Number.isInteger(index) && index >= 0) out.add(index);
  }
  return [...out].sort((a, b) => a - b);
}
