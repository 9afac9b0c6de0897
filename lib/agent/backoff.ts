/**
 * Retry schedule: exponential backoff with "equal jitter" (half fixed, half
 * random), capped; a server's Retry-After is a floor, never shortened.
 */
export interface BackoffOptions {
  /** First delay, ms (default 1000). */
  baseMs?: number;
  /** Cap, ms (default 60 000). */
  maxMs?: number;
  /** Uniform [0, 1) source; injectable for tests. */
  random?: () => number;
}

/** Longest Retry-After honoured (a misbehaving server cannot park the agent for days). */
export const MAX_RETRY_AFTER_SEC = 3600;

/** The ceiling of attempt `n` (1-based): min(max, base · 2^(n−1)). */
export function backoffCeilingMs(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 60_000;
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(max, base * 2 ** Math.min(n - 1, 30));
}

/** Delay before retry `attempt` (1-based): in [ceiling/2, ceiling), at least Retry-After. */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}, retryAfterSec?: number | null): number {
  const ceiling = backoffCeilingMs(attempt, options);
  const random = options.random ?? Math.random;
  const jittered = Math.floor(ceiling / 2 + random() * (ceiling / 2));
  const floor = retryAfterSec != null ? Math.min(retryAfterSec, MAX_RETRY_AFTER_SEC) * 1000 : 0;
  return Math.max(jittered, floor);
}

/** Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  if (!/^[A-Za-z]{3},? /.test(trimmed)) return null; // HTTP-date starts with a day name
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
