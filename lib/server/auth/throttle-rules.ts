/**
 * Failed sign-in throttling, the arithmetic only (no I/O, unit-tested).
 *
 * Each bucket (one per account, one per client address) counts failures.
 * Reaching `threshold` failures blocks the bucket for `baseDelayMs`, and every
 * further failure doubles the block (1, 2, 4, 8 … minutes) up to `maxDelayMs`.
 * There is no permanent lockout: blocks expire on their own, and the counter
 * is forgotten after `windowMs` without failures (counted from the window
 * start, or from the end of the last block, whichever is later). Attempts
 * made while blocked are refused before the password is checked and are not
 * counted, so a legitimate user retrying does not extend their own block.
 */
export interface ThrottleRule {
  threshold: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const MINUTE = 60_000;

/** Per account: 5 failures within 15 minutes. */
export const ACCOUNT_RULE: ThrottleRule = { threshold: 5, windowMs: 15 * MINUTE, baseDelayMs: MINUTE, maxDelayMs: 15 * MINUTE };
/** Per client address: 20 failures within 15 minutes. */
export const ADDRESS_RULE: ThrottleRule = { threshold: 20, windowMs: 15 * MINUTE, baseDelayMs: MINUTE, maxDelayMs: 15 * MINUTE };

export interface ThrottleState {
  failures: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

/** Milliseconds until the bucket unblocks, or 0 when it is not blocked. */
export function blockedForMs(state: ThrottleState | null, now: Date): number {
  if (!state?.blockedUntil) return 0;
  return Math.max(0, state.blockedUntil.getTime() - now.getTime());
}

/** Is the counter still remembered at `now`? */
export function windowIsOpen(state: ThrottleState, rule: ThrottleRule, now: Date): boolean {
  const since = Math.max(state.windowStart.getTime(), state.blockedUntil?.getTime() ?? 0);
  return now.getTime() - since < rule.windowMs;
}

/** The block imposed by the `failures`-th failure (0 below the threshold). */
export function blockDelayMs(failures: number, rule: ThrottleRule): number {
  if (failures < rule.threshold) return 0;
  const doublings = Math.min(failures - rule.threshold, 30);
  return Math.min(rule.baseDelayMs * 2 ** doublings, rule.maxDelayMs);
}

/** The bucket's state after one more failure at `now`. */
export function afterFailure(state: ThrottleState | null, rule: ThrottleRule, now: Date): ThrottleState {
  const fresh = !state || !windowIsOpen(state, rule, now);
  const failures = fresh ? 1 : state.failures + 1;
  const windowStart = fresh ? now : state.windowStart;
  const delay = blockDelayMs(failures, rule);
  const blockedUntil = delay > 0 ? new Date(now.getTime() + delay) : fresh ? null : keepIfFuture(state.blockedUntil, now);
  return { failures, windowStart, blockedUntil };
}

function keepIfFuture(until: Date | null, now: Date): Date | null {
  return until && until > now ? until : null;
}

/** Whole minutes to tell the user (at least 1). */
export function minutesToWait(ms: number): number {
  return Math.max(1, Math.ceil(ms / MINUTE));
}
